//go:build linux

package class

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

// The class's shared install: everything a student's server and kernel run from, owned
// by root and readable by everyone, so that no student can change another's kernel.
//
//	/opt/backprop-class/
//	  venv/                jupyterhub, jupyterlab, notebook, nbclient (from /usr/bin/python3: every user can run it)
//	  bin/                 gonb, goimports, gopls, and backprop-class (this command, built)
//	  module/              a copy of this module: the kernel's -go_work, so cells import mathx and kernel/...
//	  gomodcache/          the module cache (read-only; the kernel runs with GOPROXY=off)
//	  gocache-seed/        a Go build cache warmed by running the lessons' imports through the kernel;
//	                       each student's kernel copies it into ~/.cache/backprop/go-build once
//	  static/              echarts.min.js, served by each student's server at /user/<name>/static/
//	  lessons/             the lessons, copied into each student's ~/backprop-lessons at login
//	  share/jupyter/kernels/gonb-backprop/kernel.json
const (
	DefaultDir    = "/opt/backprop-class"
	SystemKernels = "/usr/local/share/jupyter/kernels" // where every Jupyter on the machine looks
	classMarker   = ".backprop-class"                  // in classDir: written by this project
	LessonsFolder = "backprop-lessons"                 // in each student's home
	echartsStatic = "static/echarts.min.js"            // under a student server's base URL
)

// classPins are what the class venv holds: the hub, and setup's pins: the front ends
// its students use and nbclient, with which the install warms the build cache.
var classPins = append([]string{"jupyterhub==6.1.1"}, install.PipPins...)

// Install is one shared install.
type Install struct {
	Dir string // e.g. /opt/backprop-class
	// SystemKernels, when set, also receives the kernelspec (the hub verb uses
	// /usr/local/share/jupyter/kernels). The classroom test leaves it empty and points
	// the students' servers at Dir/share/jupyter instead, so it never touches a class
	// that may be running on the same machine.
	SystemKernels string
}

// Where each part of the install lives under Dir.
func (c Install) venv() string     { return filepath.Join(c.Dir, "venv") }
func (c Install) bin() string      { return filepath.Join(c.Dir, "bin") }
func (c Install) module() string   { return filepath.Join(c.Dir, "module") }
func (c Install) modcache() string { return filepath.Join(c.Dir, "gomodcache") }
func (c Install) seed() string     { return filepath.Join(c.Dir, "gocache-seed") }
func (c Install) static() string   { return filepath.Join(c.Dir, "static") }
func (c Install) lessons() string  { return filepath.Join(c.Dir, "lessons") }

// JupyterPath is where the install keeps its kernelspec, for JUPYTER_PATH.
func (c Install) JupyterPath() string { return filepath.Join(c.Dir, "share", "jupyter") }
func (c Install) tool() string        { return filepath.Join(c.bin(), "backprop-class") }

// Build builds or refreshes the shared install; each step is skipped when its
// inputs are unchanged, as in setup.
func Build(p *checkout.Checkout, c Install) error {
	if err := c.claim(p); err != nil {
		return err
	}
	if err := classVenv(p, c); err != nil {
		return err
	}
	filesStamp, err := classFiles(p, c)
	if err != nil {
		return err
	}
	if err := classBin(p, c); err != nil {
		return err
	}
	modStamp, err := classModcache(p, c)
	if err != nil {
		return err
	}
	if err := c.labOverrides(); err != nil {
		return err
	}
	spec, err := c.kernelspec(p)
	if err != nil {
		return err
	}
	if _, _, err := install.WriteKernelspec(filepath.Join(c.JupyterPath(), "kernels"), spec); err != nil {
		return err
	}
	if c.SystemKernels != "" {
		changed, _, err := install.WriteKernelspec(c.SystemKernels, spec)
		if err != nil {
			return err
		}
		result := "up to date in "
		if changed {
			result = "installed in "
		}
		checkout.Status("kernelspec "+install.KernelName+" (class)", result+filepath.Join(c.SystemKernels, install.KernelName))
	}
	return classSeed(p, c, filesStamp+modStamp)
}

// claim creates Dir with a marker file, or checks that an existing Dir carries it:
// a folder this project did not write is left alone.
func (c Install) claim(p *checkout.Checkout) error {
	marker := filepath.Join(c.Dir, classMarker)
	if _, err := os.Stat(marker); err == nil {
		return os.WriteFile(marker, []byte("written by `go run ./kernel hub` from the checkout "+p.Root+"\n"), 0o644)
	}
	if entries, err := os.ReadDir(c.Dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s exists and was not written by this project; it is left as it is.\n"+
			"Move it away, or pass --install with another folder", c.Dir)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(c.Dir, 0o755); err != nil {
		return err
	}
	if err := checkReadableByAll(c.Dir); err != nil {
		return err
	}
	return os.WriteFile(marker, []byte("written by `go run ./kernel hub` from the checkout "+p.Root+"\n"), 0o644)
}

// checkReadableByAll says which folder on the way to path other users cannot enter.
func checkReadableByAll(path string) error {
	for d := path; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("students cannot reach %s: the folder %s is not open to other users (mode %v)", path, d, info.Mode().Perm())
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// classPython is an interpreter every student can run. pyenv's or a home folder's
// Python lives where students cannot read, so Debian's /usr/bin/python3 comes first.
func classPython() (string, error) {
	var tried []string
	for _, c := range []string{"/usr/bin/python3", "/usr/local/bin/python3", "python3"} {
		path, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			continue
		}
		if err := checkReadableByAll(filepath.Dir(real)); err != nil {
			tried = append(tried, err.Error())
			continue
		}
		if exec.Command(real, "-c", "import venv, ensurepip").Run() != nil {
			tried = append(tried, real+" cannot create a venv (Debian: apt-get install -y python3-venv)")
			continue
		}
		return real, nil
	}
	return "", fmt.Errorf("no Python that every student can run and that can create a venv:\n  %s", strings.Join(tried, "\n  "))
}

// classVenv creates Dir/venv with the pinned hub, JupyterLab and nbclient. A venv
// without a finished stamp (a failed or interrupted install) is rebuilt.
func classVenv(p *checkout.Checkout, c Install) error {
	python, err := classPython()
	if err != nil {
		return err
	}
	what := "class venv (" + strings.Join(classPins, ", ") + ")"
	stamp := python + " " + strings.Join(classPins, " ")
	present := checkout.Exists(filepath.Join(c.venv(), "bin", "jupyterhub")) && checkout.Exists(filepath.Join(c.venv(), "bin", "jupyterhub-singleuser"))
	return install.Stamped(what, filepath.Join(c.venv(), ".stamp"), stamp, present, "installed", func() error {
		if err := os.RemoveAll(c.venv()); err != nil {
			return err
		}
		checkout.Status(what, "installing with pip into "+c.venv()+" (a minute or two)...")
		if err := p.RunLogged("class venv", exec.Command(python, "-m", "venv", c.venv())); err != nil {
			return err
		}
		pip := exec.Command(filepath.Join(c.venv(), "bin", "pip"), append([]string{"install", "--disable-pip-version-check",
			"--timeout", "30", "--retries", "2"}, classPins...)...)
		if err := p.RunLogged("pip install jupyterhub", pip); err != nil {
			os.RemoveAll(c.venv())
			return err
		}
		return chmodReadable(c.venv())
	})
}

// labOverrides sets JupyterLab's defaults for the students: no pop-up asking each of
// them whether Lab may fetch Jupyter's news from the internet.
func (c Install) labOverrides() error {
	file := filepath.Join(c.venv(), "share", "jupyter", "lab", "settings", "overrides.json")
	want := `{
  "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}
}
`
	if old, err := os.ReadFile(file); err == nil && string(old) == want {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(want), 0o644)
}

// chmodReadable makes everything under dir readable (and folders enterable) by all users.
func chmodReadable(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode().Perm() | 0o444
		if d.IsDir() || info.Mode().Perm()&0o100 != 0 {
			mode |= 0o111
		}
		if mode != info.Mode().Perm() {
			return os.Chmod(path, mode)
		}
		return nil
	})
}

// classSource lists the files the install copies from the checkout, each with where
// it goes: the module's packages that cells import (not the command: kernel/*.go and
// kernel/internal; nor kernel/assets), the lessons and ECharts.
func classSource(p *checkout.Checkout, c Install) (map[string]string, error) {
	files := map[string]string{
		filepath.Join(p.Root, "go.mod"):                                 filepath.Join(c.module(), "go.mod"),
		filepath.Join(p.Root, "go.sum"):                                 filepath.Join(c.module(), "go.sum"),
		filepath.Join(p.Root, filepath.FromSlash(display.EChartsAsset)): filepath.Join(c.Dir, filepath.FromSlash(echartsStatic)),
	}
	for _, dir := range []string{"mathx", "kernel"} {
		top := filepath.Join(p.Root, dir)
		err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "assets" || d.Name() == "node_modules" || d.Name() == "testdata" || d.Name() == "internal") {
				return filepath.SkipDir
			}
			if !d.Type().IsRegular() || (dir == "kernel" && filepath.Dir(path) == top) {
				return nil // kernel/*.go is this command, which cells never import
			}
			rel, _ := filepath.Rel(p.Root, path)
			files[path] = filepath.Join(c.module(), rel)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	lessons, err := p.Lessons()
	if err != nil {
		return nil, err
	}
	for _, l := range lessons {
		files[l] = filepath.Join(c.lessons(), filepath.Base(l))
	}
	return files, nil
}

// hashFiles returns a fingerprint of the files' names and contents, in order.
func hashFiles(names []string, extra ...string) (string, error) {
	h := sha256.New()
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("%w (run `go run ./kernel setup` first?)", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	for _, e := range extra {
		fmt.Fprintf(h, "%s\n", e)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// classFiles copies the module, the lessons and ECharts into the install. It returns
// the stamp of what it copied, on which the warm build cache depends.
func classFiles(p *checkout.Checkout, c Install) (string, error) {
	files, err := classSource(p, c)
	if err != nil {
		return "", err
	}
	srcs := slices.Sorted(maps.Keys(files))
	targets := make([]string, 0, len(srcs))
	for _, src := range srcs {
		targets = append(targets, files[src])
	}
	stamp, err := hashFiles(srcs, targets...)
	if err != nil {
		return "", err
	}
	err = install.Stamped("class files (module, lessons, ECharts)", filepath.Join(c.Dir, ".files-stamp"), stamp, checkout.Exists(c.module()), "copied", func() error {
		for _, dir := range []string{c.module(), c.lessons(), c.static()} {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
		}
		for _, src := range srcs {
			if err := copyFile(src, files[src], 0o644); err != nil {
				return err
			}
		}
		return chmodReadable(c.Dir)
	})
	return stamp, err
}

// classBin copies the kernel binaries that setup built into Dir/bin and builds this
// command there as backprop-class, which the hub and the kernelspec start.
func classBin(p *checkout.Checkout, c Install) error {
	sources, err := commandSources(p)
	if err != nil {
		return err
	}
	tools, err := install.ToolsStamp(p)
	if err != nil {
		return err
	}
	stamp, err := hashFiles(sources, tools)
	if err != nil {
		return err
	}
	present := checkout.Exists(c.tool()) && checkout.Exists(filepath.Join(c.bin(), "gonb"))
	return install.Stamped("class binaries (gonb, backprop-class)", filepath.Join(c.bin(), ".stamp"), stamp, present, "built", func() error {
		if err := os.MkdirAll(c.bin(), 0o755); err != nil {
			return err
		}
		// The class's kernels start after setup has built gopls: they get the real one,
		// not the stand-in that waits for it. kernelgo is their go, as it is the lessons'.
		from := map[string]string{"gonb": filepath.Join(p.BinDir(), "gonb"),
			"goimports": filepath.Join(p.BinDir(), "goimports"), "gopls": install.GoplsPath(p),
			"go": install.KernelGoPath(p)}
		for name, path := range from {
			if err := copyFile(path, filepath.Join(c.bin(), name), 0o755); err != nil {
				return err
			}
		}
		build := exec.Command("go", "build", "-o", c.tool(), "./kernel")
		build.Dir = p.Root
		if err := p.RunLogged("build backprop-class", build); err != nil {
			return err
		}
		return chmodReadable(c.bin())
	})
}

// commandSources lists the files the class's commands are built from, in this checkout:
// the Go files and embedded files of every package that `go list -deps` names for the
// kernel command and for kernelgo, the class kernels' go.
func commandSources(p *checkout.Checkout) ([]string, error) {
	list := exec.Command("go", "list", "-deps", "-f",
		`{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}
{{end}}`, "./kernel", "./kernel/kernelgo")
	list.Dir = p.Root
	var stderr strings.Builder
	list.Stderr = &stderr
	raw, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps ./kernel ./kernel/kernelgo: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var sources []string
	for _, f := range strings.Split(string(raw), "\n") {
		if f != "" && checkout.Within(f, p.Root) {
			sources = append(sources, f)
		}
	}
	return sources, nil
}

// copyFile copies src to dst (creating its folder) through a temporary file, so a
// reader never sees half a file.
func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".copy-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// classModcache fills Dir/gomodcache with every module of the build list, from the
// module cache that setup filled (no network), and returns the stamp of go.sum.
func classModcache(p *checkout.Checkout, c Install) (string, error) {
	sum, err := os.ReadFile(filepath.Join(p.Root, "go.sum"))
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(sum)
	stamp := hex.EncodeToString(s[:])
	err = install.Stamped("class module cache", filepath.Join(c.Dir, ".modcache-stamp"), stamp, checkout.Exists(c.modcache()), "filled", func() error {
		goEnv := exec.Command("go", "env", "GOMODCACHE")
		goEnv.Dir = p.Root
		src, err := goEnv.Output()
		if err != nil {
			return fmt.Errorf("go env GOMODCACHE: %w", err)
		}
		env := append(os.Environ(), "GOMODCACHE="+c.modcache(), "GOFLAGS=-mod=mod", "GOSUMDB=off",
			"GOPROXY=file://"+filepath.ToSlash(filepath.Join(strings.TrimSpace(string(src)), "cache", "download")))
		if checkout.Exists(c.modcache()) {
			clean := exec.Command("go", "clean", "-modcache")
			clean.Dir, clean.Env = c.module(), env
			if err := p.RunLogged("go clean class modcache", clean); err != nil {
				return err
			}
		}
		download := exec.Command("go", "mod", "download")
		download.Dir, download.Env = c.module(), env
		if err := p.RunLogged("go mod download class", download); err != nil {
			return err
		}
		return chmodReadable(c.modcache())
	})
	return stamp, err
}

// kernelspec is the class's kernel.json: this command, built into Dir/bin, starts
// GoNB for the user running it (see StudentKernel), with ECharts served as a static file.
func (c Install) kernelspec(p *checkout.Checkout) (*install.Kernelspec, error) {
	return install.NewKernelspec([]string{c.tool(), KernelVerb, "{connection_file}"},
		[]string{c.bin()}, []string{"/usr/local/bin", "/usr/bin", "/bin"}, map[string]string{
			"GOMODCACHE":             c.modcache(),
			"GOTOOLCHAIN":            "local",
			display.EChartsPathEnv:   echartsStatic,
			display.EChartsFileEnv:   filepath.Join(c.static(), "echarts.min.js"), // the chart renderer's
			display.CheckoutEnv:      c.module(),
			"BACKPROP_CLASS_INSTALL": c.Dir,
		}, p.Root)
}

// classSeed warms a Go build cache by running, through the class kernel, one cell that
// imports the packages the lessons use, and keeps it as Dir/gocache-seed. A student's
// kernel copies it on first start, so their first cell links instead of compiling
// the standard library, go-echarts and mathx (a minute on a busy machine).
func classSeed(p *checkout.Checkout, c Install, inputs string) error {
	what := "class build cache (warm)"
	stamp := inputs + " " + runtime.Version()
	return install.Stamped(what, c.seed()+".stamp", stamp, checkout.Exists(c.seed()), "warmed", func() error {
		checkout.Status(what, "compiling the lessons' imports through the kernel (about a minute)...")
		work, err := os.MkdirTemp(c.Dir, ".warm-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(work)
		nb, err := warmNotebook(p)
		if err != nil {
			return err
		}
		nbPath := filepath.Join(work, "warm.ipynb")
		if err := os.WriteFile(nbPath, nb, 0o644); err != nil {
			return err
		}
		cache := filepath.Join(work, "go-build")
		run := exec.Command(filepath.Join(c.venv(), "bin", "jupyter-execute"), "--kernel_name="+install.KernelName,
			"--timeout=600", "--startup_timeout=120", nbPath)
		run.Dir = work
		run.Env = append(cleanJupyterEnv(os.Environ()), "HOME="+work, "GOCACHE="+cache, "JUPYTER_PATH="+c.JupyterPath())
		if err := p.RunLogged("warm class build cache", run); err != nil {
			return err
		}
		if err := os.RemoveAll(c.seed()); err != nil {
			return err
		}
		if err := os.Rename(cache, c.seed()); err != nil {
			return err
		}
		return chmodReadable(c.seed())
	})
}

// cleanJupyterEnv drops the variables that would point Jupyter at someone's own
// kernelspecs or configuration instead of the class's.
func cleanJupyterEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		for _, k := range []string{"JUPYTER_DATA_DIR=", "JUPYTER_PATH=", "JUPYTER_CONFIG_DIR=", "GOCACHE=", "GOFLAGS=", "GOENV="} {
			if strings.HasPrefix(kv, k) {
				return true
			}
		}
		return false
	})
}

// stdRef finds uses of a package by name in Go code: the name, then a dot and an
// exported identifier (fmt.Println, mathx.Sigma).
var stdRef = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.[A-Z]`)

// warmNotebook is a notebook whose one cell imports this module's packages that
// lessons use and every standard package the lessons' code names.
func warmNotebook(p *checkout.Checkout) ([]byte, error) {
	list := exec.Command("go", "list", "std")
	list.Dir = p.Root
	stdOut, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list std: %w", err)
	}
	byName := map[string][]string{}
	for _, pkg := range strings.Fields(string(stdOut)) {
		if strings.Contains(pkg, "internal") || strings.HasPrefix(pkg, "vendor/") || strings.HasPrefix(pkg, "cmd/") {
			continue
		}
		byName[pkg[strings.LastIndex(pkg, "/")+1:]] = append(byName[pkg[strings.LastIndex(pkg, "/")+1:]], pkg)
	}
	imports := map[string]bool{"fmt": true}
	for _, pkg := range []string{"mathx", "kernel/chart", "kernel/derive", "kernel/display"} {
		imports[checkout.ModulePath+"/"+pkg] = true
	}
	lessons, err := p.Lessons()
	if err != nil {
		return nil, err
	}
	for _, l := range lessons {
		nb, err := checkout.ReadNotebook(l)
		if err != nil {
			return nil, err
		}
		for _, m := range stdRef.FindAllStringSubmatch(nb.Code(), -1) {
			for _, pkg := range byName[m[1]] {
				imports[pkg] = true
			}
		}
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, pkg := range slices.Sorted(maps.Keys(imports)) {
		fmt.Fprintf(&b, "\t_ %q\n", pkg)
	}
	b.WriteString(")\n\n%%\nfmt.Println(\"warm\")\n")
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]string{"name": install.KernelName, "display_name": "Go (backprop lessons)", "language": "go"}},
		"cells": []any{map[string]any{"cell_type": "code", "id": "warm", "metadata": map[string]any{},
			"execution_count": nil, "outputs": []any{}, "source": b.String()}},
	}
	return json.MarshalIndent(nb, "", " ")
}
