// Package live turns the lessons' cells into one Go program compiled to WebAssembly
// for the exported pages.
//
// Each lesson becomes one Go package: every code cell's declarations (GoNB's cells
// before a line `%%`), each cell's body (after `%%`) as a function, the numbers of its
// numbers cells read from kernel/pagerun slots, and a function that re-initialises
// the package variables in Go's init order, so that every cell runs, as in GoNB, with
// fresh variables. Cells that need the MNIST data stay as they were exported
// ("snapshot"). Cells are counted from 0 in notebook order, markdown included.
package live
