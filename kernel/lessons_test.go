package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// notebookFile is the part of the .ipynb format the lesson rules look at.
type notebookFile struct {
	NBFormat int `json:"nbformat"`
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []struct {
		CellType       string          `json:"cell_type"`
		Source         json.RawMessage `json:"source"`
		Outputs        []any           `json:"outputs"`
		ExecutionCount *int            `json:"execution_count"`
	} `json:"cells"`
}

// source returns a cell's text; .ipynb stores it as a string or a list of lines.
func source(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	json.Unmarshal(raw, &lines)
	return strings.Join(lines, "")
}

var nextLinkRe = regexp.MustCompile(`\]\(([0-9]{2}-[a-z0-9-]+\.ipynb)\)`)

// TestLessonsFollowTheRules checks what every committed lesson must have: the project's
// kernel, no outputs, a title heading, a summary, a link to an existing lesson, and
// (after the welcome) a "your turn" exercise.
func TestLessonsFollowTheRules(t *testing.T) {
	p := testProject(t)
	lessons, err := p.lessons()
	if err != nil {
		t.Fatal(err)
	}
	if len(lessons) < 8 {
		t.Errorf("found %d lessons, want 00-welcome and the seven lessons", len(lessons))
	}
	for _, path := range lessons {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var nb notebookFile
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Errorf("%s: not valid notebook JSON: %v", name, err)
			continue
		}
		if nb.NBFormat != 4 {
			t.Errorf("%s: nbformat %d, want 4", name, nb.NBFormat)
		}
		if nb.Metadata.Kernelspec.Name != kernelName {
			t.Errorf("%s: kernelspec %q, want %q", name, nb.Metadata.Kernelspec.Name, kernelName)
		}
		var markdown []string
		for i, c := range nb.Cells {
			if c.CellType == "code" && (len(c.Outputs) > 0 || c.ExecutionCount != nil) {
				t.Errorf("%s: cell %d is committed with outputs", name, i+1)
			}
			if c.CellType == "markdown" {
				markdown = append(markdown, source(c.Source))
			}
		}
		if len(nb.Cells) == 0 || nb.Cells[0].CellType != "markdown" || !strings.HasPrefix(source(nb.Cells[0].Source), "# ") {
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
		} else if !exists(filepath.Join(p.notebooksDir(), m[1])) {
			t.Errorf("%s links to %s, which does not exist", name, m[1])
		}
	}
}
