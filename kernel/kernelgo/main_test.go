package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// workspace writes a cell's folder as GoNB leaves it: go.work using the folder and a
// lessons module beside it, and main.go importing imports.
func workspace(t *testing.T, imports ...string) string {
	t.Helper()
	root := t.TempDir()
	cell, lessons := filepath.Join(root, "cell"), filepath.Join(root, "lessons")
	testkit.WriteFile(t, filepath.Join(lessons, "go.mod"), "module example.com/lessons\n\ngo 1.24\n")
	testkit.WriteFile(t, filepath.Join(cell, "go.mod"), "module gonb_cell\n\ngo 1.24\n")
	testkit.WriteFile(t, filepath.Join(cell, "go.work"), "go 1.24\n\nuse (\n\t.\n\t"+lessons+"\n)\n")
	src := "package main\n\nimport (\n"
	for _, imp := range imports {
		src += "\t\"" + imp + "\"\n"
	}
	testkit.WriteFile(t, filepath.Join(cell, "main.go"), src+")\n\nfunc main() {}\n")
	return cell
}

func TestNothingToGet(t *testing.T) {
	for _, c := range []struct {
		name    string
		imports []string
		want    bool
	}{
		{"standard library only", []string{"fmt", "math/rand/v2"}, true},
		{"the workspace's modules", []string{"fmt", "example.com/lessons", "example.com/lessons/mathx", "gonb_cell/other"}, true},
		{"a module outside the workspace", []string{"fmt", "golang.org/x/mod/semver"}, false},
		{"a path that only starts like a workspace module", []string{"example.com/lessonsextra"}, false},
	} {
		if got := nothingToGet(workspace(t, c.imports...)); got != c.want {
			t.Errorf("%s: nothingToGet = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWhatCannotBeReadLeavesItToTheRealGo(t *testing.T) {
	noWork := workspace(t, "fmt")
	os.Remove(filepath.Join(noWork, "go.work"))
	broken := workspace(t, "fmt")
	testkit.WriteFile(t, filepath.Join(broken, "main.go"), "package main\n\nimport (\n\t\"fmt\"\n")
	missing := workspace(t, "fmt")
	testkit.WriteFile(t, filepath.Join(missing, "go.work"), "go 1.24\n\nuse ./nowhere\n")
	noFiles := workspace(t)
	os.Remove(filepath.Join(noFiles, "main.go"))
	for name, dir := range map[string]string{"no go.work": noWork, "imports that do not parse": broken,
		"a used module without go.mod": missing, "no Go files": noFiles} {
		if nothingToGet(dir) {
			t.Errorf("%s: nothingToGet = true, want false (the real go get should run)", name)
		}
	}
}

// build compiles this command into a temporary folder.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "go")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building kernelgo: %v\n%s", err, out)
	}
	return bin
}

func run(bin, dir, realGo string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), realGoEnv+"="+realGo)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestBareGetIsAnsweredWithoutTheRealGo: the real go is a path that does not exist, so
// any run of it fails; GoNB's `go get` in a cell that imports only the workspace still
// succeeds, and one that imports from outside it tries the real go.
func TestBareGetIsAnsweredWithoutTheRealGo(t *testing.T) {
	bin := build(t)
	nowhere := filepath.Join(t.TempDir(), "no-go")
	for _, args := range [][]string{{"get"}, {"get", "-t"}} {
		if out, err := run(bin, workspace(t, "fmt", "example.com/lessons/mathx"), nowhere, args...); err != nil {
			t.Errorf("go %s in a cell with nothing to get: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	out, err := run(bin, workspace(t, "golang.org/x/mod/semver"), nowhere, "get")
	if err == nil || !strings.Contains(out, nowhere) || !strings.Contains(out, "$BACKPROP_GO") {
		t.Errorf("go get of a module outside the workspace did not run the real go: %v\n%s", err, out)
	}
	out, err = run(bin, workspace(t, "fmt"), nowhere, "get", "example.com/lessons")
	if err == nil {
		t.Errorf("go get naming a package was answered without the real go:\n%s", out)
	}
}

func TestEverythingElseRunsTheRealGo(t *testing.T) {
	bin := build(t)
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command(realGo, "env", "GOROOT", "GOOS").Output()
	if err != nil {
		t.Fatal(err)
	}
	got, err := run(bin, t.TempDir(), realGo, "env", "GOROOT", "GOOS")
	if err != nil || got != string(want) {
		t.Errorf("go env through kernelgo = %q, %v; the real go says %q", got, err, want)
	}
	got, err = run(bin, t.TempDir(), "", "version")
	if err == nil || !strings.Contains(got, "$BACKPROP_GO is empty") {
		t.Errorf("without $BACKPROP_GO: %v\n%s", err, got)
	}
}

// TestBuildsRunWithALargerGOGC: the real go is a script that prints GOGC and its
// arguments, so the test sees what kernelgo handed it.
func TestBuildsRunWithALargerGOGC(t *testing.T) {
	bin := build(t)
	script := filepath.Join(t.TempDir(), "go")
	testkit.WriteFile(t, script, "#!/bin/sh\necho \"GOGC=$GOGC args=$*\"\n")
	if err := os.Chmod(script, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		gogc string // "" leaves GOGC unset
		want string
	}{
		{[]string{"build", "-o", "cell"}, "", "GOGC=400 args=build -o cell"},
		{[]string{"build", "-o", "cell"}, "75", "GOGC=75 args=build -o cell"},
		{[]string{"vet", "."}, "", "GOGC= args=vet ."},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = append(without(os.Environ(), "GOGC"), realGoEnv+"="+script)
		if c.gogc != "" {
			cmd.Env = append(cmd.Env, "GOGC="+c.gogc)
		}
		out, err := cmd.Output()
		if got := strings.TrimSpace(string(out)); err != nil || got != c.want {
			t.Errorf("go %s with GOGC %q: got %q (%v), want %q", strings.Join(c.args, " "), c.gogc, got, err, c.want)
		}
	}
}

// without returns env without the variable name.
func without(env []string, name string) []string {
	var kept []string
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			kept = append(kept, e)
		}
	}
	return kept
}
