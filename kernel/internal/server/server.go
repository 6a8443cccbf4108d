// Package server starts Jupyter for the lessons: JupyterLab, Notebook 7 or classic Notebook,
// rooted at the checkout, on loopback with a fresh token. It stands on install (which Jupyter)
// and procs (its process group); the lab verb, the browser checks and the hub use it.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
)

// Options configures the Jupyter server that lab starts.
type Options struct {
	Port    int              // first port to try
	Browser bool             // let Jupyter open a browser
	UI      string           // "lab" (the default) or "notebook" (Notebook 7)
	Open    string           // the path, under the checkout, of the page the address opens
	BaseURL string           // the server's URL prefix, e.g. "/prefix/"; "" is "/"
	Env     []string         // more environment for the server, e.g. a settings folder
	Args    []string         // more command-line options for the server
	Ready   func(url string) // called once the server answers; nil prints the address
	Log     io.Writer        // Jupyter's own messages; nil means stderr
}

// PageFor returns the path, under the server's base URL, at which ui shows path:
// a notebook in JupyterLab, Notebook 7 or classic Notebook, or a folder's listing.
func PageFor(j *install.Jupyter, ui, path string) string {
	nb := strings.HasSuffix(path, ".ipynb")
	switch {
	case j.App == "lab" && ui != "notebook":
		return "lab/tree/" + path
	case nb:
		return "notebooks/" + path
	}
	return "tree/" + path
}

// serverArgs are the options of the Jupyter command that serves ui from the checkout.
func serverArgs(p *checkout.Checkout, j *install.Jupyter, opt Options, port int) ([]string, error) {
	app, server := j.App, "ServerApp"
	switch {
	case j.App == "notebook":
		server = "NotebookApp" // classic Notebook 6
	case opt.UI == "notebook" && !j.Notebook7():
		return nil, fmt.Errorf("--ui notebook needs Notebook 7, which is not installed beside %s (%s)", j.Bin, j.Describe())
	case opt.UI == "notebook":
		app = "notebook"
	}
	args := []string{app,
		"--ip=127.0.0.1",
		"--port=" + strconv.Itoa(port),
		"--" + server + ".port_retries=0",
		// The server's root is the checkout, so it can serve kernel/assets to the charts
		// and learners can open mathx's source beside the lessons.
		"--notebook-dir=" + p.Root,
	}
	if opt.BaseURL != "" {
		args = append(args, "--"+server+".base_url="+opt.BaseURL)
	}
	if opt.Open != "" {
		defaultApp := map[string]string{"lab": "LabApp", "notebook": "JupyterNotebookApp"}[app]
		if server == "NotebookApp" {
			defaultApp = "NotebookApp"
		}
		args = append(args, "--"+defaultApp+".default_url=/"+PageFor(j, opt.UI, opt.Open))
	}
	if !opt.Browser {
		args = append(args, "--no-browser")
	}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root") // Jupyter refuses root without it; CI runs as root
	}
	return append(args, opt.Args...), nil
}

// Run runs Jupyter (JupyterLab or Notebook 7, or classic Notebook where Lab is absent)
// rooted at the checkout, on 127.0.0.1 with a random token, until ctx is done; then it
// stops the server, which shuts down its kernels.
func Run(ctx context.Context, p *checkout.Checkout, j *install.Jupyter, opt Options) error {
	port, err := FreePort(opt.Port)
	if err != nil {
		return err
	}
	if port != opt.Port {
		checkout.Printf("lab: port %d is busy; using %d\n", opt.Port, port)
	}
	token, err := NewToken()
	if err != nil {
		return err
	}
	args, err := serverArgs(p, j, opt, port)
	if err != nil {
		return err
	}
	cmd := exec.Command(j.Bin, args...)
	cmd.Dir = p.Root // GoNB takes the server's working directory as the Jupyter root
	cmd.Env = append(append(os.Environ(), "JUPYTER_TOKEN="+token), opt.Env...)
	cmd.Stdout, cmd.Stderr = opt.Log, opt.Log
	if opt.Log == nil {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	cmd.SysProcAttr = procs.OwnGroup()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s %s: %w", j.Bin, args[0], err)
	}
	defer install.ReapKernels(p)
	// exited is closed when the server process ends; waitErr is then its exit status.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()

	base := fmt.Sprintf("http://127.0.0.1:%d/%s", port, strings.Trim(opt.BaseURL, "/"))
	base = strings.TrimSuffix(base, "/") + "/"
	if err := waitReady(ctx, base, token, exited); err != nil {
		stopServer(cmd, exited)
		if errors.Is(err, errExited) {
			return fmt.Errorf("jupyter exited before it was ready (%v); see its messages", waitErr)
		}
		return err
	}
	url := base + PageFor(j, opt.UI, opt.Open) + "?token=" + token
	if opt.Ready != nil {
		opt.Ready(url)
	} else {
		checkout.Printf("\nlab: the lessons are open at\n\n    %s\n\nlab: press Ctrl-C to stop the server and its kernels.\n", url)
	}

	select {
	case <-exited:
		return fmt.Errorf("jupyter %s stopped by itself: %v", args[0], waitErr)
	case <-ctx.Done():
		checkout.Printf("lab: stopping Jupyter and its kernels ...\n")
		return stopServer(cmd, exited)
	}
}

// FreePort returns the first port from start on that 127.0.0.1 can listen on.
func FreePort(start int) (int, error) {
	for port := start; port < start+50 && port < 65536; port++ {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("ports %d to %d on 127.0.0.1 are all busy; pass --port with a free one", start, start+49)
}

// NewToken returns 48 random hex digits for Jupyter's token authentication.
func NewToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// errExited says the server process ended while waitReady was polling it.
var errExited = errors.New("jupyter exited")

// waitReady polls the server's status API until it answers, the server exits, or ctx ends.
func waitReady(ctx context.Context, base, token string, exited <-chan struct{}) error {
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"api/status", nil)
		req.Header.Set("Authorization", "token "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return errors.New("jupyter did not answer on " + base + " within 90 s")
}

// stopServer asks Jupyter to shut down (SIGTERM: it stops its kernels first), and
// kills its process group if it has not exited within 20 s.
func stopServer(cmd *exec.Cmd, exited <-chan struct{}) error {
	procs.SignalGroup(cmd, syscall.SIGTERM)
	select {
	case <-exited:
		return nil
	case <-time.After(20 * time.Second):
		procs.SignalGroup(cmd, syscall.SIGKILL)
		<-exited
		return errors.New("jupyter did not stop within 20 s and was killed")
	}
}

// FreePorts returns n distinct ports that the IPv4 address ip ("127.0.0.1", or
// "0.0.0.0" for every address of this machine) can listen on now: ports the system
// has just handed out as free.
func FreePorts(ip string, n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp4", net.JoinHostPort(ip, "0"))
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Serve runs a Jupyter server with opt until use, given its address, returns.
func Serve(p *checkout.Checkout, j *install.Jupyter, opt Options, logPath string, use func(address string) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	opt.Ready = func(u string) { ready <- u }
	go func() { done <- Run(ctx, p, j, opt) }()
	var address string
	select {
	case address = <-ready:
	case err := <-done:
		return fmt.Errorf("jupyter did not start: %v; last lines of %s:\n%s", err, logPath, checkout.Tail(logPath, 10))
	}
	err := use(address)
	cancel()
	if stopErr := <-done; err == nil {
		err = stopErr
	}
	return err
}
