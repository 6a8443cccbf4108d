// Package pagerun runs a lesson's cells inside an exported page, compiled to
// WebAssembly.
//
// The generated program (kernel/internal/live) registers each lesson: its numbers
// cells, its live cells as functions, and a function that re-initialises the
// lesson's package variables. When the learner edits a numbers cell, the page calls
// Run through the JavaScript protocol that Serve installs: the edited texts are
// parsed (only the numbers may change), and every live cell below the edited one
// runs again as GoNB would run it, each with fresh package variables.
package pagerun

import (
	"fmt"
	"sort"
	"sync"
)

// Kind is the Go type of one number in a numbers cell.
type Kind int

// The kinds a numbers cell's literal can have.
const (
	Float64 Kind = iota
	Int
	Int64
)

// String names the kind as Go does.
func (k Kind) String() string {
	switch k {
	case Float64:
		return "float64"
	case Int:
		return "int"
	case Int64:
		return "int64"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Numbers is a numbers cell: its original source and the kinds of its number
// literals (its slots), in source order. It holds the slots' current values.
type Numbers struct {
	Index  int
	Source string
	Kinds  []Kind

	values []Value // nil until first read or set: then Source's numbers
}

// Float64 returns the current value of slot k, a float64 slot.
func (n *Numbers) Float64(k int) float64 { return n.value(k, Float64).Float }

// Int returns the current value of slot k, an int slot.
func (n *Numbers) Int(k int) int { return int(n.value(k, Int).Int) }

// Int64 returns the current value of slot k, an int64 slot.
func (n *Numbers) Int64(k int) int64 { return n.value(k, Int64).Int }

// value returns slot k, parsing Source the first time: package variables read
// the numbers while the program initialises, before any Run.
func (n *Numbers) value(k int, want Kind) Value {
	if n.values == nil {
		v, err := Parse(n, n.Source)
		if err != nil {
			panic(fmt.Sprintf("pagerun: cell %d's own source: %v", n.Index, err))
		}
		n.values = v
	}
	if k < 0 || k >= len(n.values) || n.Kinds[k] != want {
		panic(fmt.Sprintf("pagerun: cell %d has no %v slot %d", n.Index, want, k))
	}
	return n.values[k]
}

// Value is one slot's value: Float for a float64 slot, Int for the others.
type Value struct {
	Float float64
	Int   int64
}

// Lesson is one notebook's program: its numbers cells, its live cells in
// notebook order, and Reset, which re-initialises its package variables.
type Lesson struct {
	Name    string
	Numbers []*Numbers
	Cells   []Cell
	Reset   func()
}

// Cell is a live cell: its index in the notebook, its body (the code after %%), and
// the numbers cells whose declarations the body uses, directly or through other
// declarations (an edit of one of those re-runs it).
type Cell struct {
	Index   int
	Body    func()
	Follows []int
}

var (
	mu      sync.Mutex
	lessons = map[string]*Lesson{}
)

// Register makes a lesson available to Run; the generated package calls it from
// its init function. A second lesson with the same name is a generator bug.
func Register(l *Lesson) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := lessons[l.Name]; dup {
		panic("pagerun: lesson " + l.Name + " registered twice")
	}
	lessons[l.Name] = l
}

// Lessons returns the registered lessons' names, sorted.
func Lessons() []string {
	mu.Lock()
	defer mu.Unlock()
	names := make([]string, 0, len(lessons))
	for name := range lessons {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
