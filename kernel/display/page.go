//go:build js

// This file is how a cell run in an exported page (WebAssembly, kernel/pagerun)
// sends its outputs and ends; gonb.go is the same for a cell run by GoNB.

package display

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"syscall/js"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

var mu sync.Mutex

// exit ends the cell: the program must go on to the page's next run, so it panics
// with Exit, which pagerun recovers.
var exit = func(code int) { panic(Exit{Code: code}) }

// pictures: no chart picture in a page, which draws the chart itself.
const pictures = false

// The page restarts a program that ran too long, and the charts of the old one stay
// in the page: numbering the new one's charts from its start time keeps every
// chart box's id unique in the page (ids are made of the pid, -1 in a page, and the
// count).
func init() { chartCount.Store(time.Now().UnixMilli() * 1000) }

// InNotebook reports whether the program runs as a cell; in a page it does.
func InNotebook() bool { return true }

// send hands one display_data's MIME bundle, as JSON, to the page's
// globalThis.backpropDisplay; without one it prints the text/plain form.
func send(data map[protocol.MIMEType]any) {
	mu.Lock()
	defer mu.Unlock()
	show := js.Global().Get("backpropDisplay")
	bundle, err := json.Marshal(data)
	if err == nil && show.Type() == js.TypeFunction {
		show.Invoke(string(bundle))
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "display: the output cannot be encoded (%v); printing instead\n", err)
	}
	if s, ok := data[protocol.MIMETextPlain].(string); ok {
		fmt.Println(s)
	}
}
