package install

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// PipPins are what setup installs with pip into .kernel/venv: both front ends
// (JupyterLab 4 and Notebook 7, served by one Jupyter server) and the nbclient and
// nbconvert that check and export run notebooks with.
var PipPins = []string{"jupyterlab==4.6.6", "notebook==7.6.5", "nbclient==0.11.0", "nbconvert==7.17.2"}

// debianPackages are what setup installs with apt-get where pip cannot reach the index.
var debianPackages = []string{"jupyter-notebook", "jupyter-nbconvert", "python3-nbclient"}

// debianJupyter is where Debian's jupyter-notebook package puts jupyter, which a pyenv
// or venv earlier on PATH can hide; setup looks there too.
var debianJupyter = "/usr/bin/jupyter"

// pipUnreachableFor is how long setup trusts a failed pip install before trying the
// index again, when a classic Notebook is there to fall back on.
const pipUnreachableFor = 24 * time.Hour

// Jupyter is a usable Jupyter installation.
type Jupyter struct {
	Bin      string // the jupyter command
	Python   string // the interpreter running it, which can import nbclient
	App      string // "lab", or "notebook" where JupyterLab is not installed
	Lab      string // JupyterLab's version, "" when it is not installed
	Notebook string // the notebook package's version: 7.x is Notebook 7, 6.x classic Notebook
}

// Notebook7 says whether this server also serves the Notebook 7 front end.
func (j *Jupyter) Notebook7() bool { return j.Lab != "" && strings.HasPrefix(j.Notebook, "7.") }

// Describe names the front end, e.g. "JupyterLab 4.6.6 and Notebook 7.6.5".
func (j *Jupyter) Describe() string {
	switch {
	case j.Notebook7():
		return "JupyterLab " + j.Lab + " and Notebook " + j.Notebook
	case j.Lab != "":
		return "JupyterLab " + j.Lab
	}
	return "classic Notebook " + j.Notebook
}

// Options says which installers setup may use when no Jupyter is found.
type Options struct {
	pip bool // create .kernel/venv and pip install pipPins
	apt bool // apt-get install Debian's Jupyter packages (needs root)
}

// FindJupyter looks for Jupyter without installing anything: the project's venv when
// its install is complete, then a jupyter on PATH that has JupyterLab. A jupyter with
// classic Notebook only is returned as classic, for the fallback. Each candidate costs
// a Python start (about a second), so once it has a JupyterLab it looks further only
// when wantClassic.
func FindJupyter(p *checkout.Checkout, wantClassic bool) (lab, classic *Jupyter, reasons []string) {
	candidates := []string{}
	seen := map[string]bool{}
	if why := venvProblem(p); why == "" {
		lab = pinnedJupyter(p)
		seen[lab.Bin] = true
	} else if checkout.Exists(p.VenvDir()) {
		reasons = append(reasons, why)
	}
	if bin, err := exec.LookPath("jupyter"); err == nil {
		candidates = append(candidates, bin)
	}
	candidates = append(candidates, debianJupyter)
	for _, bin := range candidates {
		if lab != nil && (classic != nil || !wantClassic) {
			break
		}
		if seen[bin] || !checkout.Exists(bin) {
			continue
		}
		seen[bin] = true
		j, err := inspectJupyter(bin)
		switch {
		case err != nil:
			reasons = append(reasons, err.Error())
		case j.Lab != "" && lab == nil:
			lab = j
		case j.Lab == "" && classic == nil:
			classic = j
		}
	}
	return lab, classic, reasons
}

// pinnedJupyter is the venv's Jupyter as its stamp records it: pip installed exactly
// pipPins there, so reading the versions needs no Python start.
func pinnedJupyter(p *checkout.Checkout) *Jupyter {
	j := &Jupyter{Bin: venvJupyter(p), Python: shebangPython(venvJupyter(p)), App: "lab"}
	for _, pin := range PipPins {
		name, version, _ := strings.Cut(pin, "==")
		switch name {
		case "jupyterlab":
			j.Lab = version
		case "notebook":
			j.Notebook = version
		}
	}
	return j
}

func venvJupyter(p *checkout.Checkout) string { return filepath.Join(p.VenvDir(), "bin", "jupyter") }
func venvStamp(p *checkout.Checkout) string   { return filepath.Join(p.VenvDir(), ".chainrule-pins") }

// venvProblem says what is wrong with .kernel/venv, or "" when pip finished
// installing pipPins into it. A venv without the stamp is half-built (pip was
// interrupted or failed) or holds other versions.
func venvProblem(p *checkout.Checkout) string {
	if !checkout.Exists(p.VenvDir()) {
		return "no venv at " + p.VenvDir()
	}
	stamp, err := os.ReadFile(venvStamp(p))
	if err != nil {
		return p.VenvDir() + " is half-built (pip did not finish)"
	}
	if string(stamp) != strings.Join(PipPins, "\n") {
		return p.VenvDir() + " holds other versions than " + strings.Join(PipPins, " ")
	}
	if !checkout.Exists(venvJupyter(p)) || !checkout.Exists(filepath.Join(p.VenvDir(), "bin", "python")) {
		return p.VenvDir() + " is broken (its jupyter or python is missing)"
	}
	return ""
}

// versionProbe prints the versions of JupyterLab and notebook ("" when absent) and
// fails unless nbclient, which check runs notebooks with, can be imported.
const versionProbe = `import importlib, json
import nbclient, nbformat, jupyter_client
v = {}
for m in ("jupyterlab", "notebook"):
    try:
        v[m] = importlib.import_module(m).__version__
    except Exception:
        v[m] = ""
print(json.dumps(v))`

// inspectJupyter checks that bin has a lab or notebook command beside it and that its
// Python can import nbclient, and reads the versions of its front ends.
func inspectJupyter(bin string) (*Jupyter, error) {
	dir := filepath.Dir(bin)
	if !checkout.Exists(filepath.Join(dir, "jupyter-lab")) && !checkout.Exists(filepath.Join(dir, "jupyter-notebook")) {
		return nil, fmt.Errorf("%s has neither lab nor notebook installed", bin)
	}
	j := &Jupyter{Bin: bin, Python: shebangPython(bin)}
	msg, err := exec.Command(j.Python, "-c", versionProbe).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s: its Python (%s) cannot import nbclient: %s", bin, j.Python, checkout.LastLine(string(msg)))
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(checkout.LastLine(string(msg))), &v); err != nil {
		return nil, fmt.Errorf("%s: cannot read its versions: %s", bin, strings.TrimSpace(string(msg)))
	}
	j.Lab, j.Notebook = v["jupyterlab"], v["notebook"]
	switch {
	case j.Lab != "" && checkout.Exists(filepath.Join(dir, "jupyter-lab")):
		j.App = "lab"
	case j.Notebook != "" && checkout.Exists(filepath.Join(dir, "jupyter-notebook")):
		j.App, j.Lab = "notebook", ""
	default:
		return nil, fmt.Errorf("%s has neither lab nor notebook installed", bin)
	}
	return j, nil
}

// shebangPython returns the interpreter named on the script's #! line, or python3.
func shebangPython(script string) string {
	f, err := os.Open(script)
	if err != nil {
		return "python3"
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if !strings.HasPrefix(line, "#!") || len(fields) == 0 {
		return "python3"
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return fields[1]
	}
	if strings.Contains(filepath.Base(fields[0]), "python") {
		return fields[0]
	}
	return "python3"
}

// EnsureJupyter finds Jupyter, or installs it: JupyterLab and Notebook 7 in a project
// venv where pip reaches the index; else classic Notebook, already installed or from
// Debian's packages when running as root. When nothing works it stops with the
// commands the user must run.
func EnsureJupyter(p *checkout.Checkout, opt Options) (*Jupyter, error) {
	const what = "Jupyter"
	lab, classic, reasons := FindJupyter(p, false)
	if lab != nil {
		checkout.Status(what, fmt.Sprintf("%s (%s)", lab.Bin, lab.Describe()))
		return lab, nil
	}
	tried := reasons
	if opt.pip && !pipRecentlyFailed(p, classic != nil) {
		if err := pipInstall(p); err != nil {
			tried = append(tried, err.Error())
		} else if lab, _, reasons := FindJupyter(p, false); lab != nil {
			checkout.Status(what, "installed "+lab.Describe()+" in "+p.VenvDir())
			return lab, nil
		} else {
			tried = append(tried, reasons...)
		}
	}
	if classic == nil && opt.apt {
		if err := aptInstall(p); err != nil {
			tried = append(tried, err.Error())
		}
		_, classic, _ = FindJupyter(p, true)
	}
	if classic != nil {
		checkout.Status(what, fmt.Sprintf("%s (%s: the fallback, as pip could not install JupyterLab)", classic.Bin, classic.Describe()))
		return classic, nil
	}
	msg := "Jupyter was not found and could not be installed.\n"
	for _, t := range tried {
		msg += "  - " + checkout.FirstLine(t) + "\n"
	}
	msg += "Install it with one of these, then run the command again:\n" +
		"  python3 -m pip install --user " + strings.Join(PipPins, " ") + "\n" +
		"  sudo apt-get install -y " + strings.Join(debianPackages, " ") + "    (Debian or Ubuntu)\n"
	return nil, fmt.Errorf("%s", msg)
}

// pipUnreachable marks that pip could not install from the index, and when.
func pipUnreachable(p *checkout.Checkout) string {
	return filepath.Join(p.StateDir(), "pip-unreachable")
}

// pipRecentlyFailed says whether to skip pip: it failed within pipUnreachableFor and
// a classic Notebook is there instead, so setup stays fast on machines without the index.
func pipRecentlyFailed(p *checkout.Checkout, haveClassic bool) bool {
	info, err := os.Stat(pipUnreachable(p))
	if !haveClassic || err != nil || time.Since(info.ModTime()) > pipUnreachableFor {
		return false
	}
	checkout.Status("Jupyter", "not trying pip: it could not reach the index "+info.ModTime().Format(time.RFC822)+
		" (delete "+pipUnreachable(p)+" to try again)")
	return true
}

// pipInstall (re)creates .kernel/venv and installs pipPins into it. A venv that is
// half-built or broken is removed first; one whose install fails is removed too, so
// it is never mistaken for a working one. The stamp is written last.
func pipInstall(p *checkout.Checkout) error {
	python, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("pip: no python3 on PATH")
	}
	if checkout.Exists(p.VenvDir()) {
		checkout.Status("Jupyter", "rebuilding: "+venvProblem(p))
		if err := os.RemoveAll(p.VenvDir()); err != nil {
			return fmt.Errorf("pip: cannot remove the broken venv: %w", err)
		}
	}
	checkout.Status("Jupyter", "not found; pip install "+strings.Join(PipPins, " ")+" into "+p.VenvDir()+" (about a minute)...")
	venv, pip := venvCommands(python, p.VenvDir())
	if err := p.RunLogged("python venv", venv); err != nil {
		os.RemoveAll(p.VenvDir())
		return fmt.Errorf("pip: %w", err)
	}
	pip.Args = append(append(pip.Args, "install", "--disable-pip-version-check", "--timeout", "30", "--retries", "1"), PipPins...)
	if err := p.RunLogged("pip install jupyter", pip); err != nil {
		os.RemoveAll(p.VenvDir())
		os.WriteFile(pipUnreachable(p), []byte(err.Error()), 0o644)
		return fmt.Errorf("pip could not install %s (is the Python package index reachable?); log in %s",
			strings.Join(PipPins, " "), p.LogDir())
	}
	os.Remove(pipUnreachable(p))
	return os.WriteFile(venvStamp(p), []byte(strings.Join(PipPins, "\n")), 0o644)
}

// venvCommands returns the command that creates the venv at dir and the pip that
// installs into it. Where python's own pip can install into another interpreter
// (--python, pip 22.3 and newer), the venv is made without pip: putting pip into it
// took 5 s on a quiet machine and 13 s beside the Go builds. Elsewhere the venv's own
// pip does it.
func venvCommands(python, dir string) (venv, pip *exec.Cmd) {
	probe := "import sys, pip; sys.exit(tuple(map(int, pip.__version__.split('.')[:2])) < (22, 3))"
	if exec.Command(python, "-c", probe).Run() == nil {
		return exec.Command(python, "-m", "venv", "--without-pip", dir),
			exec.Command(python, "-m", "pip", "--python", filepath.Join(dir, "bin", "python"))
	}
	return exec.Command(python, "-m", "venv", dir), exec.Command(filepath.Join(dir, "bin", "pip"))
}

// aptInstall installs Debian's Jupyter packages; it needs root and apt-get.
func aptInstall(p *checkout.Checkout) error {
	return AptGet(p, "Jupyter", "about 2 minutes", debianPackages...)
}

// AptGet installs Debian packages with apt-get, reporting progress under what.
func AptGet(p *checkout.Checkout, what, howLong string, packages ...string) error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("apt-get: not available on this system")
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("apt-get: installing %s needs root", strings.Join(packages, " "))
	}
	checkout.Status(what, "installing Debian packages "+strings.Join(packages, " ")+" ("+howLong+")...")
	start := time.Now()
	if err := p.RunLogged("apt-get update", exec.Command("apt-get", "update")); err != nil {
		return err
	}
	cmd := exec.Command("apt-get", append([]string{"install", "-y"}, packages...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if err := p.RunLogged("apt-get install "+packages[0], cmd); err != nil {
		return err
	}
	checkout.Status(what, "Debian packages installed in "+checkout.Seconds(time.Since(start)))
	return nil
}
