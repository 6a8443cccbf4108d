//go:build !js

// This file is how a cell run by GoNB sends its outputs and ends; page.go is
// the same for a cell run in an exported page (WebAssembly).

package display

import (
	"encoding/gob"
	"fmt"
	"os"
	"sync"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

var (
	mu      sync.Mutex
	pipe    *os.File     // $GONB_PIPE, to the kernel; nil until the first output
	back    *os.File     // $GONB_PIPE_BACK, from the kernel; nil until the first sync
	encoder *gob.Encoder // on pipe
	acks    *gob.Decoder // on back
	syncID  int
	pipeErr error // set once if a pipe cannot be used; output then goes to stdout
)

// exit ends the cell's program; a test replaces it.
var exit = os.Exit

// pictures: a chart shown in a notebook carries its picture.
const pictures = true

// InNotebook reports whether the program runs as a GoNB cell.
func InNotebook() bool { return os.Getenv(protocol.GONB_PIPE_ENV) != "" }

// send publishes one display_data message; outside GoNB it prints the text/plain
// form if there is one, else the first payload.
func send(data map[protocol.MIMEType]any) {
	mu.Lock()
	defer mu.Unlock()
	if InNotebook() && encoder == nil && pipeErr == nil {
		f, err := os.OpenFile(os.Getenv(protocol.GONB_PIPE_ENV), os.O_WRONLY, 0o600)
		if err != nil {
			pipeErr = err
		} else {
			pipe, encoder = f, gob.NewEncoder(f)
		}
	}
	if encoder != nil {
		err := encoder.Encode(&protocol.DisplayData{Data: data})
		if err == nil {
			err = syncLocked()
		}
		if err == nil {
			return
		}
		pipeErr, encoder = err, nil
	}
	if pipeErr != nil {
		fmt.Fprintf(os.Stderr, "display: cannot reach the GoNB kernel (%v); printing instead\n", pipeErr)
	}
	if s, ok := data[protocol.MIMETextPlain].(string); ok {
		fmt.Println(s)
		return
	}
	for _, v := range data {
		fmt.Println(v)
		return
	}
}

// syncLocked waits until the kernel has handled everything sent so far. GoNB stops
// reading the pipe as soon as the cell's program exits, so without this a chart
// shown on a cell's last line can be lost; it also keeps outputs in the order the
// cell produced them. It is gonbui.Sync's exchange: a CommValue to "#gonbui/sync"
// answered on $GONB_PIPE_BACK by "#gonbui/sync_ack" with the same number.
func syncLocked() error {
	if acks == nil {
		f, err := os.OpenFile(os.Getenv(protocol.GONB_PIPE_BACK_ENV), os.O_RDONLY, 0o600)
		if err != nil {
			return err
		}
		back, acks = f, gob.NewDecoder(f)
	}
	syncID++
	req := &protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: syncID},
	}}
	if err := encoder.Encode(req); err != nil {
		return err
	}
	for {
		var v protocol.CommValue
		if err := acks.Decode(&v); err != nil {
			return err
		}
		if id, ok := v.Value.(int); ok && v.Address == protocol.GonbuiSyncAckAddress && id == syncID {
			return nil
		}
	}
}
