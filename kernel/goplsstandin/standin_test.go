//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// connectWithin and initializeWithin are GoNB's limits: it gives gopls 30 s to listen
// (goplsclient.StartTimeout) and initialize 12 s (ConnectTimeout).
const (
	connectWithin    = 30 * time.Second
	initializeWithin = 12 * time.Second
)

// layout is a .kernel/bin as setup lays it out, in a folder of its own: the stand-in,
// built as setup builds it, as bin/gopls, and setup's real gopls at bin/real/gopls,
// its stamp not yet written. The stand-in's processes carry mark in their environment.
type layout struct {
	bin, standIn, real, stamp, mark string
}

func newLayout(t *testing.T) layout {
	t.Helper()
	p := testkit.Checkout(t)
	_, err := install.Installed(p)
	testkit.Require(t, err)
	real := install.GoplsPath(p)
	if !checkout.Exists(real) {
		testkit.Require(t, fmt.Errorf("setup has not built the real gopls (%s)", real))
	}
	bin := t.TempDir()
	l := layout{bin: bin, standIn: filepath.Join(bin, "gopls"), real: filepath.Join(bin, "real", "gopls"),
		stamp: filepath.Join(bin, ".stamp-gopls"), mark: fmt.Sprintf("GOPLS_STAND_IN_TEST=%d-%d", os.Getpid(), time.Now().UnixNano())}
	if err := install.BuildStandIn(p, l.standIn); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(l.real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, l.real); err != nil {
		t.Fatal(err)
	}
	return l
}

// markReady writes the real gopls's stamp, as setup does once it is built.
func (l layout) markReady(t *testing.T) {
	if err := os.WriteFile(l.stamp, []byte("built"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// module writes a Go module with go.mod only: the code the client edits exists only
// in the messages it sends.
func module(t *testing.T) string {
	dir := t.TempDir()
	testkit.WriteFile(t, filepath.Join(dir, "go.mod"), "module example.com/standin\n\ngo 1.24\n")
	return dir
}

// start runs the stand-in as GoNB does (`gopls -listen unix;SOCKET` in the folder it
// edits, in a process group of its own) and returns it and the socket. Whatever is
// left of it at the test's end is killed.
func (l layout) start(t *testing.T, dir string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	sock := filepath.Join(dir, "gopls_socket")
	if args == nil {
		args = []string{"-listen", "unix;" + sock}
	}
	cmd := exec.Command(l.standIn, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), l.mark)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var left []procs.Proc
		for _, pr := range procs.All() {
			if procs.HasEnv(pr.PID, l.mark) {
				left = append(left, pr)
			}
		}
		procs.Stop(left, 0)
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			out, _ := os.ReadFile(stderr.Name())
			t.Logf("the stand-in's stderr:\n%s", out)
		}
	})
	return cmd, sock
}

// leftWith waits until no process carries mark, and returns those still there after limit.
func leftWith(mark string, limit time.Duration) []procs.Proc {
	deadline := time.Now().Add(limit)
	for {
		var left []procs.Proc
		for _, pr := range procs.All() {
			if procs.HasEnv(pr.PID, mark) && pr.State != 'Z' {
				left = append(left, pr)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exits waits for cmd to exit and returns how, or fails the test after limit.
func exits(t *testing.T, cmd *exec.Cmd, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("%s did not exit within %s", cmd.Path, limit)
		return nil
	}
}

// TestStandInHandsOverToTheRealGopls: until the real gopls is ready, the stand-in
// answers initialize at once and completion with nothing; once its stamp is written, the
// same connection completes `fmt.Prin` from the document's latest text, which the client
// sent only to the stand-in, and gopls's own messages (diagnostics) reach the client.
// When the client closes the connection, the stand-in exits and nothing it started is left.
func TestStandInHandsOverToTheRealGopls(t *testing.T) {
	l := newLayout(t)
	dir := module(t)
	cmd, sock := l.start(t, dir)
	c := dial(t, sock)
	info := c.initialize(t, dir)
	if !strings.Contains(info, "stand-in") {
		t.Errorf("initialize answered by %s, want the stand-in", info)
	}
	uri := "file://" + filepath.Join(dir, "main.go")
	c.notify("textDocument/didOpen", map[string]any{"textDocument": textDocument{URI: uri, LanguageID: "go", Version: 1, Text: "package main\n"}})
	text := "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Prin\n}\n"
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]string{{"text": text}}})
	if labels, err := c.complete(uri, 5, 9); err != nil || len(labels) > 0 {
		t.Fatalf("before gopls is ready: completion = %q, %v; want no items", labels, err)
	}

	l.markReady(t)
	var labels []string
	deadline := time.Now().Add(2 * time.Minute)
	for !slices.Contains(labels, "Println") {
		if time.Now().After(deadline) {
			t.Fatalf("2 minutes after gopls was ready, completion of fmt.Prin still gives %q", labels)
		}
		time.Sleep(200 * time.Millisecond)
		labels, _ = c.complete(uri, 5, 9)
	}
	if !c.heard("textDocument/publishDiagnostics", uri, time.Minute) {
		t.Error("no diagnostics of main.go reached the client: gopls's notifications are not passed on")
	}
	real, _ := filepath.EvalSymlinks(l.real)
	if !slices.ContainsFunc(procs.Descendants(cmd.Process.Pid), func(pr procs.Proc) bool { return pr.Exe == real }) {
		t.Errorf("no process of %s runs under the stand-in", real)
	}

	c.conn.Close()
	if err := exits(t, cmd, 30*time.Second); err != nil {
		t.Errorf("the stand-in ended with %v once the client closed the connection", err)
	}
	if left := leftWith(l.mark, 30*time.Second); len(left) > 0 {
		t.Errorf("left behind: %s", procs.Describe(left))
	}
	if stray := c.strays(); len(stray) > 0 {
		t.Errorf("the client got answers to requests it never sent, with ids %s", stray)
	}
}

// TestStandInKilledLeavesNothing: GoNB stops gopls with SIGKILL, which the stand-in
// cannot catch; the real gopls it started ends with it.
func TestStandInKilledLeavesNothing(t *testing.T) {
	l := newLayout(t)
	dir := module(t)
	cmd, sock := l.start(t, dir)
	c := dial(t, sock)
	c.initialize(t, dir)
	l.markReady(t)
	real, _ := filepath.EvalSymlinks(l.real)
	deadline := time.Now().Add(time.Minute)
	for !slices.ContainsFunc(procs.Descendants(cmd.Process.Pid), func(pr procs.Proc) bool { return pr.Exe == real }) {
		if time.Now().After(deadline) {
			t.Fatal("the stand-in did not start the real gopls within a minute of its stamp")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	exits(t, cmd, 30*time.Second)
	if left := leftWith(l.mark, 30*time.Second); len(left) > 0 {
		t.Errorf("left behind: %s", procs.Describe(left))
	}
}

// TestStandInExecsTheRealGoplsWhenReady: with the stamp written, the stand-in becomes
// the real gopls (same process, same arguments), which answers initialize itself.
func TestStandInExecsTheRealGoplsWhenReady(t *testing.T) {
	l := newLayout(t)
	l.markReady(t)
	dir := module(t)
	cmd, sock := l.start(t, dir)
	real, _ := filepath.EvalSymlinks(l.real)
	deadline := time.Now().Add(connectWithin)
	for {
		pr, _ := procs.Read(cmd.Process.Pid)
		if pr.Exe == real && slices.Equal(pr.Args[1:], []string{"-listen", "unix;" + sock}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d is %s %q, not the real gopls %s", cmd.Process.Pid, pr.Exe, pr.Args, real)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if info := dial(t, sock).initialize(t, dir); !strings.Contains(info, `"name":"gopls"`) {
		t.Errorf("initialize answered by %s, want gopls", info)
	}
}

// TestStandInNamesWhatItServes: other arguments than -listen, before the real gopls is
// built, get a message naming them and what to run.
func TestStandInNamesWhatItServes(t *testing.T) {
	l := newLayout(t)
	cmd, _ := l.start(t, t.TempDir(), "version")
	err := exits(t, cmd, 30*time.Second)
	out, _ := os.ReadFile(cmd.Stderr.(*os.File).Name())
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 ||
		!strings.Contains(string(out), `arguments ["version"]: want -listen ADDR`) || !strings.Contains(string(out), "go run ./kernel setup") {
		t.Errorf("gopls version: %v\n%s", err, out)
	}
}

// TestKeepFollowsEachDocument: the stand-in keeps the latest full text of each document
// the client has open; a change by range, which its capabilities rule out, drops it.
func TestKeepFollowsEachDocument(t *testing.T) {
	r := &relay{docs: map[string]textDocument{}}
	send := func(method, params string) { r.keep(message{Method: method, Params: json.RawMessage(params)}) }
	send("initialize", `{"processId":0}`)
	send("textDocument/didOpen", `{"textDocument":{"uri":"file:///a.go","languageId":"go","version":1,"text":"one"}}`)
	send("textDocument/didOpen", `{"textDocument":{"uri":"file:///b.go","languageId":"go","version":1,"text":"b"}}`)
	send("textDocument/didOpen", `{"textDocument":{"uri":"file:///c.go","languageId":"go","version":1,"text":"c"}}`)
	send("textDocument/didChange", `{"textDocument":{"uri":"file:///a.go","version":3},"contentChanges":[{"text":"two"},{"text":"three"}]}`)
	send("textDocument/didChange", `{"textDocument":{"uri":"file:///b.go","version":2},"contentChanges":[{"range":{},"text":"x"}]}`)
	send("textDocument/didClose", `{"textDocument":{"uri":"file:///c.go"}}`)
	send("textDocument/didChange", `{"textDocument":{"uri":"file:///never-opened.go","version":2},"contentChanges":[{"text":"x"}]}`)
	want := map[string]textDocument{"file:///a.go": {URI: "file:///a.go", LanguageID: "go", Version: 3, Text: "three"}}
	if fmt.Sprint(r.docs) != fmt.Sprint(want) || string(r.initialize) != `{"processId":0}` {
		t.Errorf("kept %v and initialize %s, want %v", r.docs, r.initialize, want)
	}
}

// client is an LSP client over the stand-in's socket, as GoNB's goplsclient is.
type client struct {
	conn net.Conn
	out  *sink

	mu      sync.Mutex
	next    int
	pending map[string]chan response
	notes   []response // notifications from the server
	stray   []string   // the ids of answers to no request of ours
}

// response is a message from the server: an answer, a notification or a request.
type response struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// dial connects to sock once it listens, within GoNB's limit.
func dial(t *testing.T, sock string) *client {
	t.Helper()
	deadline := time.Now().Add(connectWithin)
	for {
		conn, err := net.Dial("unix", sock)
		if err == nil {
			c := &client{conn: conn, out: &sink{w: conn}, pending: map[string]chan response{}}
			go c.read()
			t.Cleanup(func() { conn.Close() })
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %s: %v", sock, connectWithin, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// read routes the server's messages: answers to their calls, requests answered with
// null (GoNB asks for no capability that would need more), notifications kept.
func (c *client) read() {
	in := bufio.NewReader(c.conn)
	for {
		body, err := readMessage(in)
		if err != nil {
			return
		}
		var m response
		if json.Unmarshal(body, &m) != nil {
			continue
		}
		c.mu.Lock()
		switch {
		case m.Method != "" && len(m.ID) > 0:
			c.out.send(encode(m.ID, "", nil))
		case m.Method != "":
			c.notes = append(c.notes, m)
		case c.pending[string(m.ID)] != nil:
			c.pending[string(m.ID)] <- m
			delete(c.pending, string(m.ID))
		default:
			c.stray = append(c.stray, string(m.ID))
		}
		c.mu.Unlock()
	}
}

// call sends a request and waits up to limit for its answer.
func (c *client) call(method string, params any, limit time.Duration) (json.RawMessage, error) {
	c.mu.Lock()
	c.next++
	id := c.next
	answer := make(chan response, 1)
	c.pending[fmt.Sprint(id)] = answer
	c.mu.Unlock()
	if err := c.out.send(encode(id, method, params)); err != nil {
		return nil, err
	}
	select {
	case m := <-answer:
		if len(m.Error) > 0 && string(m.Error) != "null" {
			return nil, fmt.Errorf("%s: %s", method, m.Error)
		}
		return m.Result, nil
	case <-time.After(limit):
		return nil, fmt.Errorf("%s: no answer within %s", method, limit)
	}
}

// notify sends a notification.
func (c *client) notify(method string, params any) { c.out.send(encode(nil, method, params)) }

// initialize sends GoNB's initialize (no capabilities, the folder as the workspace) and
// initialized, and returns the server's serverInfo.
func (c *client) initialize(t *testing.T, dir string) string {
	t.Helper()
	params := map[string]any{"processId": 0, "capabilities": map[string]any{},
		"workspaceFolders": []map[string]string{{"uri": "file://" + dir, "name": filepath.Base(dir)}}}
	result, err := c.call("initialize", params, initializeWithin)
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ ServerInfo json.RawMessage }
	json.Unmarshal(result, &r)
	c.notify("initialized", map[string]any{})
	return string(r.ServerInfo)
}

// complete asks for completions at line and character (0-based) of uri, as GoNB does
// (within its 8 s limit), and returns their labels.
func (c *client) complete(uri string, line, char int) ([]string, error) {
	result, err := c.call("textDocument/completion", map[string]any{
		"textDocument": map[string]string{"uri": uri}, "position": map[string]int{"line": line, "character": char},
		"context": map[string]int{"triggerKind": 1}}, 8*time.Second)
	if err != nil {
		return nil, err
	}
	var list struct{ Items []struct{ Label string } }
	if err := json.Unmarshal(result, &list); err != nil && string(result) != "null" {
		return nil, fmt.Errorf("completion result %s: %w", result, err)
	}
	var labels []string
	for _, it := range list.Items {
		labels = append(labels, it.Label)
	}
	return labels, nil
}

// heard waits up to limit for a notification of method about uri.
func (c *client) heard(method, uri string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		found := slices.ContainsFunc(c.notes, func(m response) bool {
			return m.Method == method && strings.Contains(string(m.Params), `"uri":"`+uri+`"`)
		})
		c.mu.Unlock()
		if found {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// strays returns the ids of the answers that matched no request.
func (c *client) strays() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.stray)
}
