package main

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
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func cmdLab(args []string) error {
	fs := newFlags("lab", "[--port 8888] [--no-browser]")
	port := fs.Int("port", 8888, "port to listen on; when it is busy the next free one is used")
	noBrowser := fs.Bool("no-browser", false, "print the address instead of opening a browser")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, inst, err := setupHere()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return p.lab(ctx, inst.Jupyter, labOptions{Port: *port, Browser: !*noBrowser})
}

// labOptions configures the Jupyter server that lab starts.
type labOptions struct {
	Port    int              // first port to try
	Browser bool             // let Jupyter open a browser
	Ready   func(url string) // called once the server answers; nil prints the address
	Log     io.Writer        // Jupyter's own messages; nil means stderr
}

// lab runs Jupyter (JupyterLab, or classic Notebook where Lab is absent) rooted at
// the checkout and opened at notebooks/, on 127.0.0.1 with a random token, until ctx is done; then it stops
// the server, which shuts down its kernels.
func (p *project) lab(ctx context.Context, j *jupyter, opt labOptions) error {
	port, err := freePort(opt.Port)
	if err != nil {
		return err
	}
	if port != opt.Port {
		fmt.Fprintf(out, "lab: port %d is busy; using %d\n", opt.Port, port)
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	server := "ServerApp"
	if j.App == "notebook" {
		server = "NotebookApp" // classic Notebook 6
	}
	args := []string{j.App,
		"--ip=127.0.0.1",
		"--port=" + strconv.Itoa(port),
		"--" + server + ".port_retries=0",
		// The server's root is the checkout, so it can serve kernel/assets to the charts
		// and learners can open mathx's source beside the lessons.
		"--notebook-dir=" + p.Root,
	}
	if !opt.Browser {
		args = append(args, "--no-browser")
	}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root") // Jupyter refuses root without it; CI runs as root
	}
	cmd := exec.Command(j.Bin, args...)
	cmd.Dir = p.Root // GoNB takes the server's working directory as the Jupyter root
	cmd.Env = append(os.Environ(), "JUPYTER_TOKEN="+token)
	cmd.Stdout, cmd.Stderr = opt.Log, opt.Log
	if opt.Log == nil {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	cmd.SysProcAttr = ownProcessGroup()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s %s: %w", j.Bin, j.App, err)
	}
	// exited is closed when the server process ends; waitErr is then its exit status.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitReady(ctx, base, token, exited); err != nil {
		stopServer(cmd, exited)
		if errors.Is(err, errExited) {
			return fmt.Errorf("jupyter exited before it was ready (%v); see its messages", waitErr)
		}
		return err
	}
	page := "/lab/tree/notebooks"
	if j.App == "notebook" {
		page = "/tree/notebooks"
	}
	url := base + page + "?token=" + token
	if opt.Ready != nil {
		opt.Ready(url)
	} else {
		fmt.Fprintf(out, "\nlab: the lessons are open at\n\n    %s\n\nlab: press Ctrl-C to stop the server and its kernels.\n", url)
	}

	select {
	case <-exited:
		return fmt.Errorf("jupyter %s stopped by itself: %v", j.App, waitErr)
	case <-ctx.Done():
		fmt.Fprintln(out, "lab: stopping Jupyter and its kernels ...")
		return stopServer(cmd, exited)
	}
}

// freePort returns the first port from start on that 127.0.0.1 can listen on.
func freePort(start int) (int, error) {
	for port := start; port < start+50 && port < 65536; port++ {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("ports %d to %d on 127.0.0.1 are all busy; pass --port with a free one", start, start+49)
}

// newToken returns 48 random hex digits for Jupyter's token authentication.
func newToken() (string, error) {
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
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/status", nil)
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
	signalGroup(cmd, syscall.SIGTERM)
	select {
	case <-exited:
		return nil
	case <-time.After(20 * time.Second):
		signalGroup(cmd, syscall.SIGKILL)
		<-exited
		return errors.New("jupyter did not stop within 20 s and was killed")
	}
}
