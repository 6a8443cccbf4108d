package display

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A chart's picture: every chart output carries an SVG of itself, drawn by ECharts'
// own server-side rendering, so that it shows where the chart's script cannot run or
// cannot load ECharts (VS Code, nbviewer, GitHub, untrusted outputs, print).
//
// Loading ECharts into a JavaScript engine costs about half a second, far more than a
// cell may spend, so a warm renderer does it once: a Node process running chartsvg.js,
// listening on a Unix socket, that lives as long as the process it was started for
// (`kernel lab`, `check`, `export`, a student's kernel; or, started by a cell that
// found none, the kernel that ran the cell). A cell asks it over the socket and waits
// at most RenderTimeout; without an answer the chart is shown as before, without its
// picture, and one line goes to the renderer's log.

//go:embed chartsvg.js
var rendererJS string

// RendererSocketEnv names the environment variable that, when set, is the renderer's
// Unix socket; otherwise it is RendererSocketName in the temporary folder, which the
// kernelspecs set per checkout ($TMPDIR = .kernel/tmp) and per student.
const RendererSocketEnv = "BACKPROP_CHART_RENDERER"

// RendererSocketName is the renderer's socket in the temporary folder.
const RendererSocketName = "backprop-charts.sock"

// EChartsFileEnv names the environment variable that, when set, is the ECharts bundle
// the renderer loads (the classroom's shared copy); otherwise it is EChartsAsset in
// the checkout named by $BACKPROP_CHECKOUT.
const EChartsFileEnv = "BACKPROP_ECHARTS_FILE"

// RenderTimeout is the longest a chart waits for its picture.
const RenderTimeout = 800 * time.Millisecond

// ErrNoRenderer is returned when no renderer answers on the socket.
var ErrNoRenderer = errors.New("no chart renderer is running")

// RendererSocket returns the socket a cell asks for pictures.
func RendererSocket() string {
	if s := os.Getenv(RendererSocketEnv); s != "" {
		return s
	}
	return filepath.Join(os.TempDir(), RendererSocketName)
}

// RendererLog returns the file where the renderer and the cells that ask it log.
func RendererLog(socket string) string {
	return strings.TrimSuffix(socket, ".sock") + ".log"
}

// EChartsFile returns the ECharts bundle the renderer loads, or an error naming why
// there is none.
func EChartsFile() (string, error) {
	f := os.Getenv(EChartsFileEnv)
	if f == "" {
		checkout := os.Getenv(CheckoutEnv)
		if checkout == "" {
			return "", fmt.Errorf("neither $%s nor $%s is set, so ECharts cannot be found", EChartsFileEnv, CheckoutEnv)
		}
		f = filepath.Join(checkout, filepath.FromSlash(EChartsAsset))
	}
	if _, err := os.Stat(f); err != nil {
		return "", fmt.Errorf("ECharts is not installed at %s; run `go run ./kernel setup`", f)
	}
	return f, nil
}

// Picture is a chart drawn by the renderer.
type Picture struct {
	SVG      string
	Duration time.Duration // the renderer's own time for this chart
}

// Render asks the renderer on socket for the chart's picture, waiting at most timeout.
// It returns ErrNoRenderer (wrapped) when nothing listens on the socket.
func (c *Chart) Render(socket string, timeout time.Duration) (*Picture, error) {
	if c.Err != nil {
		return nil, c.Err
	}
	req, err := json.Marshal(map[string]any{"option": c.Option, "width": c.Width, "height": c.Height})
	if err != nil {
		return nil, fmt.Errorf("chart %q: option cannot be encoded: %w", c.Title, err)
	}
	raw, err := exchange(socket, req, timeout)
	if err != nil {
		return nil, err
	}
	head, body, _ := strings.Cut(string(raw), "\n")
	status, ms, _ := strings.Cut(head, " ")
	if status != "ok" {
		return nil, fmt.Errorf("the chart renderer could not draw %q: %s", c.Title, body)
	}
	if !strings.HasPrefix(body, "<svg") {
		return nil, fmt.Errorf("the chart renderer answered with something that is not SVG: %.40q", body)
	}
	took, _ := strconv.ParseFloat(ms, 64)
	return &Picture{SVG: body, Duration: time.Duration(took * float64(time.Millisecond))}, nil
}

// picture returns the chart's picture for the cell, or "" when there is none. A
// missing renderer is started for the kernel that runs this cell (the next chart has
// its picture); any failure is logged, never shown: the chart still draws without it.
func (c *Chart) picture() string {
	socket := RendererSocket()
	p, err := c.Render(socket, RenderTimeout)
	if err == nil {
		return p.SVG
	}
	if errors.Is(err, ErrNoRenderer) {
		if p, serr := startForKernel(socket); serr != nil {
			err = fmt.Errorf("%w; starting one: %v", err, serr)
		} else {
			p.Release()
			err = fmt.Errorf("%w; started one for the next chart", err)
		}
	}
	logLine(socket, fmt.Sprintf("cell %d: chart %q has no picture: %v", os.Getpid(), c.Title, err))
	return ""
}

// startForKernel starts a renderer for the kernel that runs this cell (its parent),
// detached from the cell, which ends before it.
func startForKernel(socket string) (*os.Process, error) {
	bundle, err := EChartsFile()
	if err != nil {
		return nil, err
	}
	return StartRenderer(socket, bundle, os.Getppid(), true)
}

// logLine appends one line to the renderer's log; a log that cannot be written is no
// reason to trouble the cell.
func logLine(socket, line string) {
	f, err := os.OpenFile(RendererLog(socket), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	fmt.Fprintf(f, "%s %s\n", time.Now().Format(time.RFC3339), line)
	f.Close()
}

// StartRenderer starts a renderer of the ECharts bundle (see EChartsFile) on socket
// that lives until the process watch ends,
// unless one already answers there (then the new one leaves at once). It does not wait
// for it to be ready: see WaitRenderer. Detached, it runs in a session of its own (a
// cell's process group is ended with the cell); otherwise it stays in the caller's
// session and process group, and ends with them. Node must be on PATH. The caller
// may wait for the process or Release it.
func StartRenderer(socket, bundle string, watch int, detached bool) (*os.Process, error) {
	if _, err := os.Stat(bundle); err != nil {
		return nil, fmt.Errorf("the chart renderer needs ECharts at %s; run `go run ./kernel setup`", bundle)
	}
	node, err := findNode()
	if err != nil {
		return nil, err
	}
	log, err := os.OpenFile(RendererLog(socket), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("the chart renderer's log: %w", err)
	}
	defer log.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	args := []string{node, "-e", rendererJS, socket, bundle, strconv.Itoa(watch)}
	p, err := os.StartProcess(node, args, &os.ProcAttr{Dir: filepath.Dir(socket), Files: []*os.File{devnull, log, log}, Sys: sysAttr(detached)})
	if err != nil {
		return nil, fmt.Errorf("starting the chart renderer (%s): %w", node, err)
	}
	return p, nil
}

// WaitRenderer waits until a renderer answers on socket, at most limit.
func WaitRenderer(socket string, limit time.Duration) error {
	probe := &Chart{Title: "probe", Width: 10, Height: 10, Option: map[string]any{}}
	deadline := time.Now().Add(limit)
	for {
		_, err := probe.Render(socket, time.Until(deadline))
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrNoRenderer) || time.Now().After(deadline) {
			return fmt.Errorf("the chart renderer on %s did not answer within %v (its log: %s): %w", socket, limit, RendererLog(socket), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// findNode looks for the node command on PATH.
func findNode() (string, error) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		f := filepath.Join(dir, "node")
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return f, nil
		}
	}
	return "", errors.New("node is not on PATH (the chart renderer runs in Node.js)")
}

// plainText is the chart's text/plain form, for terminals and diffs: its title and
// the names of its series.
func (c *Chart) plainText(option []byte) string {
	var o struct {
		Series []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"series"`
	}
	json.Unmarshal(option, &o)
	var series []string
	for _, s := range o.Series {
		name := s.Name
		if name == "" {
			name = "(unnamed)"
		}
		series = append(series, name+" ("+s.Type+")")
	}
	if len(series) == 0 {
		return "[chart] " + c.shownTitle(option)
	}
	return "[chart] " + c.shownTitle(option) + " — series: " + strings.Join(series, ", ")
}

// shownTitle is the title the chart draws (its option's first title's text), else its Title.
func (c *Chart) shownTitle(option []byte) string {
	type title struct {
		Text string `json:"text"`
	}
	var o struct {
		Title json.RawMessage `json:"title"`
	}
	json.Unmarshal(option, &o)
	var titles []title
	if json.Unmarshal(o.Title, &titles) != nil {
		var one title
		json.Unmarshal(o.Title, &one)
		titles = []title{one}
	}
	if len(titles) > 0 && titles[0].Text != "" {
		return titles[0].Text
	}
	return c.Title
}
