package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// KernelName is the project's own kernelspec; a user's "gonb" kernelspec is never touched.
const KernelName = "gonb-backprop"

// DisplayName is how Jupyter lists the kernel.
const DisplayName = "Go (backprop lessons)"

// Kernelspec is Jupyter's kernel.json.
type Kernelspec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env"`
	Metadata      map[string]string `json:"metadata"`
}

// OwnerKey marks a kernelspec as written by this command, with the checkout it serves.
const OwnerKey = "chainrule_backprop_checkout"

// DataDir is where Jupyter looks for user kernelspecs: $JUPYTER_DATA_DIR,
// else the platform's per-user data folder (jupyter_core's rule).
func DataDir() (string, error) {
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

// cellGoFlags are the go flags of every cell's build: -s -w leave out the symbol table
// and DWARF, which no cell uses (a panic still names its file and line, from the
// binary's line table), and which cost a chart cell's link about 70 ms of its 0.3 s.
const cellGoFlags = "'-ldflags=-s -w'"

// NewKernelspec returns a kernel.json of this project: argv starts the kernel; its PATH
// is before (which holds kernelgo, as go), then the folder of the real go command, which
// RealGoEnv names, then after; env adds to GOPROXY=off, with which cells resolve their
// imports from the module cache that setup fills (online, GoNB's `go get` before every
// cell would ask the module proxy each time, a quarter second per cell; offline it
// fails), and to GOFLAGS=cellGoFlags; owner is the checkout the kernelspec serves.
func NewKernelspec(argv, before, after []string, env map[string]string, owner string) (*Kernelspec, error) {
	goBin, err := realGo()
	if err != nil {
		return nil, err
	}
	path := append(append(slices.Clone(before), filepath.Dir(goBin)), after...)
	spec := &Kernelspec{
		Argv:          argv,
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env: map[string]string{"PATH": strings.Join(path, string(os.PathListSeparator)),
			"GOPROXY": "off", "GOFLAGS": cellGoFlags, RealGoEnv: goBin},
		Metadata: map[string]string{OwnerKey: owner},
	}
	maps.Copy(spec.Env, env)
	return spec, nil
}

// KernelspecFile is where the lessons' kernel.json is under the Jupyter data folder dataDir.
func KernelspecFile(dataDir string) string {
	return filepath.Join(dataDir, "kernels", KernelName, "kernel.json")
}

// realGo returns the absolute path of the go command on PATH.
func realGo() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is not on PATH: %w", err)
	}
	return filepath.Abs(goBin)
}

// kernelspecFor returns the kernel.json that runs this checkout's gonb with
// -go_work pointing at the checkout, goimports, gopls and kernelgo (as go, in front of
// the real go, which RealGoEnv names) on the kernel's PATH, and GoNB's log in
// .kernel/logs/gonb.log.
func kernelspecFor(p *checkout.Checkout) (*Kernelspec, error) {
	argv := []string{
		filepath.Join(p.BinDir(), "gonb"),
		"--kernel", "{connection_file}",
		"-go_work=" + p.Root,
		// GoNB's own log goes to a file; warnings still reach Jupyter's terminal.
		"-logtostderr=false", "-stderrthreshold=WARNING",
		"-log_file=" + filepath.Join(p.LogDir(), "gonb.log"),
	}
	return NewKernelspec(argv, []string{p.BinDir()}, []string{"${PATH}"}, map[string]string{
		display.CheckoutEnv: p.Root, // charts load ECharts from the checkout
		// GoNB compiles cells in a folder under TMPDIR, after `go work init` there;
		// a go.work left in /tmp by anything else would make that fail.
		"TMPDIR": p.TmpDir(),
	}, p.Root)
}

// InstallKernelspec writes <dataDir>/kernels/gonb-backprop/kernel.json unless it is
// already what it should be. A kernelspec of that name that this command did not write
// is left alone and reported.
func InstallKernelspec(p *checkout.Checkout, dataDir string) (string, error) {
	const what = "kernelspec " + KernelName
	spec, err := kernelspecFor(p)
	if err != nil {
		return "", err
	}
	// The kernel's TMPDIR and log folder are made every time: a new clone at the path
	// of an old one finds the kernelspec up to date, and GoNB dies without them.
	for _, d := range []string{p.TmpDir(), p.LogDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(dataDir, "kernels", KernelName)
	wrote, was, err := WriteKernelspec(filepath.Join(dataDir, "kernels"), spec)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w (or set JUPYTER_DATA_DIR to use another folder)", err)
	case !wrote:
		checkout.Status(what, "up to date")
	case was != "" && was != p.Root:
		// The kernelspec's name is fixed (the lessons name it), so one checkout is served at a time.
		checkout.Status(what, "installed in "+dir+" (it served the checkout "+was+" before)")
	default:
		checkout.Status(what, "installed in "+dir)
	}
	return dir, nil
}

// WriteKernelspec writes gonb-backprop/kernel.json under dir unless it already holds
// spec; a kernelspec of that name not written by this project is left alone and
// reported. It says whether it wrote, and which checkout the kernelspec it replaced
// served ("" when there was none).
func WriteKernelspec(dir string, spec *Kernelspec) (wrote bool, was string, err error) {
	want, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return false, "", err
	}
	want = append(want, '\n')
	file := filepath.Join(dir, KernelName, "kernel.json")
	old, err := os.ReadFile(file)
	switch {
	case err == nil && bytes.Equal(old, want):
		return false, "", nil
	case err == nil:
		if was = SpecOwner(old); was == "" {
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

// SpecOwner returns the checkout that a kernel.json written by this project serves, or
// "" when raw is not one.
func SpecOwner(raw []byte) string {
	var spec Kernelspec
	if json.Unmarshal(raw, &spec) != nil {
		return ""
	}
	return spec.Metadata[OwnerKey]
}
