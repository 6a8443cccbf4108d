//go:build !js

package pagerun

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// output is one nbformat output as testdata/page.js collects it.
type output struct {
	OutputType string            `json:"output_type"`
	Name       string            `json:"name"`
	Text       string            `json:"text"`
	Data       map[string]string `json:"data"`
	CellError
}

// pageRun is one backpropRun call: its answer and the outputs of each cell.
type pageRun struct {
	Answer struct {
		OK     bool      `json:"ok"`
		Ran    []int     `json:"ran"`
		Failed int       `json:"failed"`
		Cell   int       `json:"cell"`
		Error  CellError `json:"error"`
	} `json:"answer"`
	Outputs map[int][]output `json:"outputs"`
}

// runPage builds testdata/page for js/wasm and runs it under Node as the page's
// worker does, returning page.js's transcript.
func runPage(t *testing.T) map[string]json.RawMessage {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: the page protocol is tested only where Node can run the WebAssembly program")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	wasm := filepath.Join(t.TempDir(), "page.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./testdata/page")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/page for js/wasm: %v\n%s", err, out)
	}
	wasmExec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	cmd := exec.Command(node, "testdata/page.js", wasm, wasmExec, "9")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node testdata/page.js: %v\n%s", err, out)
	}
	var transcript map[string]json.RawMessage
	if err := json.Unmarshal(out, &transcript); err != nil {
		t.Fatalf("page.js printed %q: %v", out, err)
	}
	return transcript
}

func TestThePageProtocolInNode(t *testing.T) {
	transcript := runPage(t)
	runs := map[string]pageRun{}
	for name, raw := range transcript {
		if name == "ms" {
			t.Logf("Node, in ms: %s", raw)
			continue
		}
		var r pageRun
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runs[name] = r
	}
	checkFirstRun(t, runs["original"])
	if r := runs["fromCell3"]; !reflect.DeepEqual(r.Answer.Ran, []int{4, 5, 6}) {
		t.Errorf("from cell 3: ran %v, want 4, 5, 6", r.Answer.Ran)
	}
	stopped := runs["stopped"]
	last := stopped.Outputs[4]
	if stopped.Answer.Failed != 4 || len(last) != 2 || !strings.Contains(last[0].Data["text/html"], "w = 2 is too large") ||
		last[1].OutputType != "error" || last[1].Evalue != "exit status 1" || stopped.Outputs[5] != nil {
		t.Errorf("display.Stop in cell 4: %+v", stopped)
	}
	panicked := runs["panicked"]
	if last := panicked.Outputs[5]; panicked.Answer.Failed != 5 || len(last) != 1 || last[0].Evalue != "panic: runtime error: integer divide by zero" {
		t.Errorf("a panic in cell 5: %+v", panicked)
	}
	refused := runs["notANumber"].Answer
	want := `line 2: "abc" is not a number (only the numbers of this cell can change in the page)`
	if refused.OK || refused.Cell != 1 || refused.Error.Evalue != want || len(runs["notANumber"].Outputs) != 0 {
		t.Errorf("text that is not a number: %+v, want cell 1: %s", refused, want)
	}
	if out := runs["nan"].Outputs[2]; len(out) == 0 || out[0].Text != "w = NaN\n" {
		t.Errorf("math.NaN(): cell 2 printed %+v", out)
	}
}

// checkFirstRun checks the run of every cell below the numbers cell: printed text
// on both streams, Markdown, a chart without its picture, fresh variables.
func checkFirstRun(t *testing.T, r pageRun) {
	t.Helper()
	if !r.Answer.OK || !reflect.DeepEqual(r.Answer.Ran, []int{2, 3, 4, 5, 6}) || r.Answer.Failed != -1 {
		t.Fatalf("answer %+v, want cells 2 to 6 run", r.Answer)
	}
	c2, c3 := r.Outputs[2], r.Outputs[3]
	if len(c2) != 2 || c2[0].Text != "w = 0.8\n" || c2[1].Data["text/markdown"] != "$w = 0.8$" {
		t.Errorf("cell 2: %+v", c2)
	}
	if len(c3) != 3 || c3[0].Text != "total 3.4000000000000004\n" || c3[1].Name != "stderr" {
		t.Fatalf("cell 3: %+v", c3)
	}
	chart := c3[2].Data
	if !strings.Contains(chart["text/html"], `"data":[0,0.8,1.6]`) || chart["image/svg+xml"] != "" || strings.Contains(chart["text/html"], "<img") {
		t.Errorf("cell 3's chart: want its option and no picture, got %v", chart)
	}
}
