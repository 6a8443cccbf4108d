package selftest

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// allowedImports is the layout of the module: for each package (by its path inside the
// module), the packages of this module its non-test files may import. Imports run one
// way: from the command down through selftest to the leaves, and from the lessons'
// packages to mathx; nothing imports the command or selftest, and production code never
// imports testkit.
var allowedImports = map[string][]string{
	"kernel":                   {"kernel/internal/checkout", "kernel/internal/install", "kernel/internal/server", "kernel/internal/nbrun", "kernel/internal/export", "kernel/internal/class", "kernel/internal/selftest"},
	"kernel/internal/checkout": {},
	"kernel/internal/procs":    {},
	"kernel/internal/install":  {"kernel/internal/checkout", "kernel/internal/procs", "kernel/display"},
	"kernel/internal/server":   {"kernel/internal/checkout", "kernel/internal/install", "kernel/internal/procs"},
	"kernel/internal/nbrun":    {"kernel/internal/checkout", "kernel/internal/install"},
	"kernel/internal/export":   {"kernel/internal/checkout", "kernel/internal/install", "kernel/internal/nbrun", "kernel/internal/live", "kernel/display"},
	"kernel/internal/browser":  {"kernel/internal/checkout"},
	"kernel/internal/live":     {"kernel/internal/checkout"},
	"kernel/internal/class":    {"kernel/internal/checkout", "kernel/internal/install", "kernel/internal/server", "kernel/internal/procs", "kernel/display"},
	"kernel/internal/selftest": {"kernel/internal/checkout", "kernel/internal/procs", "kernel/internal/install", "kernel/internal/server", "kernel/internal/nbrun", "kernel/internal/export", "kernel/internal/live", "kernel/internal/browser", "kernel/internal/class"},
	"kernel/internal/testkit":  {"kernel/internal/checkout"},
	"kernel/display":           {},
	"kernel/pagerun":           {"kernel/display"},
	"kernel/goplsstandin":      {},
	"kernel/kernelgo":          {},
	"kernel/chart":             {"kernel/display", "mathx", "mathx/mat", "mathx/mnist", "mathx/autodiff"},
	"kernel/derive":            {"kernel/display", "mathx", "mathx/mat", "mathx/autodiff"},
	"mathx":                    {},
	"mathx/mat":                {"mathx"},
	"mathx/mnist":              {"mathx"},
	"mathx/autodiff":           {"mathx"},
}

// moduleImports reads the imports of this module's packages from every Go file under
// the checkout's kernel and mathx folders (none of them run): for each package, what
// its non-test files import and, separately, what its test files import.
func moduleImports(t *testing.T, root string) (prod, tests map[string][]string) {
	prod, tests = map[string][]string{}, map[string][]string{}
	fset := token.NewFileSet()
	for _, top := range []string{"kernel", "mathx"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata") {
				return skipDir(d, err)
			}
			if !strings.HasSuffix(path, ".go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			pkg, _ := filepath.Rel(root, filepath.Dir(path))
			into := prod
			if strings.HasSuffix(path, "_test.go") {
				into = tests
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if rel, ok := strings.CutPrefix(p, checkout.ModulePath+"/"); ok {
					into[filepath.ToSlash(pkg)] = append(into[filepath.ToSlash(pkg)], rel)
				}
			}
			into[filepath.ToSlash(pkg)] = append(into[filepath.ToSlash(pkg)], "")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return prod, tests
}

// skipDir passes a walk error on, or skips a folder that holds no package of ours.
func skipDir(d os.DirEntry, err error) error {
	if err != nil {
		return err
	}
	return filepath.SkipDir
}

// violations lists every import that runs against allowedImports.
func violations(prod, tests map[string][]string) []string {
	var found []string
	for pkg, imports := range prod {
		allowed, known := allowedImports[pkg]
		if !known {
			found = append(found, pkg+" is not in allowedImports: give the new package its place in the layout")
			continue
		}
		for _, imp := range imports {
			if imp != "" && !slices.Contains(allowed, imp) {
				found = append(found, fmt.Sprintf("%s imports %s, against the layout (it may import %v)", pkg, imp, allowed))
			}
		}
	}
	for pkg, imports := range tests {
		for _, imp := range imports {
			if imp == "kernel" || (imp == "kernel/internal/selftest" && pkg != "kernel/internal/selftest") {
				found = append(found, fmt.Sprintf("a test of %s imports %s, which nothing imports", pkg, imp))
			}
		}
	}
	slices.Sort(found)
	return found
}

func TestImportsRunOneWay(t *testing.T) {
	for _, v := range violations(moduleImports(t, testkit.Checkout(t).Root)) {
		t.Error(v)
	}
}

// TestTheLayoutCatchesWrongImports proves the check can fail: a leaf that imports the
// self-test, production code that imports testkit, and a package with no place.
func TestTheLayoutCatchesWrongImports(t *testing.T) {
	root := t.TempDir()
	imports := func(pkg, imp string) string {
		return "package " + pkg + "\n\nimport _ \"" + checkout.ModulePath + "/" + imp + "\"\n"
	}
	testkit.WriteFile(t, filepath.Join(root, "kernel", "internal", "procs", "procs.go"), imports("procs", "kernel/internal/selftest"))
	testkit.WriteFile(t, filepath.Join(root, "kernel", "internal", "server", "server.go"), imports("server", "kernel/internal/testkit"))
	testkit.WriteFile(t, filepath.Join(root, "kernel", "internal", "extra", "extra.go"), imports("extra", "mathx"))
	testkit.WriteFile(t, filepath.Join(root, "mathx", "doc.go"), "package mathx\n")
	got := violations(moduleImports(t, root))
	want := []string{
		"kernel/internal/extra is not in allowedImports: give the new package its place in the layout",
		"kernel/internal/procs imports kernel/internal/selftest, against the layout (it may import [])",
		"kernel/internal/server imports kernel/internal/testkit, against the layout (it may import [kernel/internal/checkout kernel/internal/install kernel/internal/procs])",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
