package live

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// writeNotebook writes a notebook of the given cells into dir: a cell starting with
// "#md\n" is markdown, one starting with "#numbers\n" a code cell tagged numbers.
func writeNotebook(t *testing.T, dir, name string, cells ...string) string {
	t.Helper()
	var out []map[string]any
	for _, src := range cells {
		cell := map[string]any{"cell_type": "code", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil}
		if rest, ok := strings.CutPrefix(src, "#md\n"); ok {
			cell = map[string]any{"cell_type": "markdown", "metadata": map[string]any{}}
			src = rest
		}
		if rest, ok := strings.CutPrefix(src, "#numbers\n"); ok {
			cell["metadata"] = map[string]any{"tags": []string{"numbers"}}
			src = rest
		}
		cell["source"] = src
		out = append(out, cell)
	}
	raw, err := json.Marshal(map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}, "cells": out})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".ipynb")
	testkit.WriteFile(t, path, string(raw))
	return path
}

// needGoimports skips the test without the goimports that setup builds.
func needGoimports(t *testing.T) *checkout.Checkout {
	t.Helper()
	p := testkit.Checkout(t)
	if !checkout.Exists(filepath.Join(p.BinDir(), "goimports")) {
		testkit.Require(t, os.ErrNotExist)
	}
	return p
}

// generated runs the generator on the notebooks into a temporary module and returns it.
func generated(t *testing.T, notebooks ...string) (*builder, []*lesson, error) {
	t.Helper()
	testkit.CaptureOut(t)
	b := &builder{p: needGoimports(t), dir: t.TempDir()}
	lessons, err := b.generate(notebooks)
	return b, lessons, err
}

// runNative adds probe to the lesson's package (it can call the generated functions)
// and a main that calls Probe, runs them for this machine and returns the output.
func runNative(t *testing.T, b *builder, l *lesson, probe string) string {
	t.Helper()
	testkit.WriteFile(t, filepath.Join(b.dir, l.pkg, "probe.go"), "package "+l.pkg+"\n\n"+probe)
	testkit.WriteFile(t, filepath.Join(b.dir, "probe", "main.go"),
		"package main\n\nimport l \""+moduleName+"/"+l.pkg+"\"\n\nfunc main() { l.Probe() }\n")
	cmd := exec.Command("go", "run", "./probe")
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(b.dir, "go.work"), "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./probe: %v\n%s", err, out)
	}
	return string(out)
}

func TestResetRestoresWhatACellChanged(t *testing.T) {
	nb := writeNotebook(t, t.TempDir(), "01-reset",
		"#md\n# A lesson",
		"#numbers\n// The learner's numbers.\nvar (\n\trate = 0.5\n\tn    = 3\n\tseed = int64(-4)\n)",
		"var counts = []int{1, n}\n\nvar total int\n\nvar doubled = 2 * total\n\nfunc bump() { total += n; counts[0] = 99 }",
		"%%\nbump()\nfmt.Println(total, counts, rate*2, seed, doubled)",
		"%%\nfmt.Println(total, counts, doubled)",
	)
	b, lessons, err := generated(t, nb)
	if err != nil {
		t.Fatal(err)
	}
	got := runNative(t, b, lessons[0], "func Probe() { live_cell3(); live_reset(); live_cell4() }\n")
	if want := "3 [99 3] 1 -4 0\n0 [1 3] 0\n"; got != want {
		t.Errorf("cell 3, reset, cell 4 printed\n%s\nwant\n%s", got, want)
	}
	src, err := os.ReadFile(b.file(lessons[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, read := range []string{"rate = live_numbers1.Float64(0)", "n    = live_numbers1.Int(1)", "int64(live_numbers1.Int64(2))"} {
		if !strings.Contains(string(src), read) {
			t.Errorf("the generated package lacks %q:\n%s", read, src)
		}
	}
}

func TestACellFollowsTheNumbersItUses(t *testing.T) {
	nb := writeNotebook(t, t.TempDir(), "04-follow",
		"#numbers\nvar (\n\tw = 0.5\n\tk = 2\n)",
		"// scaled uses w.\nfunc scaled(x float64) float64 { return w * x }",
		"#numbers\nvar deep = 1.5",
		"%%\nfmt.Println(scaled(2))",
		"%%\nfmt.Println(deep, k)",
		"%%\nw := 3.0 // a local w: not the numbers cell's\nfmt.Println(w)",
	)
	_, lessons, err := generated(t, nb)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]int{}
	for _, c := range lessons[0].public().Cells {
		if c.Kind == "live" {
			got[c.Index] = c.Follows
		}
	}
	want := map[int][]int{3: {0}, 4: {0, 2}, 5: nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cells follow %v, want %v", got, want)
	}
}

func TestCellsThatNeedTheDataAreSnapshots(t *testing.T) {
	nb := writeNotebook(t, t.TempDir(), "07-digits",
		"import \"github.com/chainrule-go/backprop/mathx/mnist\"\n\n// images loads the digits.\nfunc images() int {\n\ttrain, _, _ := mnist.Load()\n\treturn len(train)\n}",
		"// twice uses the data through images.\nfunc twice() int { return 2 * images() }\n\n// three does not.\nfunc three() int { return 3 }",
		"%%\nfmt.Println(twice())",
		"%%\nn, _, err := mnist.Load()\nfmt.Println(len(n), err)",
		"%%\nfmt.Println(\"still live\", three())",
		"import \"github.com/chainrule-go/backprop/mathx\"\n\n// saved reads what a training cell saved.\nfunc saved() error {\n\t_, err := mathx.Load(\"net.gob\", \"\", nil)\n\treturn err\n}",
		"%%\nfmt.Println(saved(), mathx.Sigma(0))",
	)
	b, lessons, err := generated(t, nb)
	if err != nil {
		t.Fatal(err)
	}
	want := []Cell{
		{0, "static", "", nil},
		{1, "static", "", nil},
		{2, "snapshot", "needs the MNIST data (mnist.Load, through twice)", nil},
		{3, "snapshot", "needs the MNIST data (mnist.Load)", nil},
		{4, "live", "", nil},
		{5, "static", "", nil},
		{6, "snapshot", "needs a file that an earlier cell saves (mathx.Load, through saved)", nil},
	}
	if got := lessons[0].public().Cells; !reflect.DeepEqual(got, want) {
		t.Errorf("cells = %+v\nwant %+v", got, want)
	}
	if got := runNative(t, b, lessons[0], "func Probe() { live_cell4() }\n"); got != "still live 3\n" {
		t.Errorf("the live cell printed %q", got)
	}
	src, _ := os.ReadFile(b.file(lessons[0]))
	for _, gone := range []string{"mnist", "func images", "func twice", "func saved", "live_cell2", "live_cell3", "live_cell6"} {
		if strings.Contains(string(src), gone) {
			t.Errorf("the generated package still has %q:\n%s", gone, src)
		}
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []string
		want  string
	}{
		{"unsupported type", []string{"#numbers\nvar (\n\tx = 0.5\n\tk = uint8(7)\n)"},
			`cell 0 ("var ("), line 3: 7 is a uint8 here; the page can change only numbers of type float64, int or int64`},
		{"constant", []string{"#numbers\nconst steps = 10"},
			"10 is in a const declaration"},
		{"array length", []string{"#numbers\nvar xs [3]float64"},
			"3 is an array's length"},
		{"signed number in a constant expression", []string{"#numbers\nvar half = (7 / -2) * 1.0"},
			"-2 is part of the constant expression (7 / -2) * 1.0, which Go computes before the program runs; write its value as one number; cell 0 (\"var half = (7 / -2) * 1.0\"), line 1: 1.0 is part of"},
		{"constant expression", []string{"#numbers\nvar half = (7 / 2) * 1.0"},
			"7 is part of the constant expression (7 / 2) * 1.0, which Go computes before the program runs"},
		{"name in two cells", []string{"func f() int { return 1 }", "#md\ntext", "var x = 1\n\nfunc f() int { return 2 }"},
			`cell 0 ("func f() int { return 1 }") and cell 2 ("var x = 1") both declare f`},
		{"method in two cells", []string{"type T int\n\nfunc (T) M() {}", "func (t *T) M() {}"},
			"both declare T.M"},
		{"func main", []string{"func main() {\n}"},
			`cell 0 ("func main() {"), line 1: declares func main`},
		{"func init", []string{"var x = 1\n\nfunc init() { x = 2 }"},
			"line 3: declares func init"},
		{"numbers cell with a body", []string{"#numbers\nvar x = 1\n%%\nfmt.Println(x)"},
			"is tagged numbers but has a body"},
		{"other magic", []string{"!ls\n%%\nfmt.Println(1)"},
			`line 1: "!ls": the exported page runs Go only`},
		{"syntax error", []string{"var x = \n\nfunc f() {}"},
			"line 3: expected"},
		{"type error", []string{"%%\nfmt.Println(undefinedName)"},
			"cell 0, line 2: undefined: undefinedName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := generated(t, writeNotebook(t, t.TempDir(), "03-bad", tc.cells...))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "03-bad") {
				t.Errorf("error %v, want one naming 03-bad and containing %q", err, tc.want)
			}
		})
	}
}

// tagNumbers copies a real lesson into dir with the numbers tag on its cell that
// holds the learner's numbers, as helper C's notebooks will carry it.
func tagNumbers(t *testing.T, src, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	for _, c := range nb["cells"].([]any) {
		cell := c.(map[string]any)
		text := checkout.Cell{RawSource: mustJSON(t, cell["source"])}.Source()
		if cell["cell_type"] == "code" && (strings.HasPrefix(text, "// The learner's numbers") || strings.Contains(text, "Edit and re-run")) {
			cell["metadata"] = map[string]any{"tags": []string{"numbers"}}
		}
	}
	path := filepath.Join(dir, filepath.Base(src))
	testkit.WriteFile(t, path, string(mustJSON(t, nb)))
	return path
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestBuildTheRealLessons compiles the lessons of the checkout, tagged as tagNumbers
// does when they carry no numbers tag yet. A lesson the generator refuses is logged
// with the reason (the refusal must name the lesson); the others must compile.
func TestBuildTheRealLessons(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every lesson for js/wasm")
	}
	p := needGoimports(t)
	lessons, err := p.Lessons()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var notebooks []string
	for _, src := range lessons {
		notebooks = append(notebooks, tagNumbers(t, src, dir))
	}
	out := testkit.CaptureOut(t)
	start := time.Now()
	m, err := Build(p, notebooks)
	if err != nil {
		var rest []string
		for _, nb := range notebooks {
			if !strings.Contains(err.Error(), strings.TrimSuffix(filepath.Base(nb), ".ipynb")+":") {
				rest = append(rest, nb)
			}
		}
		t.Logf("REFUSED (%d of %d lessons): %v", len(notebooks)-len(rest), len(notebooks), err)
		if len(rest) == len(notebooks) || len(rest) == 0 {
			t.Fatal("the error names no lesson, or every lesson")
		}
		start = time.Now()
		if m, err = Build(p, rest); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d lessons, %d bytes of wasm, in %v\n%s", len(m.Lessons), len(m.Wasm), time.Since(start), out)
	if !bytes.HasPrefix(m.Wasm, []byte("\x00asm")) {
		t.Errorf("the program does not start as WebAssembly does: %q", m.Wasm[:min(8, len(m.Wasm))])
	}
	for name, l := range m.Lessons {
		for _, c := range l.Cells {
			if (c.Kind == "snapshot") != (c.Why != "") {
				t.Errorf("%s cell %d is %s with the reason %q", name, c.Index, c.Kind, c.Why)
			}
			if c.Kind == "snapshot" {
				t.Logf("%s cell %d: snapshot, %s", name, c.Index, c.Why)
			}
		}
	}
}

func TestBuildCompilesToWebAssembly(t *testing.T) {
	p := needGoimports(t)
	testkit.CaptureOut(t)
	dir := t.TempDir()
	nb := writeNotebook(t, dir, "02-small",
		"#md\n# Small",
		"#numbers\nvar (\n\tw = -2.0 // a weight\n\tk = 3\n)",
		"%%\nfmt.Println(w * float64(k))",
		"// half halves.\nfunc half(x float64) float64 { return x / 2 }")
	m, err := Build(p, []string{nb})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(m.Wasm, []byte("\x00asm")) {
		t.Errorf("the program does not start as WebAssembly does: %q", m.Wasm[:min(8, len(m.Wasm))])
	}
	want := &Lesson{Name: "02-small", Cells: []Cell{{0, "markdown", "", nil}, {1, "numbers", "", nil}, {2, "live", "", []int{1}}, {3, "static", "", nil}}}
	if got := m.Lessons["02-small"]; got == nil || got.Name != want.Name || !reflect.DeepEqual(got.Cells, want.Cells) {
		t.Errorf("lesson = %+v, want %+v", got, want)
	}
}

func TestEveryRefusedLessonIsNamed(t *testing.T) {
	dir := t.TempDir()
	a := writeNotebook(t, dir, "05-first", "func main() {}")
	b := writeNotebook(t, dir, "06-second", "var x = 1", "var x = 2")
	c := writeNotebook(t, dir, "07-fine", "%%\nfmt.Println(1)")
	_, _, err := generated(t, a, b, c)
	if err == nil || !strings.Contains(err.Error(), "05-first: cell 0") || !strings.Contains(err.Error(), "06-second: cell 0") || strings.Contains(err.Error(), "07-fine") {
		t.Errorf("error %v, want one naming 05-first and 06-second only", err)
	}
}

func TestSignedNumbersAreOneSlot(t *testing.T) {
	nb := writeNotebook(t, t.TempDir(), "04-signs",
		"#numbers\nvar (\n\ta = -1.5\n\tk = 2\n\tb = k - -1\n\tc = []float64{+0.25, -3}\n)",
		"%%\nfmt.Println(a, b, c)")
	b, lessons, err := generated(t, nb)
	if err != nil {
		t.Fatal(err)
	}
	if got := runNative(t, b, lessons[0], "func Probe() { live_reset(); live_cell1() }\n"); got != "-1.5 3 [0.25 -3]\n" {
		t.Errorf("the cell printed %q", got)
	}
	src, _ := os.ReadFile(b.file(lessons[0]))
	for _, read := range []string{"a = live_numbers0.Float64(0)", "b = k - live_numbers0.Int(2)", "c = []float64{live_numbers0.Float64(3), live_numbers0.Float64(4)}"} {
		if !strings.Contains(string(src), read) {
			t.Errorf("the generated package lacks %q:\n%s", read, src)
		}
	}
}
