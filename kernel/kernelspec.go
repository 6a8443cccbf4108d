package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
)

// kernelName is the project's own kernelspec; a user's "gonb" kernelspec is never touched.
const kernelName = "gonb-backprop"

// kernelspec is Jupyter's kernel.json.
type kernelspec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env"`
	Metadata      map[string]string `json:"metadata"`
}

// ownerKey marks a kernelspec as written by this command, with the checkout it serves.
const ownerKey = "chainrule_backprop_checkout"

// jupyterDataDir is where Jupyter looks for user kernelspecs: $JUPYTER_DATA_DIR,
// else the platform's per-user data folder (jupyter_core's rule).
func jupyterDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the home folder for the kernelspec (set JUPYTER_DATA_DIR): %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		return filepath.Join(os.Getenv("APPDATA"), "jupyter"), nil
	}
	if xdg := os.Getenv("XDG_DATA_HOME"); xdg != "" {
		return filepath.Join(xdg, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// kernelspecFor returns the kernel.json that runs this checkout's gonb with
// -go_work pointing at the checkout, goimports, gopls and go on the kernel's PATH,
// and GoNB's log in .kernel/logs/gonb.log.
func (p *project) kernelspecFor() (*kernelspec, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("the go command is not on PATH: %w", err)
	}
	goBin, err = filepath.Abs(goBin)
	if err != nil {
		return nil, err
	}
	path := strings.Join([]string{p.binDir(), filepath.Dir(goBin), "${PATH}"}, string(os.PathListSeparator))
	return &kernelspec{
		Argv: []string{
			filepath.Join(p.binDir(), "gonb"),
			"--kernel", "{connection_file}",
			"-go_work=" + p.Root,
			// GoNB's own log goes to a file; warnings still reach Jupyter's terminal.
			"-logtostderr=false", "-stderrthreshold=WARNING",
			"-log_file=" + filepath.Join(p.logDir(), "gonb.log"),
		},
		DisplayName:   "Go (backprop lessons)",
		Language:      "go",
		InterruptMode: "message",
		Env: map[string]string{
			"PATH":              path,
			display.CheckoutEnv: p.Root, // charts load ECharts from the checkout
			// GoNB compiles cells in a folder under TMPDIR, after `go work init` there;
			// a go.work left in /tmp by anything else would make that fail.
			"TMPDIR": p.tmpDir(),
			// GoNB runs `go get` before every cell. Online, that asks the module proxy
			// about this module's dependencies each time (a quarter second per cell);
			// offline it fails. Setup fills the module cache, so cells resolve from it.
			"GOPROXY": "off",
		},
		Metadata: map[string]string{ownerKey: p.Root},
	}, nil
}

// installKernelspec writes <dataDir>/kernels/gonb-backprop/kernel.json unless it is
// already what it should be. A kernelspec of that name that this command did not write
// is left alone and reported.
func (p *project) installKernelspec(dataDir string) (string, error) {
	const what = "kernelspec " + kernelName
	spec, err := p.kernelspecFor()
	if err != nil {
		return "", err
	}
	// The kernel's TMPDIR and log folder are made every time: a new clone at the path
	// of an old one finds the kernelspec up to date, and GoNB dies without them.
	for _, d := range []string{p.tmpDir(), p.logDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(dataDir, "kernels", kernelName)
	wrote, was, err := writeKernelspec(filepath.Join(dataDir, "kernels"), spec)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w (or set JUPYTER_DATA_DIR to use another folder)", err)
	case !wrote:
		status(what, "up to date")
	case was != "" && was != p.Root:
		// The kernelspec's name is fixed (the lessons name it), so one checkout is served at a time.
		status(what, "installed in "+dir+" (it served the checkout "+was+" before)")
	default:
		status(what, "installed in "+dir)
	}
	return dir, nil
}

// writeKernelspec writes gonb-backprop/kernel.json under dir unless it already holds
// spec; a kernelspec of that name not written by this project is left alone and
// reported. It says whether it wrote, and which checkout the kernelspec it replaced
// served ("" when there was none).
func writeKernelspec(dir string, spec *kernelspec) (wrote bool, was string, err error) {
	want, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return false, "", err
	}
	want = append(want, '\n')
	file := filepath.Join(dir, kernelName, "kernel.json")
	old, err := os.ReadFile(file)
	switch {
	case err == nil && bytes.Equal(old, want):
		return false, "", nil
	case err == nil:
		if was = specOwner(old); was == "" {
			return false, "", fmt.Errorf("%s exists and was not written by this project; it is left as it is.\n"+
				"Move it away and run the command again", file)
		}
	case !errors.Is(err, os.ErrNotExist):
		return false, "", err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return false, "", err
	}
	return true, was, os.WriteFile(file, want, 0o644)
}

// specOwner returns the checkout that a kernel.json written by this project serves, or
// "" when raw is not one.
func specOwner(raw []byte) string {
	var spec kernelspec
	if json.Unmarshal(raw, &spec) != nil {
		return ""
	}
	return spec.Metadata[ownerKey]
}
