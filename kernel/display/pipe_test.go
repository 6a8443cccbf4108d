//go:build unix

package display

import (
	"encoding/gob"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// These tests run the display protocol over real named pipes against a fake
// kernel that speaks GoNB's side of it as gonb v0.11.4's
// internal/jpyexec/namedpipes.go does: it reads gob-encoded
// protocol.DisplayData from $GONB_PIPE and answers each CommValue to
// "#gonbui/sync" with a CommValue to "#gonbui/sync_ack" carrying the same
// number, on $GONB_PIPE_BACK, which it opens for writing in a goroutine of
// its own when the program starts.

// A fakeKernel is the kernel's end of the two pipes.
type fakeKernel struct {
	mu      sync.Mutex
	outputs []map[protocol.MIMEType]any // what the cell displayed, in the order it arrived
	syncs   []int                       // the numbers of the sync requests, in order
	// staleAck, when set, makes the kernel send an acknowledgement of a
	// request never made before each true one.
	staleAck bool
	done     chan error // receives the reader's end: nil at EOF
}

// startFakeKernel makes the two FIFOs, points the environment at them and
// starts the kernel's end; the test's cleanup closes the cell's end and
// waits for the kernel to see it.
func startFakeKernel(t *testing.T, staleAck bool) *fakeKernel {
	t.Helper()
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "gonb_pipe"), filepath.Join(dir, "gonb_pipe_back")
	for _, p := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatalf("mkfifo %s: %v", p, err)
		}
	}
	t.Setenv(protocol.GONB_PIPE_ENV, toKernel)
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, fromKernel)
	resetPipes()
	k := &fakeKernel{staleAck: staleAck, done: make(chan error, 1)}
	writer := make(chan *os.File, 1)
	go func() { // opening a FIFO blocks until the cell opens the other end
		w, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		if err != nil {
			close(writer)
			return
		}
		writer <- w
	}()
	go func() { k.done <- k.read(toKernel, writer) }()
	t.Cleanup(func() {
		resetPipes()
		if err := <-k.done; err != nil {
			t.Errorf("fake kernel: %v", err)
		}
	})
	return k
}

// read handles the cell's messages until the cell closes its end.
func (k *fakeKernel) read(path string, writer chan *os.File) error {
	r, err := os.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	dec := gob.NewDecoder(r)
	var acks *gob.Encoder
	for {
		var d protocol.DisplayData
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		cv, isComm := d.Data[protocol.MIMECommValue].(protocol.CommValue)
		if !isComm || cv.Address != protocol.GonbuiSyncAddress {
			k.mu.Lock()
			k.outputs = append(k.outputs, d.Data)
			k.mu.Unlock()
			continue
		}
		id, ok := cv.Value.(int)
		if !ok {
			return errors.New("sync request without an int")
		}
		if acks == nil {
			w := <-writer
			if w == nil {
				return errors.New("cannot open the pipe back")
			}
			defer w.Close()
			acks = gob.NewEncoder(w)
		}
		k.mu.Lock()
		k.syncs = append(k.syncs, id)
		k.mu.Unlock()
		if k.staleAck {
			if err := acks.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: id + 1000}); err != nil {
				return err
			}
		}
		if err := acks.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: id}); err != nil {
			return err
		}
	}
}

// seen returns a copy of the outputs and sync numbers so far.
func (k *fakeKernel) seen() ([]map[protocol.MIMEType]any, []int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]map[protocol.MIMEType]any(nil), k.outputs...), append([]int(nil), k.syncs...)
}

// resetPipes closes the cell's end of the pipes and forgets them, as a new
// cell program would start.
func resetPipes() {
	mu.Lock()
	defer mu.Unlock()
	for _, f := range []*os.File{pipe, back} {
		if f != nil {
			f.Close()
		}
	}
	pipe, back, encoder, acks, syncID, pipeErr = nil, nil, nil, nil, 0, nil
}

// captureStdout runs f with os.Stdout and os.Stderr on pipes and returns
// what f wrote to each.
func captureStdout(t *testing.T, f func()) (stdout, stderr string) {
	t.Helper()
	read := func(w **os.File) (func() string, func()) {
		r, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		old := *w
		*w = pw
		out := make(chan string)
		go func() {
			b, _ := io.ReadAll(r)
			out <- string(b)
		}()
		return func() string { return <-out }, func() { pw.Close(); *w = old }
	}
	outText, restoreOut := read(&os.Stdout)
	errText, restoreErr := read(&os.Stderr)
	f()
	restoreOut()
	restoreErr()
	return outText(), errText()
}

// Each output reaches the kernel before the call that made it returns (the
// sync request follows it and its acknowledgement is awaited), in the order
// the cell made them, with sync numbers 1, 2, 3.
func TestPipeOutputsInOrderEachSynced(t *testing.T) {
	noRenderer(t)
	k := startFakeKernel(t, false)
	stdout, _ := captureStdout(t, func() {
		HTML("<b>one</b>")
		if outs, syncs := k.seen(); len(outs) != 1 || len(syncs) != 1 {
			t.Errorf("after HTML returned the kernel had %d outputs and %d syncs, want 1 and 1", len(outs), len(syncs))
		}
		Markdown("$two$")
		(&Chart{Title: "three", Width: 10, Height: 10, Option: map[string]int{"x": 3}}).Show()
	})
	if stdout != "" {
		t.Errorf("with a kernel, stdout got %q", stdout)
	}
	outs, syncs := k.seen()
	if len(outs) != 3 || len(syncs) != 3 || syncs[0] != 1 || syncs[1] != 2 || syncs[2] != 3 {
		t.Fatalf("kernel saw %d outputs and syncs %v, want 3 and [1 2 3]", len(outs), syncs)
	}
	if outs[0][protocol.MIMETextHTML] != "<b>one</b>" {
		t.Errorf("first output %v, want the HTML", outs[0])
	}
	if outs[1][protocol.MIMETextMarkdown] != "$two$" || outs[1][protocol.MIMETextPlain] != "$two$" {
		t.Errorf("second output %v, want the Markdown with its plain text", outs[1])
	}
	if h, _ := outs[2][protocol.MIMETextHTML].(string); !strings.Contains(h, ChartClass) || outs[2][protocol.MIMETextPlain] != "[chart] three" {
		t.Errorf("third output %v, want the chart", outs[2])
	}
}

// An acknowledgement of another request does not end the wait: the cell
// waits for the one with its own number.
func TestPipeSyncIgnoresOtherAcks(t *testing.T) {
	k := startFakeKernel(t, true)
	HTML("a")
	HTML("b")
	if outs, syncs := k.seen(); len(outs) != 2 || len(syncs) != 2 || syncs[1] != 2 {
		t.Errorf("kernel saw %d outputs and syncs %v, want 2 and [1 2]", len(outs), syncs)
	}
	mu.Lock()
	defer mu.Unlock()
	if pipeErr != nil {
		t.Errorf("the stale acknowledgements broke the pipe: %v", pipeErr)
	}
}

// When $GONB_PIPE cannot be opened, output goes to stdout (the text/plain
// form), with one line on stderr saying why, and keeps going there.
func TestPipeFallbackToStdout(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(protocol.GONB_PIPE_ENV, filepath.Join(dir, "missing"))
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, filepath.Join(dir, "missing_back"))
	resetPipes()
	t.Cleanup(resetPipes)
	if !InNotebook() {
		t.Fatal("InNotebook() = false with $GONB_PIPE set")
	}
	stdout, stderr := captureStdout(t, func() {
		Markdown("first")
		HTML("<i>second</i>")
		Error(errors.New("third"))
	})
	if stdout != "first\n<i>second</i>\nerror: third\n" {
		t.Errorf("stdout = %q, want the three outputs' plain forms in order", stdout)
	}
	if !strings.Contains(stderr, "display: cannot reach the GoNB kernel") || !strings.Contains(stderr, "missing") {
		t.Errorf("stderr = %q, want a note naming the pipe that failed", stderr)
	}
}

// When the kernel closes its end during the exchange (the cell's program
// outlived the kernel's reader), the output is printed instead and later
// outputs go straight to stdout.
func TestPipeFallbackWhenKernelGoesAway(t *testing.T) {
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "gonb_pipe"), filepath.Join(dir, "gonb_pipe_back")
	for _, p := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(protocol.GONB_PIPE_ENV, toKernel)
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, fromKernel)
	resetPipes()
	t.Cleanup(resetPipes)
	kernel := make(chan error, 1)
	go func() { // reads nothing, acknowledges nothing: opens both ends and closes them
		r, err := os.Open(toKernel)
		if err != nil {
			kernel <- err
			return
		}
		w, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		if err != nil {
			kernel <- err
			return
		}
		kernel <- errors.Join(w.Close(), r.Close())
	}()
	stdout, stderr := captureStdout(t, func() {
		Markdown("lost?")
		Markdown("after")
	})
	if err := <-kernel; err != nil {
		t.Fatal(err)
	}
	if stdout != "lost?\nafter\n" {
		t.Errorf("stdout = %q, want both outputs printed", stdout)
	}
	if !strings.Contains(stderr, "display: cannot reach the GoNB kernel") {
		t.Errorf("stderr = %q, want the note", stderr)
	}
}

// Outside GoNB nothing is opened: output is printed, with no note.
func TestNoNotebookPrints(t *testing.T) {
	t.Setenv(protocol.GONB_PIPE_ENV, "")
	resetPipes()
	t.Cleanup(resetPipes)
	stdout, stderr := captureStdout(t, func() { Markdown("plain") })
	if stdout != "plain\n" || stderr != "" {
		t.Errorf("stdout %q, stderr %q; want the text and nothing else", stdout, stderr)
	}
}
