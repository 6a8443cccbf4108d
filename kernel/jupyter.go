package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// jupyterLabPin is the JupyterLab that setup installs with pip where the Python index is reachable.
const jupyterLabPin = "jupyterlab==4.6.6"

// debianPackages are what setup installs with apt-get where pip cannot reach the index.
var debianPackages = []string{"jupyter-notebook", "jupyter-nbconvert", "python3-nbclient"}

// jupyter is a usable Jupyter installation.
type jupyter struct {
	Bin    string // the jupyter command
	Python string // the interpreter running it, which can import nbclient
	App    string // "lab", or "notebook" where JupyterLab is not installed
}

// installOptions says which installers setup may use when no Jupyter is found.
type installOptions struct {
	pip bool // create .kernel/venv and pip install JupyterLab
	apt bool // apt-get install Debian's Jupyter packages (needs root)
}

// findJupyter looks for a jupyter command with lab or notebook, first in the
// project's venv, then on PATH. It installs nothing.
func (p *project) findJupyter() (*jupyter, []string) {
	var reasons []string
	candidates := []string{filepath.Join(p.venvDir(), "bin", "jupyter")}
	if bin, err := exec.LookPath("jupyter"); err == nil {
		candidates = append(candidates, bin)
	}
	for _, bin := range candidates {
		if _, err := os.Stat(bin); err != nil {
			continue
		}
		j, err := inspectJupyter(bin)
		if err != nil {
			reasons = append(reasons, err.Error())
			continue
		}
		return j, nil
	}
	return nil, reasons
}

// inspectJupyter checks that bin has a lab or notebook command beside it and
// that its Python can import nbclient, which check uses to run notebooks.
func inspectJupyter(bin string) (*jupyter, error) {
	dir := filepath.Dir(bin)
	j := &jupyter{Bin: bin}
	switch {
	case exists(filepath.Join(dir, "jupyter-lab")):
		j.App = "lab"
	case exists(filepath.Join(dir, "jupyter-notebook")):
		j.App = "notebook"
	default:
		return nil, fmt.Errorf("%s has neither lab nor notebook installed", bin)
	}
	j.Python = shebangPython(bin)
	probe := exec.Command(j.Python, "-c", "import nbclient, nbformat, jupyter_client")
	if msg, err := probe.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: its Python (%s) cannot import nbclient: %s", bin, j.Python, strings.TrimSpace(string(msg)))
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

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ensureJupyter finds Jupyter, or installs it: JupyterLab in a project venv
// where pip reaches the index, else Debian's packages when running as root.
// When neither works it stops with the commands the user must run.
func (p *project) ensureJupyter(opt installOptions) (*jupyter, error) {
	const what = "Jupyter"
	if j, _ := p.findJupyter(); j != nil {
		status(what, fmt.Sprintf("%s (%s)", j.Bin, j.App))
		return j, nil
	}
	var tried []string
	if opt.pip {
		if err := p.pipInstall(); err != nil {
			tried = append(tried, err.Error())
		} else if j, reasons := p.findJupyter(); j != nil {
			status(what, "installed "+jupyterLabPin+" in "+p.venvDir())
			return j, nil
		} else {
			tried = append(tried, reasons...)
		}
	}
	if opt.apt {
		if err := p.aptInstall(); err != nil {
			tried = append(tried, err.Error())
		} else if j, reasons := p.findJupyter(); j != nil {
			status(what, "installed Debian packages: "+j.Bin+" ("+j.App+")")
			return j, nil
		} else {
			tried = append(tried, reasons...)
		}
	}
	_, reasons := p.findJupyter()
	tried = append(reasons, tried...)
	msg := "Jupyter was not found and could not be installed.\n"
	for _, t := range tried {
		msg += "  - " + firstLine(t) + "\n"
	}
	msg += "Install it with one of these, then run the command again:\n" +
		"  python3 -m pip install --user " + jupyterLabPin + "\n" +
		"  sudo apt-get install -y " + strings.Join(debianPackages, " ") + "    (Debian or Ubuntu)\n"
	return nil, fmt.Errorf("%s", msg)
}

// pipInstall creates .kernel/venv and installs the pinned JupyterLab into it.
// A venv whose install failed is removed so it is not mistaken for a working one.
func (p *project) pipInstall() error {
	python, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("pip: no python3 on PATH")
	}
	status("Jupyter", "not found; trying pip install "+jupyterLabPin+" into "+p.venvDir())
	if err := p.runLogged("python venv", exec.Command(python, "-m", "venv", p.venvDir())); err != nil {
		os.RemoveAll(p.venvDir())
		return fmt.Errorf("pip: %w", err)
	}
	pip := exec.Command(filepath.Join(p.venvDir(), "bin", "pip"), "install", "--disable-pip-version-check",
		"--timeout", "30", "--retries", "1", jupyterLabPin)
	if err := p.runLogged("pip install jupyterlab", pip); err != nil {
		os.RemoveAll(p.venvDir())
		return fmt.Errorf("pip could not install %s (is the Python package index reachable?); log in %s", jupyterLabPin, p.logDir())
	}
	return nil
}

// aptInstall installs Debian's Jupyter packages; it needs root and apt-get.
func (p *project) aptInstall() error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("apt-get: not available on this system")
	}
	status("Jupyter", "installing Debian packages "+strings.Join(debianPackages, " ")+" (about 2 minutes)...")
	start := time.Now()
	if err := p.runLogged("apt-get update", exec.Command("apt-get", "update")); err != nil {
		return err
	}
	cmd := exec.Command("apt-get", append([]string{"install", "-y"}, debianPackages...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if err := p.runLogged("apt-get install jupyter", cmd); err != nil {
		return err
	}
	status("Jupyter", "Debian packages installed in "+seconds(time.Since(start)))
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
