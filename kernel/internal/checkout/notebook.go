package checkout

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Notebook is the part of the .ipynb format the command reads: the kernel a
// notebook names, the lesson's one-line summary (for the exported site's index) and
// its cells.
type Notebook struct {
	NBFormat int `json:"nbformat"`
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
		Backprop struct {
			Summary string `json:"summary"`
		} `json:"backprop"`
	} `json:"metadata"`
	Cells []Cell `json:"cells"`
}

// Cell is one cell of a notebook; ID names its element in nbconvert's page ("cell-id=ID").
type Cell struct {
	ID             string          `json:"id"`
	Type           string          `json:"cell_type"`
	RawSource      json.RawMessage `json:"source"`
	Outputs        []any           `json:"outputs"`
	ExecutionCount *int            `json:"execution_count"`
	Metadata       struct {
		Tags []string `json:"tags"`
	} `json:"metadata"`
}

// Source returns the cell's text; .ipynb stores it as a string or a list of lines.
func (c Cell) Source() string {
	var s string
	if json.Unmarshal(c.RawSource, &s) == nil {
		return s
	}
	var lines []string
	json.Unmarshal(c.RawSource, &lines)
	return strings.Join(lines, "")
}

// ReadNotebook decodes the notebook at path.
func ReadNotebook(path string) (*Notebook, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb Notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, fmt.Errorf("%s is not valid notebook JSON: %w", path, err)
	}
	return &nb, nil
}

// Code returns the source of the notebook's code cells, each followed by a newline.
func (nb *Notebook) Code() string {
	var b strings.Builder
	for _, c := range nb.Cells {
		if c.Type == "code" {
			b.WriteString(c.Source())
			b.WriteString("\n")
		}
	}
	return b.String()
}
