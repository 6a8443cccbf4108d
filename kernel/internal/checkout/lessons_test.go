package checkout_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// wantLessons is how many lessons notebooks/ holds, 00-welcome included.
const wantLessons = 15

var nextLinkRe = regexp.MustCompile(`\]\(([0-9]{2}-[a-z0-9-]+\.ipynb)\)`)

// maxCodeLines is the longest a lesson's code cell may be: plumbing belongs in
// the packages, and a cell should read like a step of the lesson.
const maxCodeLines = 25

var (
	importOneRe   = regexp.MustCompile(`(?m)^import\s+(?:\w+\s+)?"([^"]+)"`)
	importBlockRe = regexp.MustCompile(`(?ms)^import\s*\((.*?)\)`)
	importPathRe  = regexp.MustCompile(`"([^"]+)"`)
)

// cellImports returns the import paths a code cell names.
func cellImports(src string) []string {
	var paths []string
	for _, m := range importOneRe.FindAllStringSubmatch(src, -1) {
		paths = append(paths, m[1])
	}
	for _, m := range importBlockRe.FindAllStringSubmatch(src, -1) {
		for _, p := range importPathRe.FindAllStringSubmatch(m[1], -1) {
			paths = append(paths, p[1])
		}
	}
	return paths
}

// importable reports whether a cell may import path: the standard library,
// this module's packages and go-echarts (a cell that imports gonb directly
// fails where the module proxy refuses gonb's version list).
func importable(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") ||
		strings.HasPrefix(path, "github.com/chainrule-go/backprop/") ||
		strings.HasPrefix(path, "github.com/go-echarts/go-echarts/v2")
}

func TestCellImports(t *testing.T) {
	src := "import \"github.com/chainrule-go/backprop/mathx\"\n\nimport (\n\t\"math\"\n\tx \"github.com/janpfeifer/gonb/gonbui\"\n)\n%%\nfmt.Println(\"import \\\"no\\\"\")\n"
	got := cellImports(src)
	want := []string{"github.com/chainrule-go/backprop/mathx", "math", "github.com/janpfeifer/gonb/gonbui"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("cellImports = %q, want %q", got, want)
	}
	for path, ok := range map[string]bool{
		"math": true, "encoding/json": true, "github.com/chainrule-go/backprop/kernel/chart": true,
		"github.com/go-echarts/go-echarts/v2/opts": true, "github.com/janpfeifer/gonb/gonbui": false,
		"gonum.org/v1/gonum/mat": false,
	} {
		if importable(path) != ok {
			t.Errorf("importable(%q) = %v, want %v", path, !ok, ok)
		}
	}
}

// TestLessonsFollowTheRules checks what every committed lesson must have: the project's
// kernel, no outputs, a title heading, a summary, a link to an existing lesson, and
// (after the welcome) a "your turn" exercise; no code cell over maxCodeLines lines,
// and imports only from the standard library, this module and go-echarts.
func TestLessonsFollowTheRules(t *testing.T) {
	p := testkit.Checkout(t)
	lessons, err := p.Lessons()
	if err != nil {
		t.Fatal(err)
	}
	if len(lessons) < wantLessons {
		t.Errorf("found %d lessons, want 00-welcome and the %d lessons after it", len(lessons), wantLessons-1)
	}
	for _, path := range lessons {
		name := filepath.Base(path)
		nb, err := checkout.ReadNotebook(path)
		if err != nil {
			t.Error(err)
			continue
		}
		if nb.NBFormat != 4 {
			t.Errorf("%s: nbformat %d, want 4", name, nb.NBFormat)
		}
		if nb.Metadata.Kernelspec.Name != install.KernelName {
			t.Errorf("%s: kernelspec %q, want %q", name, nb.Metadata.Kernelspec.Name, install.KernelName)
		}
		var markdown []string
		for i, c := range nb.Cells {
			if c.Type == "code" && (len(c.Outputs) > 0 || c.ExecutionCount != nil) {
				t.Errorf("%s: cell %d is committed with outputs", name, i+1)
			}
			if c.Type == "markdown" {
				markdown = append(markdown, c.Source())
			}
			if c.Type != "code" {
				continue
			}
			src := c.Source()
			if n := len(strings.Split(strings.TrimRight(src, "\n"), "\n")); n > maxCodeLines {
				t.Errorf("%s: cell %d has %d lines of code; at most %d (move plumbing into a package)", name, i+1, n, maxCodeLines)
			}
			for _, path := range cellImports(src) {
				if !importable(path) {
					t.Errorf("%s: cell %d imports %s; cells import only the standard library, this module and go-echarts", name, i+1, path)
				}
			}
		}
		if len(nb.Cells) == 0 || nb.Cells[0].Type != "markdown" || !strings.HasPrefix(nb.Cells[0].Source(), "# ") {
			t.Errorf("%s: the first cell must be a markdown title heading", name)
		}
		all := strings.Join(markdown, "\n")
		if !strings.Contains(all, "## Summary") {
			t.Errorf("%s: no '## Summary' section", name)
		}
		if name != "00-welcome.ipynb" && !strings.Contains(strings.ToLower(all), "your turn") {
			t.Errorf("%s: no 'your turn' exercise", name)
		}
		last := markdown[len(markdown)-1]
		m := nextLinkRe.FindStringSubmatch(last)
		if m == nil {
			t.Errorf("%s: the last cell has no link to another lesson", name)
		} else if !checkout.Exists(filepath.Join(p.NotebooksDir(), m[1])) {
			t.Errorf("%s links to %s, which does not exist", name, m[1])
		}
	}
}
