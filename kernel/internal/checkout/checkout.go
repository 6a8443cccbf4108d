// Package checkout knows one checkout of the lessons: where its notebooks, assets and
// the state that setup builds live, and how the command reports progress. It is the
// leaf every other package of the kernel command stands on.
package checkout

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is this checkout's module; the kernel's go.work makes its packages importable.
const ModulePath = "github.com/chainrule-go/backprop"

// Checkout holds the paths of one checkout and of what setup builds inside it.
type Checkout struct {
	Root string // absolute path of the checkout (the folder holding go.mod)
}

// Find walks up from dir to the folder whose go.mod declares ModulePath.
func Find(dir string) (*Checkout, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if GoModLine(filepath.Join(d, "go.mod"), "module") == ModulePath {
			return &Checkout{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("%s is not inside a checkout of %s: run this command from the repository's folder", abs, ModulePath)
		}
	}
}

// GoModLine returns the value of the go.mod file's first `directive value` line (the
// module path for "module", the Go version for "go"), or "" when there is none.
func GoModLine(path, directive string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), directive+" "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// Here finds the checkout containing the working directory.
func Here() (*Checkout, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return Find(wd)
}

// StateDir holds everything setup builds, git-ignored.
func (c *Checkout) StateDir() string { return filepath.Join(c.Root, ".kernel") }

// BinDir holds the kernel binaries: gonb, goimports, gopls.
func (c *Checkout) BinDir() string { return filepath.Join(c.StateDir(), "bin") }

// VenvDir is the Python venv where setup installs Jupyter with pip.
func (c *Checkout) VenvDir() string { return filepath.Join(c.StateDir(), "venv") }

// LogDir holds the logs of setup's steps, of GoNB and of the checks.
func (c *Checkout) LogDir() string { return filepath.Join(c.StateDir(), "logs") }

// TmpDir is the kernel's TMPDIR, where GoNB builds each cell.
func (c *Checkout) TmpDir() string { return filepath.Join(c.StateDir(), "tmp") }

// NotebooksDir holds the lessons.
func (c *Checkout) NotebooksDir() string { return filepath.Join(c.Root, "notebooks") }

// AssetsDir holds package.json and package-lock.json for the front-end libraries,
// and the browser checks' scripts, which import them.
func (c *Checkout) AssetsDir() string { return filepath.Join(c.Root, "kernel", "assets") }

// OutDir holds what the commands write for a reader: exported pages, screenshots.
func (c *Checkout) OutDir() string { return filepath.Join(c.Root, "out") }

// Lessons lists notebooks/*.ipynb in order.
func (c *Checkout) Lessons() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(c.NotebooksDir(), "*.ipynb"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no notebooks in %s", c.NotebooksDir())
	}
	return files, nil
}

// ResolveNotebooks turns a command's arguments into notebook paths; none means every lesson.
func (c *Checkout) ResolveNotebooks(args []string) ([]string, error) {
	if len(args) == 0 {
		return c.Lessons()
	}
	var paths []string
	for _, a := range args {
		if !strings.HasSuffix(a, ".ipynb") {
			return nil, fmt.Errorf("%s is not a notebook (expected a .ipynb file)", a)
		}
		if _, err := os.Stat(a); err != nil {
			lessons, _ := c.Lessons()
			var names []string
			for _, l := range lessons {
				names = append(names, c.Rel(l))
			}
			return nil, fmt.Errorf("no such notebook: %s\nthe lessons are: %s", a, strings.Join(names, ", "))
		}
		paths = append(paths, a)
	}
	return paths, nil
}

// Rel returns path relative to the checkout when it is inside it.
func (c *Checkout) Rel(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(c.Root, abs); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// Exists says whether path names a file or folder.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Within says whether path is inside dir.
func Within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && !strings.HasPrefix(rel, "..")
}

// RequireKernelEnv, when set, turns tests that need the installed kernel and Jupyter
// from skipped into failed: `kernel test` sets it after setup.
const RequireKernelEnv = "BACKPROP_REQUIRE_KERNEL"
