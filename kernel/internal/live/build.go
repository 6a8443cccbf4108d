package live

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"golang.org/x/tools/go/packages"
)

// Module is the compiled program and what became of each lesson's cells.
type Module struct {
	Wasm    []byte             // the compiled program (not compressed)
	Lessons map[string]*Lesson // by notebook base name, "02-chain-rule"
}

// Lesson is one notebook's cells as the page shows them.
type Lesson struct {
	Name  string
	Cells []Cell // one per notebook cell, markdown included, in notebook order
}

// Cell says how the page treats one notebook cell.
type Cell struct {
	Index int
	Kind  string // "markdown", "numbers", "live", "snapshot", "static" (declarations only)
	Why   string // for "snapshot": e.g. "needs the MNIST data (mnist.Load)"; else ""
	// Follows lists, for a live cell, the numbers cells whose declarations its code
	// uses, directly or through other declarations: editing one of them re-runs it.
	Follows []int
}

// moduleName is the temporary module holding the generated packages.
const moduleName = "backproplive"

// Build turns the notebooks' cells into one js/wasm program and compiles it.
func Build(p *checkout.Checkout, notebooks []string) (*Module, error) {
	start := time.Now()
	dir, err := os.MkdirTemp("", "backprop-live-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	b := &builder{p: p, dir: dir}
	lessons, err := b.generate(notebooks)
	if err != nil {
		return nil, err
	}
	wasm, err := b.compile()
	if err != nil {
		return nil, err
	}
	checkout.Status("live: compile "+fmt.Sprint(len(lessons))+" lessons", fmt.Sprintf("%.1f MB of wasm in %s", float64(len(wasm))/1e6, checkout.Seconds(time.Since(start))))
	m := &Module{Wasm: wasm, Lessons: map[string]*Lesson{}}
	for _, l := range lessons {
		m.Lessons[l.name] = l.public()
	}
	return m, nil
}

// public is the lesson's cells with their final kinds.
func (l *lesson) public() *Lesson {
	out := &Lesson{Name: l.name}
	for _, c := range l.cells {
		for _, cc := range l.code {
			if cc.index != c.Index {
				continue
			}
			if cc.why != "" {
				c.Kind, c.Why = "snapshot", cc.why
			} else if c.Kind == "live" {
				c.Follows = cc.follows
			}
		}
		out.Cells = append(out.Cells, c)
	}
	return out
}

// builder holds the temporary module where the lessons are generated and compiled.
type builder struct {
	p   *checkout.Checkout
	dir string
}

// generate reads the notebooks and writes the module: each lesson's package, after
// goimports and type-checking, and the main package. It reports every lesson that
// cannot be generated.
func (b *builder) generate(notebooks []string) ([]*lesson, error) {
	var lessons []*lesson
	var errs []error
	for _, nb := range notebooks {
		l, err := readLesson(nb)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lessons = append(lessons, l)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := b.writeModule(); err != nil {
		return nil, err
	}
	for _, l := range lessons {
		for _, c := range l.code {
			for _, s := range c.imports {
				if !slices.Contains(l.imports, s) {
					l.imports = append(l.imports, s)
				}
			}
		}
		src, _ := l.source(false)
		if err := b.write(l, src); err != nil {
			return nil, err
		}
	}
	if err := b.goimports(lessons); err != nil {
		return nil, err
	}
	return lessons, b.analyse(lessons)
}

// analyse type-checks the lessons and writes each one's final package and the main.
func (b *builder) analyse(lessons []*lesson) error {
	start := time.Now()
	pkgs, starts, err := b.load(lessons)
	if err != nil {
		return err
	}
	checkout.Status(fmt.Sprintf("live: type-check %d lessons", len(lessons)), checkout.Seconds(time.Since(start)))
	var errs []error
	for i, l := range lessons {
		if err := analyse(l, pkgs[i], starts[i]); err != nil {
			errs = append(errs, err)
			continue
		}
		final, _ := l.source(true)
		errs = append(errs, b.write(l, final))
		checkout.Status("live: "+l.name, l.summary())
	}
	errs = append(errs, os.WriteFile(filepath.Join(b.dir, "main.go"), []byte(mainSource(moduleName, lessons)), 0o644))
	return errors.Join(errs...)
}

// summary counts a lesson's cells by kind, for the progress line.
func (l *lesson) summary() string {
	count := map[string]int{}
	for _, c := range l.public().Cells {
		count[c.Kind]++
	}
	return fmt.Sprintf("%d numbers, %d live, %d snapshot, %d static cells", count["numbers"], count["live"], count["snapshot"], count["static"])
}

// writeModule writes go.mod and a go.work that uses the checkout, as GoNB's -go_work does.
func (b *builder) writeModule() error {
	goVersion := goLine(filepath.Join(b.p.Root, "go.mod"))
	mod := fmt.Sprintf("module %s\n\ngo %s\n", moduleName, goVersion)
	work := fmt.Sprintf("go %s\n\nuse (\n\t.\n\t%s\n)\n", goVersion, strconv.Quote(b.p.Root))
	if err := os.WriteFile(filepath.Join(b.dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.dir, "go.work"), []byte(work), 0o644)
}

// goLine returns the go version a go.mod declares (1.24 when it says none).
func goLine(path string) string {
	if v := checkout.GoModLine(path, "go"); v != "" {
		return v
	}
	return "1.24"
}

// file is where a lesson's package goes in the module.
func (b *builder) file(l *lesson) string { return filepath.Join(b.dir, l.pkg, "lesson.go") }

// write writes a lesson's source.
func (b *builder) write(l *lesson, src string) error {
	if err := os.MkdirAll(filepath.Dir(b.file(l)), 0o755); err != nil {
		return err
	}
	return os.WriteFile(b.file(l), []byte(src), 0o644)
}

// env is the environment of the go command and goimports: the module's go.work,
// js/wasm, and the module cache that setup filled.
func (b *builder) env() []string {
	return append(os.Environ(), "GOWORK="+filepath.Join(b.dir, "go.work"), "GOOS=js", "GOARCH=wasm", "GOPROXY=off")
}

// goimports adds the imports the cells use without importing them, as GoNB does,
// and keeps the import lists it found.
func (b *builder) goimports(lessons []*lesson) error {
	bin := filepath.Join(b.p.BinDir(), "goimports")
	if !checkout.Exists(bin) {
		return fmt.Errorf("%s is missing: run `go run ./kernel setup` first", bin)
	}
	args := []string{"-w"}
	for _, l := range lessons {
		args = append(args, b.file(l))
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = b.dir, b.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("goimports on the lessons' cells: %v\n%s", err, out)
	}
	for _, l := range lessons {
		f, err := parser.ParseFile(token.NewFileSet(), b.file(l), nil, parser.ImportsOnly)
		if err != nil {
			return fmt.Errorf("%s after goimports: %w", l.name, err)
		}
		l.imports = nil
		for _, s := range f.Imports {
			spec := importSpec{path: strings.Trim(s.Path.Value, `"`)}
			if s.Name != nil {
				spec.name = s.Name.Name
			}
			l.imports = append(l.imports, spec)
		}
		src, _ := l.source(false)
		if err := b.write(l, src); err != nil {
			return err
		}
	}
	return nil
}

// load type-checks the lessons' packages for js/wasm, and returns them with where
// each cell's declarations start in its file.
func (b *builder) load(lessons []*lesson) ([]*packages.Package, []map[int]int, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  b.dir,
		Env:  b.env(),
	}
	var patterns []string
	starts := make([]map[int]int, len(lessons))
	for i, l := range lessons {
		patterns = append(patterns, "./"+l.pkg)
		_, starts[i] = l.source(false)
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, nil, fmt.Errorf("type-checking the lessons: %w", err)
	}
	byPath := map[string]*packages.Package{}
	for _, p := range pkgs {
		byPath[p.PkgPath] = p
	}
	out := make([]*packages.Package, len(lessons))
	for i, l := range lessons {
		if out[i] = byPath[moduleName+"/"+l.pkg]; out[i] == nil || len(out[i].Syntax) != 1 {
			return nil, nil, fmt.Errorf("type-checking %s: the go command did not load its package", l.name)
		}
	}
	return out, starts, nil
}

// compile builds the generated module for js/wasm, with a heartbeat: the first
// build, without the go command's cache, takes most of a minute.
func (b *builder) compile() ([]byte, error) {
	out := filepath.Join(b.dir, "lessons.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir, cmd.Env = b.dir, b.env()
	if err := b.p.RunLogged("live compile wasm", cmd); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}
