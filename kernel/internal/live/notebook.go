package live

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// importSpec is one import of a cell or of a generated file.
type importSpec struct{ name, path string }

// String is the spec as Go writes it inside an import block.
func (s importSpec) String() string {
	if s.name == "" {
		return strconv.Quote(s.path)
	}
	return s.name + " " + strconv.Quote(s.path)
}

// edit replaces text[start:end] of a cell's declarations.
type edit struct {
	start, end int
	text       string
}

// codeCell is one code cell split as GoNB splits it, and what analysis found in it.
type codeCell struct {
	index    int
	source   string
	numbers  bool
	decls    string // the declarations: the text before `%%`, or the whole cell
	body     string // main's body: the text after `%%`
	hasBody  bool
	bodyLine int // the cell line where body starts
	imports  []importSpec
	names    []string // the top-level names it declares; a method is "T.M"
	blank    []edit   // the cell's import declarations, blanked: imports go to the file's top
	edits    []edit   // the numbers' slot reads and the declarations left out
	kinds    []string
	why      string // why the body is a snapshot, or ""
	follows  []int  // the numbers cells whose declarations the body uses
}

// lesson is one notebook on its way to a Go package.
type lesson struct {
	name, pkg string
	cells     []Cell
	code      []*codeCell
	imports   []importSpec // what goimports found the cells need
	keep      []importSpec // the imports the generated package uses
	reset     []string     // the statements of the reset function
}

// where names a cell for messages: its index and its first line.
func (c *codeCell) where() string {
	first := strings.TrimSpace(checkout.FirstLine(strings.TrimSpace(c.source)))
	if len(first) > 40 {
		first = first[:40] + "…"
	}
	return fmt.Sprintf("cell %d (%q)", c.index, first)
}

// readLesson reads a notebook and splits and parses its code cells.
func readLesson(path string) (*lesson, error) {
	nb, err := checkout.ReadNotebook(path)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
	l := &lesson{name: name, pkg: packageName(name)}
	for i, nc := range nb.Cells {
		kind := "markdown"
		if nc.Type == "code" {
			src := nc.Source()
			c, err := splitCell(i, src, slices.Contains(nc.Metadata.Tags, "numbers"))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			l.code = append(l.code, c)
			kind = c.kind()
		}
		l.cells = append(l.cells, Cell{Index: i, Kind: kind})
	}
	return l, l.checkNames()
}

// kind is the cell's kind before analysis; a live cell may become a snapshot.
func (c *codeCell) kind() string {
	switch {
	case c.numbers:
		return "numbers"
	case c.hasBody:
		return "live"
	}
	return "static"
}

// packageName turns a notebook's base name into a Go package name: "02-chain-rule"
// becomes "l02chainrule".
func packageName(name string) string {
	var b strings.Builder
	b.WriteString("l")
	for _, r := range strings.ToLower(name) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SplitCell splits a GoNB cell's source at its first `%%` line: the declarations
// above it, the body below it (which GoNB runs as main), and the body's first line
// number (0 when there is no `%%` line, and all of src is declarations).
func SplitCell(src string) (decls, body string, bodyLine int) {
	lines := strings.SplitAfter(src, "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) == "%%" {
			return strings.Join(lines[:i], ""), strings.Join(lines[i+1:], ""), i + 2
		}
	}
	return src, "", 0
}

// splitCell splits a cell at its `%%` line and parses its declarations. It refuses
// magics other than `%%`, a numbers cell with a body, and `func main` or `init`.
func splitCell(index int, src string, numbers bool) (*codeCell, error) {
	c := &codeCell{index: index, source: src, numbers: numbers}
	c.decls, c.body, c.bodyLine = SplitCell(src)
	c.hasBody = c.bodyLine > 0
	for i, line := range strings.SplitAfter(c.decls, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!") {
			return nil, fmt.Errorf("%s, line %d: %q: the exported page runs Go only, and of GoNB's magics only %%%%", c.where(), i+1, t)
		}
	}
	if numbers && c.hasBody && strings.TrimSpace(c.body) != "" {
		return nil, fmt.Errorf("%s is tagged numbers but has a body after %%%%: a numbers cell holds declarations only", c.where())
	}
	return c, c.parseDecls()
}

// declPrefix makes a cell's declarations a Go file for the parser.
const declPrefix = "package p\n"

// parseDecls reads the cell's imports, marks its import declarations to blank, and
// refuses `func main` and `func init`.
func (c *codeCell) parseDecls() error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", declPrefix+c.decls, parser.SkipObjectResolution)
	if err != nil {
		if list, ok := err.(interface{ Unwrap() []error }); ok && len(list.Unwrap()) > 0 {
			err = list.Unwrap()[0]
		}
		return fmt.Errorf("%s: %s", c.where(), shiftLine(err.Error()))
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - len(declPrefix) }
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.IMPORT {
				c.names = append(c.names, specNames(d)...)
				continue
			}
			for _, s := range d.Specs {
				spec := s.(*ast.ImportSpec)
				path, _ := strconv.Unquote(spec.Path.Value)
				name := ""
				if spec.Name != nil {
					name = spec.Name.Name
				}
				c.imports = append(c.imports, importSpec{name, path})
			}
			start, end := off(d.Pos()), off(d.End())
			c.blank = append(c.blank, edit{start, end, blankOut(c.decls[start:end])})
		case *ast.FuncDecl:
			if d.Recv == nil && (d.Name.Name == "main" || d.Name.Name == "init") {
				return fmt.Errorf("%s, line %d: declares func %s: in the exported page every cell's declarations make one package, which has neither",
					c.where(), fset.Position(d.Pos()).Line-1, d.Name.Name)
			}
			c.names = append(c.names, funcName(d))
		}
	}
	return nil
}

// shiftLine turns a parser message "line:col: msg" about declPrefix+decls into
// "line L: msg" with L the cell's line.
func shiftLine(msg string) string {
	parts := strings.SplitN(msg, ":", 3)
	if len(parts) == 3 {
		if n, err := strconv.Atoi(parts[0]); err == nil {
			return fmt.Sprintf("line %d:%s", n-1, parts[2])
		}
	}
	return msg
}

// blankOut replaces every character of s but newlines with spaces, so that the lines
// after it keep their numbers.
func blankOut(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		return ' '
	}, s)
}

// specNames lists the names a var, const or type declaration declares, blanks left out.
func specNames(d *ast.GenDecl) []string {
	var names []string
	for _, s := range d.Specs {
		switch s := s.(type) {
		case *ast.ValueSpec:
			for _, n := range s.Names {
				if n.Name != "_" {
					names = append(names, n.Name)
				}
			}
		case *ast.TypeSpec:
			names = append(names, s.Name.Name)
		}
	}
	return names
}

// funcName is a function's name, or "T.M" for the method M of T.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + d.Name.Name
		}
		return d.Name.Name
	}
}

// reservedPrefix starts the names the generator declares in a lesson's package.
const reservedPrefix = "live_"

// checkNames refuses a name declared by two cells, or one the generator uses.
func (l *lesson) checkNames() error {
	seen := map[string]*codeCell{}
	var problems []string
	for _, c := range l.code {
		for _, n := range c.names {
			if strings.HasPrefix(n, reservedPrefix) {
				problems = append(problems, fmt.Sprintf("%s declares %s: names starting with %s are the generated code's", c.where(), n, reservedPrefix))
			}
			if first, ok := seen[n]; ok {
				problems = append(problems, fmt.Sprintf("%s and %s both declare %s: GoNB runs each cell with the latest one, "+
					"but the page makes one package of every cell, so rename one of them", first.where(), c.where(), n))
				continue
			}
			seen[n] = c
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", l.name, strings.Join(problems, "; "))
	}
	return nil
}
