package export

import (
	"bytes"
	"compress/gzip"
	"encoding/json"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// program is the lessons' Go code compiled to WebAssembly (one program for every
// lesson), and what each lesson's page does with each cell.
type program struct {
	wasm    []byte
	lessons map[string][]programCell // by notebook base name
}

// programCell says how the page treats one notebook cell.
type programCell struct {
	Index int
	Kind  string // "markdown", "numbers", "live", "snapshot" or "static"
	Why   string // why a snapshot cell does not recompute
}

// buildProgram compiles the notebooks' cells for the pages. It is where export calls
// the generator (package live) once that is merged; until then it builds nothing and
// the pages are snapshots, typeset and drawn but not recomputing.
func buildProgram(p *checkout.Checkout, notebooks []string) (*program, error) {
	return nil, nil
}

// recomputes says whether the lesson's page has a numbers cell, so needs the program.
func (prog *program) recomputes(name string) bool {
	if prog == nil {
		return false
	}
	for _, c := range prog.lessons[name] {
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
func lessonJSON(l *lesson, prog *program) string {
	if prog == nil || len(prog.lessons[l.name]) != len(l.cells) {
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
	for i, c := range prog.lessons[l.name] {
		x := cell{Index: c.Index, ID: l.cells[i].id, Kind: c.Kind, Why: c.Why}
		if c.Kind == "numbers" {
			x.Source = l.cells[i].source
		}
		cells = append(cells, x)
	}
	b, _ := json.Marshal(map[string]any{"lesson": l.name, "cells": cells}) // escapes < and >: safe in <script>
	return string(b)
}
