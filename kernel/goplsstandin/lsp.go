//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// readMessage reads one LSP message: header lines up to an empty one, of which
// Content-Length gives the size of the JSON body that follows.
func readMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed LSP header %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			if length, err = strconv.Atoi(strings.TrimSpace(value)); err != nil || length < 0 {
				return nil, fmt.Errorf("bad LSP Content-Length %q", value)
			}
		}
	}
	if length < 0 {
		return nil, errors.New("an LSP message without Content-Length")
	}
	body := make([]byte, length)
	_, err := io.ReadFull(r, body)
	return body, err
}

// sink writes whole LSP messages to one peer, from any goroutine.
type sink struct {
	mu sync.Mutex
	w  io.Writer
}

// send writes body framed as one message.
func (s *sink) send(body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.w.Write(append(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body...))
	return err
}

// message is what the relay reads of a JSON-RPC message: a request has an id and a
// method, a notification a method only, a response an id only.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Error  json.RawMessage `json:"error"`
}

// isResponse says whether m answers a request.
func (m message) isResponse() bool { return m.Method == "" && len(m.ID) > 0 }

// isNotification says whether m expects no answer.
func (m message) isNotification() bool { return m.Method != "" && len(m.ID) == 0 }

// hasID says whether m's id is the string id.
func (m message) hasID(id string) bool {
	var s string
	return json.Unmarshal(m.ID, &s) == nil && s == id
}

// encode builds a request (with id), a notification (id nil) or, with method "", a
// response whose result is params.
func encode(id any, method string, params any) []byte {
	msg := map[string]any{"jsonrpc": "2.0"}
	if id != nil {
		msg["id"] = id
	}
	if method == "" {
		msg["result"] = params
	} else {
		msg["method"], msg["params"] = method, params
	}
	body, err := json.Marshal(msg)
	if err != nil {
		panic(err) // only raw JSON the peer sent and the relay's own values reach here
	}
	return body
}
