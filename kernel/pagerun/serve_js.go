//go:build js

package pagerun

import (
	"encoding/json"
	"errors"
	"syscall/js"
)

// Serve is the generated program's main: it defines globalThis.backpropRun(lesson,
// fromCell, sourcesJSON), which runs as Run does and returns its result as JSON,
// calls globalThis.backpropReady(), and blocks for the page's calls. During a run
// it calls globalThis.backpropCellStart(index) and backpropCellEnd(index, errJSON)
// (errJSON "" when the cell succeeded).
func Serve() {
	js.Global().Set("backpropRun", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber || args[2].Type() != js.TypeString {
			return refusal(-1, errors.New("backpropRun takes (lesson string, fromCell number, sourcesJSON string)"))
		}
		return answer(args[0].String(), args[1].Int(), args[2].String(), pageSink{})
	}))
	if ready := js.Global().Get("backpropReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// pageSink tells the page's worker that cells start and end.
type pageSink struct{}

func (pageSink) CellStart(index int) { call("backpropCellStart", index) }

func (pageSink) CellEnd(index int, err *CellError) {
	errJSON := ""
	if err != nil {
		b, _ := json.Marshal(err)
		errJSON = string(b)
	}
	call("backpropCellEnd", index, errJSON)
}

// call calls the page's function name, when the page defines it.
func call(name string, args ...any) {
	if f := js.Global().Get(name); f.Type() == js.TypeFunction {
		f.Invoke(args...)
	}
}
