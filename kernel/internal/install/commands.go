package install

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// RealGoEnv names the kernel's environment variable that tells kernelgo, the go
// command on the kernel's PATH, where the real go command is.
const RealGoEnv = "BACKPROP_GO"

// A pathCommand is a small command of this module that setup builds onto the kernel's
// PATH, as .kernel/bin/<name>, with a stamp of its own.
type pathCommand struct {
	what string // how setup's progress lines name it
	pkg  string // its package, relative to the checkout
	name string // its file in .kernel/bin, the name the kernel runs it by
}

var (
	// kernelGo answers GoNB's `go get` before each cell at once when the cell imports
	// nothing from outside its workspace, and runs the real go for everything else.
	kernelGo = pathCommand{"go command for cells", "./kernel/kernelgo", "go"}
	// goplsStandIn is the gopls kernels start while setup still builds the real one
	// (GoplsPath); it hands over to it once it is built.
	goplsStandIn = pathCommand{"gopls stand-in", "./kernel/goplsstandin", "gopls"}
)

// KernelGoPath is where setup builds kernelgo, the go command that kernels run.
func KernelGoPath(p *checkout.Checkout) string { return filepath.Join(p.BinDir(), kernelGo.name) }

// stampPath is where c's stamp is kept.
func (c pathCommand) stampPath(p *checkout.Checkout) string {
	return filepath.Join(p.BinDir(), ".stamp-"+filepath.Base(c.pkg))
}

// stamp fingerprints what c is built from: the tools' stamp (go.mod, go.sum, the
// toolchain) and c's source, its tests left out.
func (c pathCommand) stamp(p *checkout.Checkout, tools string) (string, error) {
	h := sha256.New()
	h.Write([]byte(tools))
	sources, err := filepath.Glob(filepath.Join(p.Root, c.pkg, "*.go"))
	if err != nil {
		return "", err
	}
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensure builds c into .kernel/bin unless its stamp says it is there. These commands
// import little beyond the standard library, which compiling the kernel command has
// already compiled: a second or two.
func (c pathCommand) ensure(p *checkout.Checkout, tools string) error {
	stamp, err := c.stamp(p, tools)
	if err != nil {
		return err
	}
	bin := filepath.Join(p.BinDir(), c.name)
	return Stamped(c.what, c.stampPath(p), stamp, checkout.Exists(bin), "built", func() error {
		return c.buildInto(p, bin)
	})
}

// buildInto builds c into bin whole: built aside, then renamed into place, where a
// kernel may be running the one it replaces; until then a kernel finds the old one,
// or the next on its PATH.
func (c pathCommand) buildInto(p *checkout.Checkout, bin string) error {
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(filepath.Dir(bin), "."+c.name+"-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, c.name), c.pkg)
	cmd.Dir = p.Root
	if err := p.RunLogged("build "+c.what, cmd); err != nil {
		return err
	}
	return os.Rename(filepath.Join(dir, c.name), bin)
}

// BuildStandIn builds the gopls stand-in into bin, as setup does.
func BuildStandIn(p *checkout.Checkout, bin string) error { return goplsStandIn.buildInto(p, bin) }
