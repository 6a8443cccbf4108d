//go:build unix

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// initID is the id of the initialize request the stand-in replays to the real gopls;
// GoNB's own ids are numbers.
const initID = "gopls-stand-in/initialize"

// standInCapabilities is the stand-in's answer to initialize. Full document sync: each
// change GoNB sends carries the whole text, which the stand-in keeps.
const standInCapabilities = `{"capabilities":{"textDocumentSync":1},` +
	`"serverInfo":{"name":"gopls stand-in","version":"the real gopls is still being built"}}`

// errExit ends the relay when the client sends exit.
var errExit = errors.New("exit")

// textDocument is an LSP TextDocumentItem: the latest text the client sent of one file.
type textDocument struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int    `json:"version"`
	Text       string `json:"text"`
}

// relay serves the client's connection: as a stand-in until the real gopls is ready
// and the client has initialized, then by passing every message between the two.
type relay struct {
	gopls      realGopls
	client     *sink
	initialize json.RawMessage         // the client's initialize params, replayed to the real gopls
	docs       map[string]textDocument // the documents the client has open, by URI
	real       *process                // the real gopls, once started
	relaying   bool                    // the real gopls has the client's state: messages pass through
}

func newRelay(conn net.Conn, g realGopls) *relay {
	return &relay{gopls: g, client: &sink{w: conn}, docs: map[string]textDocument{}}
}

// run serves until the client closes the connection (or sends exit), ctx ends or the
// real gopls exits.
func (r *relay) run(ctx context.Context, conn net.Conn) error {
	incoming, closed := make(chan []byte), make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		in := bufio.NewReader(conn)
		for {
			body, err := readMessage(in)
			if err != nil {
				closed <- err
				return
			}
			select {
			case incoming <- body:
			case <-done:
				return
			}
		}
	}()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		var initialized <-chan error
		var exited <-chan struct{}
		if r.real != nil {
			initialized, exited = r.real.initialized, r.real.exited
		}
		var err error
		select {
		case <-ctx.Done():
			return nil
		case err = <-closed:
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("reading from the client: %w", err)
		case body := <-incoming:
			err = r.fromClient(body)
		case <-tick.C:
			err = r.startWhenReady()
		case err = <-initialized:
			if err == nil {
				err = r.handOver()
			}
		case <-exited: // after the client's exit, or on its own
			if r.real.err != nil {
				return fmt.Errorf("the real gopls ended: %v", r.real.err)
			}
			return nil
		}
		if errors.Is(err, errExit) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// fromClient passes a client's message to the real gopls once it has the client's
// state, else answers it as the stand-in: empty results, the documents kept.
func (r *relay) fromClient(body []byte) error {
	if r.relaying {
		return r.real.in.send(body)
	}
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("an unreadable message from the client: %w", err)
	}
	if m.isResponse() { // to a request of the real gopls, while it is being initialized
		if r.real != nil {
			return r.real.in.send(body)
		}
		return nil
	}
	r.keep(m)
	switch {
	case m.Method == "exit":
		return errExit
	case m.isNotification():
		return nil
	case m.Method == "initialize":
		if err := r.client.send(encode(m.ID, "", json.RawMessage(standInCapabilities))); err != nil {
			return err
		}
		return r.startWhenReady()
	}
	return r.client.send(encode(m.ID, "", nil))
}

// keep records what the real gopls will need of m: the initialize params, and the
// latest text of each open document.
func (r *relay) keep(m message) {
	var p struct {
		TextDocument   textDocument `json:"textDocument"`
		ContentChanges []struct {
			Range json.RawMessage `json:"range"`
			Text  string          `json:"text"`
		} `json:"contentChanges"`
	}
	switch m.Method {
	case "initialize":
		r.initialize = m.Params
		return
	case "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose":
		if json.Unmarshal(m.Params, &p) != nil {
			return
		}
	default:
		return
	}
	uri := p.TextDocument.URI
	switch doc, open := r.docs[uri]; {
	case m.Method == "textDocument/didOpen":
		r.docs[uri] = p.TextDocument
	case m.Method == "textDocument/didClose" || !open:
		delete(r.docs, uri)
	default:
		for _, c := range p.ContentChanges {
			if len(c.Range) > 0 && string(c.Range) != "null" {
				delete(r.docs, uri) // not full sync, against the capabilities: gopls reads the file instead
				return
			}
			doc.Text = c.Text
		}
		doc.Version = p.TextDocument.Version
		r.docs[uri] = doc
	}
}

// startWhenReady starts the real gopls, once it is built and the client has sent
// initialize, and replays that request to it.
func (r *relay) startWhenReady() error {
	if r.real != nil || r.initialize == nil || !r.gopls.ready() {
		return nil
	}
	real, err := start(r.gopls.path, r.client)
	if err != nil {
		return err
	}
	r.real = real
	return real.in.send(encode(initID, "initialize", r.initialize))
}

// handOver, once the real gopls has answered initialize, sends it initialized and opens
// the client's documents in it, with their latest text; from then on messages pass through.
func (r *relay) handOver() error {
	if err := r.real.in.send(encode(nil, "initialized", struct{}{})); err != nil {
		return err
	}
	for _, uri := range slices.Sorted(maps.Keys(r.docs)) {
		open := map[string]textDocument{"textDocument": r.docs[uri]}
		if err := r.real.in.send(encode(nil, "textDocument/didOpen", open)); err != nil {
			return err
		}
	}
	r.relaying, r.docs = true, nil
	return nil
}

// stop ends the real gopls, if one was started.
func (r *relay) stop() {
	if r.real != nil {
		r.real.stop()
	}
}

// process is the real gopls, serving LSP on its stdin and stdout.
type process struct {
	cmd         *exec.Cmd
	in          *sink
	initialized chan error    // its answer to the replayed initialize: nil, or what went wrong
	exited      chan struct{} // closed once it has exited; err says how
	err         error
}

// start runs the real gopls and passes what it sends to client.
func start(path string, client *sink) (*process, error) {
	cmd := exec.Command(path, "serve")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = realAttr()
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	pr := &process{cmd: cmd, in: &sink{w: in}, initialized: make(chan error, 1), exited: make(chan struct{})}
	go pr.toClient(bufio.NewReader(out), client)
	return pr, nil
}

// toClient passes the real gopls's messages to the client, all but its answer to the
// replayed initialize, which goes to initialized; once gopls's output ends, it waits
// for gopls to exit.
func (pr *process) toClient(out *bufio.Reader, client *sink) {
	waiting := true
	for {
		body, err := readMessage(out)
		if err != nil {
			break
		}
		if waiting {
			var m message
			if json.Unmarshal(body, &m) == nil && m.isResponse() && m.hasID(initID) {
				waiting = false
				if len(m.Error) > 0 && string(m.Error) != "null" {
					pr.initialized <- fmt.Errorf("the real gopls refused initialize: %s", m.Error)
				} else {
					pr.initialized <- nil
				}
				continue
			}
		}
		client.send(body) // a client gone ends the relay's loop
	}
	pr.err = pr.cmd.Wait()
	close(pr.exited)
}

// stop kills the real gopls and what it started (its process group), unless it has
// exited, and waits for it.
func (pr *process) stop() {
	select {
	case <-pr.exited:
	default:
		syscall.Kill(-pr.cmd.Process.Pid, syscall.SIGKILL)
		<-pr.exited
	}
}
