package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// modulePath is this checkout's module; the kernel's go.work makes its packages importable.
const modulePath = "github.com/chainrule-go/backprop"

// project holds the paths of one checkout and of what setup builds inside it.
type project struct {
	Root string // absolute path of the checkout (the folder holding go.mod)
}

// findProject walks up from dir to the folder whose go.mod declares modulePath.
func findProject(dir string) (*project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if moduleOf(filepath.Join(d, "go.mod")) == modulePath {
			return &project{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("%s is not inside a checkout of %s: run this command from the repository's folder", abs, modulePath)
		}
	}
}

// moduleOf returns the module path declared by the go.mod file at path, or "".
func moduleOf(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// cwdProject finds the checkout containing the working directory.
func cwdProject() (*project, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return findProject(wd)
}

// State is git-ignored: everything setup builds lives under .kernel/.
func (p *project) stateDir() string     { return filepath.Join(p.Root, ".kernel") }
func (p *project) binDir() string       { return filepath.Join(p.stateDir(), "bin") }
func (p *project) venvDir() string      { return filepath.Join(p.stateDir(), "venv") }
func (p *project) logDir() string       { return filepath.Join(p.stateDir(), "logs") }
func (p *project) tmpDir() string       { return filepath.Join(p.stateDir(), "tmp") }
func (p *project) notebooksDir() string { return filepath.Join(p.Root, "notebooks") }

// lessons lists notebooks/*.ipynb in order.
func (p *project) lessons() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(p.notebooksDir(), "*.ipynb"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no notebooks in %s", p.notebooksDir())
	}
	return files, nil
}
