package live

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// mnistPath is the package whose use makes code need the MNIST data.
const mnistPath = "github.com/chainrule-go/backprop/mathx/mnist"

// savedPath and savedName are the function that reads a network another cell saved
// to disk (lesson 07 trains once and saves): the page has no such file.
const (
	savedPath = "github.com/chainrule-go/backprop/mathx"
	savedName = "Load"
)

// need says what a use of obj needs that the page does not have, or "".
func need(obj types.Object) string {
	switch {
	case obj.Pkg().Path() == mnistPath:
		return "the MNIST data"
	case obj.Pkg().Path() == savedPath && obj.Name() == savedName:
		return "a file that an earlier cell saves"
	}
	return ""
}

// unit is one top-level declaration of the analysed file (a function, or one spec of
// a var, const or type declaration) or one cell's body.
type unit struct {
	name       string
	node       ast.Node
	cell       *codeCell // the cell it comes from
	body       bool      // a cell's body, not a declaration
	start, end int       // offsets in the file: what leaving it out blanks
	uses       []*unit
	needs      string // what it needs that the page lacks ("the MNIST data"), or ""
	root       string // the function or type that needs it, "mnist.Load"
	via        string // the declaration it uses it through, or ""
}

// analysis is one lesson's type-checked file.
type analysis struct {
	l      *lesson
	pkg    *packages.Package
	file   *ast.File
	tf     *token.File
	starts map[int]int
	units  []*unit // in file order
}

// analyse finds the slots, what needs the data, the reset statements and the imports
// the generated package keeps.
func analyse(l *lesson, pkg *packages.Package, starts map[int]int) error {
	if len(pkg.Errors) > 0 {
		var msgs []string
		for _, e := range pkg.Errors {
			msgs = append(msgs, cellMessage(e))
		}
		return fmt.Errorf("%s does not compile as one package:\n  %s", l.name, strings.Join(msgs, "\n  "))
	}
	f := pkg.Syntax[0]
	a := &analysis{l: l, pkg: pkg, file: f, tf: pkg.Fset.File(f.Pos()), starts: starts}
	a.collectUnits()
	a.taint()
	a.follow()
	if err := a.slots(); err != nil {
		return err
	}
	a.resets()
	a.keepImports()
	return nil
}

// cellMessage turns a type checker's "02-chain-rule cell 4:3:5: msg" into
// "cell 4, line 3: msg".
func cellMessage(e packages.Error) string {
	_, rest, ok := strings.Cut(e.Pos, " cell ")
	parts := strings.Split(rest, ":")
	if !ok || len(parts) < 2 {
		return e.Error()
	}
	return fmt.Sprintf("cell %s, line %s: %s", parts[0], parts[1], e.Msg)
}

// off is a position's offset in the file, ignoring //line directives.
func (a *analysis) off(p token.Pos) int { return a.tf.Offset(p) }

// cellAt returns the cell whose declarations hold the file offset, and the offset
// inside them.
func (a *analysis) cellAt(off int) (*codeCell, int) {
	for _, c := range a.l.code {
		if s := a.starts[c.index]; off >= s && off <= s+len(c.decls) {
			return c, off - s
		}
	}
	return nil, 0
}

// collectUnits lists the file's declarations and bodies as units.
func (a *analysis) collectUnits() {
	add := func(name string, node ast.Node, start, end token.Pos) {
		u := &unit{name: name, node: node, start: a.off(start), end: a.off(end)}
		u.cell, _ = a.cellAt(u.start)
		a.units = append(a.units, u)
	}
	for _, d := range a.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if idx, ok := strings.CutPrefix(d.Name.Name, "live_cell"); ok && d.Recv == nil {
				u := &unit{name: d.Name.Name, node: d, body: true, start: a.off(d.Pos()), end: a.off(d.End())}
				for _, c := range a.l.code {
					if fmt.Sprint(c.index) == idx {
						u.cell = c
					}
				}
				a.units = append(a.units, u)
				continue
			}
			add(d.Name.Name, d, d.Pos(), d.End())
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			for _, s := range d.Specs {
				start, end := s.Pos(), s.End()
				if !d.Lparen.IsValid() {
					start, end = d.Pos(), d.End()
				}
				add(specName(s), s, start, end)
			}
		}
	}
}

// specName names a spec for messages: its first name.
func specName(s ast.Spec) string {
	switch s := s.(type) {
	case *ast.ValueSpec:
		return s.Names[0].Name
	case *ast.TypeSpec:
		return s.Name.Name
	}
	return ""
}

// unitAt returns the declaration unit holding a file offset, or nil.
func (a *analysis) unitAt(off int) *unit {
	i := sort.Search(len(a.units), func(i int) bool { return a.units[i].end > off })
	if i < len(a.units) && a.units[i].start <= off && !a.units[i].body {
		return a.units[i]
	}
	return nil
}

// taint marks the units that use package mnist or mathx.Load, directly or through
// other units, leaves those declarations out and makes those bodies snapshots.
func (a *analysis) taint() {
	info := a.pkg.TypesInfo
	for _, u := range a.units {
		ast.Inspect(u.node, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := info.Uses[id]
			switch {
			case obj == nil || obj.Pkg() == nil:
			case need(obj) != "":
				if u.needs == "" {
					u.needs, u.root = need(obj), obj.Pkg().Name()+"."+obj.Name()
				}
			case obj.Pkg() == a.pkg.Types && obj.Pos().IsValid() && a.tf == a.pkg.Fset.File(obj.Pos()):
				if v := a.unitAt(a.off(obj.Pos())); v != nil && v != u {
					u.uses = append(u.uses, v)
				}
			}
			return true
		})
	}
	for changed := true; changed; {
		changed = false
		for _, u := range a.units {
			for _, v := range u.uses {
				if u.needs == "" && v.needs != "" {
					u.needs, u.root, u.via, changed = v.needs, v.root, v.name, true
				}
			}
		}
	}
	for _, u := range a.units {
		if u.needs == "" || u.cell == nil {
			continue
		}
		if u.body {
			u.cell.why = u.why()
			continue
		}
		_, s := a.cellAt(u.start)
		_, e := a.cellAt(u.end)
		u.cell.edits = append(u.cell.edits, edit{s, e, blankOut(u.cell.decls[s:e])})
	}
}

// follow finds, for each cell body, the numbers cells whose declarations it uses,
// directly or through other declarations: the cells an edit of those re-runs.
func (a *analysis) follow() {
	for _, u := range a.units {
		if !u.body || u.cell == nil {
			continue
		}
		seen := map[*unit]bool{u: true}
		for todo := []*unit{u}; len(todo) > 0; todo = todo[1:] {
			for _, v := range todo[0].uses {
				if seen[v] {
					continue
				}
				seen[v] = true
				todo = append(todo, v)
				if v.cell != nil && v.cell.numbers && !slices.Contains(u.cell.follows, v.cell.index) {
					u.cell.follows = append(u.cell.follows, v.cell.index)
				}
			}
		}
		slices.Sort(u.cell.follows)
	}
}

// why is a snapshot's reason, e.g. "needs the MNIST data (mnist.Load, through train)".
func (u *unit) why() string {
	if u.via == "" {
		return fmt.Sprintf("needs %s (%s)", u.needs, u.root)
	}
	return fmt.Sprintf("needs %s (%s, through %s)", u.needs, u.root, u.via)
}

// kept says whether a unit stays in the generated package.
func (u *unit) kept() bool { return u.needs == "" }

// keepImports keeps the imports that the kept units use, and blank and dot imports.
func (a *analysis) keepImports() {
	used := map[string]bool{}
	for _, u := range a.units {
		if !u.kept() {
			continue
		}
		ast.Inspect(u.node, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if pn, ok := a.pkg.TypesInfo.Uses[id].(*types.PkgName); ok {
					used[pn.Imported().Path()] = true
				}
			}
			return true
		})
	}
	a.l.keep = nil
	for _, s := range a.l.imports {
		if used[s.path] || s.name == "_" || s.name == "." {
			a.l.keep = append(a.l.keep, s)
		}
	}
}
