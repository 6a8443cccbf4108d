// Command kernelgo is the go command that the lessons' kernel finds first on its PATH
// (setup builds it into .kernel/bin/go). It runs the real go command, named by
// $BACKPROP_GO, for everything but one call: the argument-less `go get` that GoNB runs
// in a cell's folder before building the cell, to fetch the modules the cell imports.
// When every package that the folder's Go files import is in the standard library or in
// a module that the folder's go.work uses, that `go get` has nothing to fetch, and
// kernelgo answers it at once instead of the real go spending about 20 ms on it.
//
// `go build` runs with GOGC=400 unless GOGC is set: the go command, the compiler and
// the linker collect garbage a quarter as often, which takes about a tenth (20–30 ms)
// off a chart cell's build for a few MB more memory. The cell's program, which GoNB
// runs itself, keeps the user's GOGC.
package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/mod/modfile"
)

// realGoEnv names the environment variable holding the real go command's path; the
// lessons' kernelspec sets it.
const realGoEnv = "BACKPROP_GO"

func main() {
	args := os.Args[1:]
	if isBareGet(args) && nothingToGet(".") {
		return
	}
	real := os.Getenv(realGoEnv)
	if real == "" {
		fmt.Fprintf(os.Stderr, "go: $%s is empty: this go stands in for the real go command on the lessons' kernel's PATH, "+
			"and the kernelspec names the real one there (run `go run ./kernel setup` again)\n", realGoEnv)
		os.Exit(2)
	}
	err := syscall.Exec(real, append([]string{real}, args...), environ(args))
	fmt.Fprintf(os.Stderr, "go: running the real go command %s ($%s): %v\n", real, realGoEnv, err)
	os.Exit(2)
}

// buildGOGC is the GOGC of a `go build` when the user has set none.
const buildGOGC = "400"

// environ is kernelgo's environment for the real go running args: with GOGC=buildGOGC
// for a build, unless GOGC is set.
func environ(args []string) []string {
	env := os.Environ()
	if _, set := os.LookupEnv("GOGC"); len(args) > 0 && args[0] == "build" && !set {
		env = append(env, "GOGC="+buildGOGC)
	}
	return env
}

// isBareGet says whether args are GoNB's `go get` or `go get -t`: no packages named.
func isBareGet(args []string) bool {
	return len(args) == 1 && args[0] == "get" || len(args) == 2 && args[0] == "get" && args[1] == "-t"
}

// nothingToGet says whether every import of the Go files in dir is in the standard
// library or in a module used by dir's go.work. Anything it cannot read or parse
// answers false, so the real `go get` runs and reports it.
func nothingToGet(dir string) bool {
	modules, err := workspaceModules(dir)
	if err != nil {
		return false
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return false
	}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
		if err != nil {
			return false
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, "\"`")
			if !isStandard(path) && !inModules(path, modules) {
				return false
			}
		}
	}
	return true
}

// workspaceModules returns the module paths of the modules that dir/go.work uses.
func workspaceModules(dir string) ([]string, error) {
	name := filepath.Join(dir, "go.work")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	work, err := modfile.ParseWork(name, data, nil)
	if err != nil {
		return nil, err
	}
	var modules []string
	for _, use := range work.Use {
		used := use.Path
		if !filepath.IsAbs(used) {
			used = filepath.Join(dir, used)
		}
		mod, err := os.ReadFile(filepath.Join(used, "go.mod"))
		if err != nil {
			return nil, err
		}
		if path := modfile.ModulePath(mod); path != "" {
			modules = append(modules, path)
		}
	}
	return modules, nil
}

// isStandard applies the go command's rule: a standard-library import path has no dot
// in its first element.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// inModules says whether the package path lies in one of the modules.
func inModules(path string, modules []string) bool {
	for _, m := range modules {
		if path == m || strings.HasPrefix(path, m+"/") {
			return true
		}
	}
	return false
}
