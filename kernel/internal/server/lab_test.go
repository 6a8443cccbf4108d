package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// gonbKernels counts running kernels started from this checkout's gonb binary.
func gonbKernels(t *testing.T, p *checkout.Checkout) int {
	t.Helper()
	outp, _ := exec.Command("pgrep", "-f", filepath.Join(p.BinDir(), "gonb")+" --kernel").Output()
	return len(strings.Fields(string(outp)))
}

func TestLabServesWithTokenOnLoopbackAndStopsCleanly(t *testing.T) {
	p := testkit.Checkout(t)
	j, err := install.Installed(p)
	testkit.Require(t, err)
	log := testkit.CaptureOut(t)

	// Hold a port so lab has to move to another one.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	kernelsBefore := gonbKernels(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, p, j, Options{Port: busyPort, Ready: func(u string) { ready <- u }, Log: io.Discard})
	}()

	var address string
	select {
	case address = <-ready:
	case err := <-done:
		t.Fatalf("lab stopped before it was ready: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("lab was not ready within 2 minutes")
	}
	u, err := url.Parse(address)
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("server address %s is not loopback", address)
	}
	if u.Port() == strconv.Itoa(busyPort) {
		t.Errorf("lab used the busy port %d", busyPort)
	}
	if !strings.Contains(log.String(), "port "+strconv.Itoa(busyPort)+" is busy; using "+u.Port()) {
		t.Errorf("lab did not say it moved off the busy port:\n%s", log)
	}
	token := u.Query().Get("token")
	if len(token) < 32 {
		t.Fatalf("token %q is too short", token)
	}
	base := "http://" + u.Host

	// Without the token the API refuses; with it, it answers.
	resp, err := http.Get(base + "/api/kernels")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /api/kernels without a token: %s, want 403", resp.Status)
	}

	// Start a kernel of the project's kernelspec through the API.
	req, _ := http.NewRequest("POST", base+"/api/kernels", strings.NewReader(`{"name": "`+install.KernelName+`"}`))
	req.Header.Set("Authorization", "token "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("starting a %s kernel: %s", install.KernelName, resp.Status)
	}
	deadline := time.Now().Add(30 * time.Second)
	for gonbKernels(t, p) <= kernelsBefore && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if gonbKernels(t, p) <= kernelsBefore {
		t.Fatal("no gonb kernel process appeared")
	}

	// Ctrl-C: the server stops, and its kernel with it.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("lab returned %v after Ctrl-C", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("lab did not stop within 40 s of Ctrl-C")
	}
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after lab stopped", u.Host)
	}
	deadline = time.Now().Add(10 * time.Second)
	for gonbKernels(t, p) > kernelsBefore && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if n := gonbKernels(t, p); n > kernelsBefore {
		t.Errorf("%d gonb kernels left running after lab stopped", n-kernelsBefore)
	}
}

func TestLabReportsAServerThatDiesAtStart(t *testing.T) {
	testkit.CaptureOut(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "jupyter")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := &checkout.Checkout{Root: dir}
	err := Run(context.Background(), p, &install.Jupyter{Bin: bin, App: "lab"}, Options{Port: 18888, Log: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "jupyter exited before it was ready (exit status 3)") {
		t.Fatalf("got %v", err)
	}
}

func TestServerArgsOpenTheFirstLessonInTheChosenFrontEnd(t *testing.T) {
	p := &checkout.Checkout{Root: "/checkout"}
	lab := &install.Jupyter{Bin: "jupyter", App: "lab", Lab: "4.6.6", Notebook: "7.6.5"}
	for _, c := range []struct {
		j          *install.Jupyter
		ui, app    string
		defaultURL string
	}{
		{lab, "lab", "lab", "--LabApp.default_url=/lab/tree/notebooks/00-welcome.ipynb"},
		{lab, "notebook", "notebook", "--JupyterNotebookApp.default_url=/notebooks/notebooks/00-welcome.ipynb"},
		{&install.Jupyter{Bin: "jupyter", App: "notebook", Notebook: "6.4.12"}, "lab", "notebook", "--NotebookApp.default_url=/notebooks/notebooks/00-welcome.ipynb"},
	} {
		args, err := serverArgs(p, c.j, Options{UI: c.ui, Open: "notebooks/00-welcome.ipynb", BaseURL: "/prefix/"}, 8888)
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(args, " ")
		if args[0] != c.app || !strings.Contains(joined, c.defaultURL) || !strings.Contains(joined, "--ip=127.0.0.1") ||
			!strings.Contains(joined, "base_url=/prefix/") {
			t.Errorf("--ui %s with %s: %s", c.ui, c.j.Describe(), joined)
		}
	}
	_, err := serverArgs(p, &install.Jupyter{Bin: "jupyter", App: "lab", Lab: "4.6.6"}, Options{UI: "notebook"}, 8888)
	if err == nil || !strings.Contains(err.Error(), "--ui notebook needs Notebook 7") {
		t.Errorf("--ui notebook without Notebook 7: %v", err)
	}
}
