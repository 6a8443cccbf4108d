//go:build linux

package class

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

func TestReadStudents(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	testkit.WriteFile(t, good, "# class 7b\nada\n\n  grace  # the second\nada\nbp_3-x\n")
	names, err := ReadStudents(good)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ada", "grace", "bp_3-x"}; !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
	for content, wantErr := range map[string]string{
		"ada\nGrace\n":     `:2: "Grace" is not a user name`,
		"ada\nroot\n":      ":2: root cannot be a student",
		"# nobody yet\n\n": "lists no students",
		"x y\n":            `:1: "x y" is not a user name`,
	} {
		bad := filepath.Join(dir, "bad")
		testkit.WriteFile(t, bad, content)
		if _, err := ReadStudents(bad); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("readStudents(%q) error = %v, want one containing %q", content, err, wantErr)
		}
	}
}

func TestAccountCommentMarksTheAdmin(t *testing.T) {
	opt := &Options{Students: []string{"ada", "grace"}, Admin: "teach"}
	for name, want := range map[string]string{"ada": classComment, "teach": adminComment} {
		if got := opt.accountComment(name); got != want {
			t.Errorf("accountComment(%q) = %q, want %q", name, got, want)
		}
	}
	opt.Admin = "grace" // an admin who is also a student is marked as a student
	if got := opt.accountComment("grace"); got != classComment {
		t.Errorf("accountComment of a student admin = %q, want %q", got, classComment)
	}
}

func TestSyncLessonsNeverOverwritesEdits(t *testing.T) {
	src, home := t.TempDir(), t.TempDir()
	dst := filepath.Join(home, LessonsFolder)
	testkit.WriteFile(t, filepath.Join(src, "01-a.ipynb"), "a v1")
	testkit.WriteFile(t, filepath.Join(src, "02-b.ipynb"), "b v1")
	report, err := syncLessons(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if report != "added 01-a.ipynb, 02-b.ipynb" {
		t.Errorf("first login: %q", report)
	}
	// The student edits 01; the teacher then updates both lessons and adds a third.
	testkit.WriteFile(t, filepath.Join(dst, "01-a.ipynb"), "a, the student's version")
	testkit.WriteFile(t, filepath.Join(src, "01-a.ipynb"), "a v2")
	testkit.WriteFile(t, filepath.Join(src, "02-b.ipynb"), "b v2")
	testkit.WriteFile(t, filepath.Join(src, "03-c.ipynb"), "c v1")
	report, err = syncLessons(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if want := "added 03-c.ipynb; updated 02-b.ipynb; kept as edited 01-a.ipynb"; report != want {
		t.Errorf("second login: %q, want %q", report, want)
	}
	for name, want := range map[string]string{"01-a.ipynb": "a, the student's version", "02-b.ipynb": "b v2", "03-c.ipynb": "c v1"} {
		got, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q (%v), want %q", name, got, err, want)
		}
	}
	// A student who deleted a lesson gets it back; one who replaced it with a link keeps the link.
	os.Remove(filepath.Join(dst, "02-b.ipynb"))
	os.Remove(filepath.Join(dst, "03-c.ipynb"))
	if err := os.Symlink(filepath.Join(home, "elsewhere"), filepath.Join(dst, "03-c.ipynb")); err != nil {
		t.Fatal(err)
	}
	if report, err = syncLessons(src, dst); err != nil || report != "added 02-b.ipynb; kept as edited 01-a.ipynb, 03-c.ipynb" {
		t.Errorf("third login: %q, %v", report, err)
	}
	if _, err := os.Stat(filepath.Join(home, "elsewhere")); err == nil {
		t.Error("the lesson was written through the student's link")
	}
}

func TestSeedBuildCache(t *testing.T) {
	dir := t.TempDir()
	seed, cache := filepath.Join(dir, "seed"), filepath.Join(dir, "home", "go-build")
	testkit.WriteFile(t, filepath.Join(seed, "README"), "the go command writes its own")
	testkit.WriteFile(t, filepath.Join(seed, "0a", "0a11-d"), "object")
	testkit.WriteFile(t, filepath.Join(seed, "ff", "ff22-a"), "action")
	testkit.WriteFile(t, seed+".stamp", "one")
	testkit.WriteFile(t, filepath.Join(cache, "ff", "ff22-a"), "already there")
	if err := seedBuildCache(seed, cache); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"0a/0a11-d": "object", "ff/ff22-a": "already there"} {
		if got, _ := os.ReadFile(filepath.Join(cache, name)); string(got) != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if checkout.Exists(filepath.Join(cache, "README")) {
		t.Error("the seed's README was copied")
	}
	// Once seeded with this stamp, the seed is not walked again.
	testkit.WriteFile(t, filepath.Join(seed, "0b", "0b33-d"), "new")
	if err := seedBuildCache(seed, cache); err != nil || checkout.Exists(filepath.Join(cache, "0b", "0b33-d")) {
		t.Errorf("seeded again under the same stamp (%v)", err)
	}
	testkit.WriteFile(t, seed+".stamp", "two")
	if err := seedBuildCache(seed, cache); err != nil || !checkout.Exists(filepath.Join(cache, "0b", "0b33-d")) {
		t.Errorf("a new seed was not copied (%v)", err)
	}
}

func TestClassKernelspec(t *testing.T) {
	p := testkit.Checkout(t)
	c := Install{Dir: "/opt/backprop-class"}
	spec, err := c.kernelspec(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/opt/backprop-class/bin/backprop-class", "student-kernel", "{connection_file}"}; !slices.Equal(spec.Argv, want) {
		t.Errorf("argv = %q, want %q", spec.Argv, want)
	}
	for k, want := range map[string]string{
		display.EChartsPathEnv: "static/echarts.min.js", "GOPROXY": "off",
		display.EChartsFileEnv: "/opt/backprop-class/static/echarts.min.js",
		"GOMODCACHE":           "/opt/backprop-class/gomodcache", "GOTOOLCHAIN": "local",
		install.RealGoEnv: realGo(t),
	} {
		if spec.Env[k] != want {
			t.Errorf("env %s = %q, want %q", k, spec.Env[k], want)
		}
	}
	// kernelgo, copied into bin as go, is the first go on the kernel's PATH.
	if first := strings.Split(spec.Env["PATH"], ":")[0]; first != "/opt/backprop-class/bin" {
		t.Errorf("PATH %q starts with %s, want the class's bin, where kernelgo is go", spec.Env["PATH"], first)
	}
	if strings.Contains(spec.Env["PATH"], p.Root) {
		t.Errorf("PATH %q names the checkout, which students may not be able to enter", spec.Env["PATH"])
	}

	dir := t.TempDir()
	if changed, _, err := install.WriteKernelspec(dir, spec); err != nil || !changed {
		t.Fatalf("first write: changed %v, %v", changed, err)
	}
	if changed, _, err := install.WriteKernelspec(dir, spec); err != nil || changed {
		t.Errorf("second write: changed %v, %v", changed, err)
	}
	foreign := filepath.Join(dir, install.KernelName, "kernel.json")
	testkit.WriteFile(t, foreign, `{"argv": ["someone-else"], "display_name": "theirs"}`)
	if _, _, err := install.WriteKernelspec(dir, spec); err == nil || !strings.Contains(err.Error(), "not written by this project") {
		t.Errorf("a foreign kernelspec was not refused: %v", err)
	}
	if raw, _ := os.ReadFile(foreign); !strings.Contains(string(raw), "someone-else") {
		t.Error("the foreign kernelspec was changed")
	}
}

func TestWarmNotebookImportsWhatLessonsUse(t *testing.T) {
	p := testkit.Checkout(t)
	raw, err := warmNotebook(p)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Source string `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil || len(nb.Cells) != 1 {
		t.Fatalf("warm notebook: %v, %d cells", err, len(nb.Cells))
	}
	for _, pkg := range []string{`"fmt"`, `"math"`, `"` + checkout.ModulePath + `/mathx"`, `"` + checkout.ModulePath + `/kernel/chart"`} {
		if !strings.Contains(nb.Cells[0].Source, pkg) {
			t.Errorf("the warm cell does not import %s:\n%s", pkg, nb.Cells[0].Source)
		}
	}
}

func TestHubConfigIsPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	file := filepath.Join(t.TempDir(), "jupyterhub_config.py")
	testkit.WriteFile(t, file, hubConfigPy)
	if msg, err := exec.Command(python, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", file).CombinedOutput(); err != nil {
		t.Errorf("jupyterhub_config.py does not parse: %s", msg)
	}
}

// realGo is the absolute path of the go command on PATH, which kernelgo runs.
func realGo(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(goBin)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
