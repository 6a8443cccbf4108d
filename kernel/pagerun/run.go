package pagerun

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
)

// Sink hears a run's cells start and end. A cell's printed text and displayed
// outputs do not pass through it: they go to os.Stdout, os.Stderr and the display
// package, which in a page reach the page directly.
type Sink interface {
	CellStart(index int)
	CellEnd(index int, err *CellError) // err is nil when the cell succeeded
}

// CellError is a failed cell's error output, as nbformat and GoNB write it.
type CellError struct {
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// ParseError is a numbers cell whose text cannot be used; nothing ran.
type ParseError struct {
	Cell int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("cell %d: %v", e.Cell, e.Err) }

// Result says which cells a run ran, in order, and which failed (-1 for none).
type Result struct {
	Ran    []int `json:"ran"`
	Failed int   `json:"failed"`
}

// Run sets the numbers of the lesson's numbers cells from sources (cell index →
// text; a cell not in it gets its original text back), then runs the live cells
// with index > from, in order, each with fresh package variables, stopping after
// the first that fails. When from is a numbers cell, only the cells that follow it
// (use its declarations) run: the others would print what they printed before. A text that does not parse is a *ParseError, and then
// nothing changes and nothing runs.
func Run(lesson string, from int, sources map[int]string, sink Sink) (Result, error) {
	mu.Lock()
	l := lessons[lesson]
	mu.Unlock()
	if l == nil {
		return Result{}, fmt.Errorf("no lesson %q in this page's program (it has %s)", lesson, strings.Join(Lessons(), ", "))
	}
	if err := setNumbers(l, sources); err != nil {
		return Result{}, err
	}
	res := Result{Ran: []int{}, Failed: -1}
	for _, c := range l.Cells {
		if c.Index <= from || (isNumbers(l, from) && !slices.Contains(c.Follows, from)) {
			continue
		}
		sink.CellStart(c.Index)
		err := runCell(l.Reset, c.Body)
		sink.CellEnd(c.Index, err)
		res.Ran = append(res.Ran, c.Index)
		if err != nil {
			res.Failed = c.Index
			break
		}
	}
	return res, nil
}

// isNumbers says whether the cell at index is one of the lesson's numbers cells.
func isNumbers(l *Lesson, index int) bool {
	return slices.ContainsFunc(l.Numbers, func(n *Numbers) bool { return n.Index == index })
}

// setNumbers parses every numbers cell's text, then, if all parse, sets them.
func setNumbers(l *Lesson, sources map[int]string) error {
	byIndex := map[int]*Numbers{}
	for _, n := range l.Numbers {
		byIndex[n.Index] = n
	}
	for index := range sources {
		if byIndex[index] == nil {
			return &ParseError{index, fmt.Errorf("lesson %s has no numbers cell %d", l.Name, index)}
		}
	}
	values := make([][]Value, len(l.Numbers))
	for i, n := range l.Numbers {
		text, ok := sources[n.Index]
		if !ok {
			text = n.Source
		}
		v, err := Parse(n, text)
		if err != nil {
			return &ParseError{n.Index, err}
		}
		values[i] = v
	}
	for i, n := range l.Numbers {
		n.values = values[i]
	}
	return nil
}

// runCell runs one cell as GoNB runs it, as a program of its own: package
// variables initialised afresh, then the body. A display.Stop (or any exit) and a
// panic end the cell, as the program's exit would.
func runCell(reset, body func()) (cerr *CellError) {
	defer func() {
		if v := recover(); v != nil {
			cerr = failure(v)
		}
	}()
	if reset != nil {
		reset()
	}
	body()
	return nil
}

// failure is the error GoNB shows for a cell that ended with v: "exit status N"
// for display.Stop's exit (and nothing for an exit 0), else the panic's first line,
// "panic: …", and the status 2 a panicking program exits with.
func failure(v any) *CellError {
	if e, ok := v.(display.Exit); ok {
		if e.Code == 0 {
			return nil
		}
		status := fmt.Sprintf("exit status %d", e.Code)
		return &CellError{Ename: "ERROR", Evalue: status, Traceback: []string{status}}
	}
	msg := "panic: " + panicValue(v)
	return &CellError{Ename: "ERROR", Evalue: msg, Traceback: []string{msg, "exit status 2"}}
}

// panicValue writes a panic's value as Go's runtime prints it, for the usual kinds.
func panicValue(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	}
	return fmt.Sprintf("%v", v)
}
