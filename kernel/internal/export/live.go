package export

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/live"
)

// recomputes says whether the lesson's page has a numbers cell, so needs the program.
func recomputes(m *live.Module, name string) bool {
	if m == nil || m.Lessons[name] == nil {
		return false
	}
	for _, c := range m.Lessons[name].Cells {
		if c.Kind == "numbers" {
			return true
		}
	}
	return false
}

// gzipped compresses the program for the page: the browser inflates it with
// DecompressionStream.
func gzipped(wasm []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(wasm)
	w.Close()
	return b.Bytes()
}

// lessonJSON is what the page runtime reads about the lesson's cells: for each, its
// index, the id of its element in the page, its kind, why a snapshot is one, and a
// numbers cell's source (the editor's first text). "" when the lesson was not compiled.
func lessonJSON(l *lesson, m *live.Module) string {
	if m == nil || m.Lessons[l.name] == nil || len(m.Lessons[l.name].Cells) != len(l.cells) {
		return ""
	}
	type cell struct {
		Index  int    `json:"index"`
		ID     string `json:"id,omitempty"`
		Kind   string `json:"kind"`
		Why    string `json:"why,omitempty"`
		Source string `json:"source,omitempty"`
	}
	var cells []cell
	for i, c := range m.Lessons[l.name].Cells {
		x := cell{Index: c.Index, ID: l.cells[i].id, Kind: c.Kind, Why: c.Why}
		if c.Kind == "numbers" {
			x.Source = l.cells[i].source
		}
		cells = append(cells, x)
	}
	b, _ := json.Marshal(struct { // escapes < and >: safe in <script>
		Lesson string `json:"lesson"`
		Cells  []cell `json:"cells"`
	}{l.name, cells})
	return string(b)
}

// lessonScript opens the element that holds lessonJSON in a page.
const lessonScript = `<script type="application/json" id="backprop-lesson">`

// SnapshotCells returns the cells that an exported page lists as snapshots: cells it
// shows as exported and never recomputes. A page without live cells has no list.
func SnapshotCells(page string) ([]int, error) {
	html, err := os.ReadFile(page)
	if err != nil {
		return nil, err
	}
	_, rest, found := strings.Cut(string(html), lessonScript)
	if !found {
		return nil, nil
	}
	raw, _, _ := strings.Cut(rest, "</script>")
	var lesson struct {
		Cells []struct {
			Index int    `json:"index"`
			Kind  string `json:"kind"`
		} `json:"cells"`
	}
	if err := json.Unmarshal([]byte(raw), &lesson); err != nil {
		return nil, fmt.Errorf("%s: the list of its cells: %v", page, err)
	}
	var cells []int
	for _, c := range lesson.Cells {
		if c.Kind == "snapshot" {
			cells = append(cells, c.Index)
		}
	}
	return cells, nil
}
