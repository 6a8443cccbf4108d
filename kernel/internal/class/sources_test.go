//go:build linux

package class

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// TestClassBinaryHashesEveryPackageOfTheCommand: the class binary is rebuilt when any
// file it is built from changes, so its stamp must cover every package of the command,
// the lessons' display package and the embedded Python scripts, not only kernel/*.go.
func TestClassBinaryHashesEveryPackageOfTheCommand(t *testing.T) {
	p := testkit.Checkout(t)
	sources, err := commandSources(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"kernel/main.go", "kernel/hub.go", "kernel/internal/class/student.go", "kernel/internal/procs/procs_linux.go",
		"kernel/internal/nbrun/runner.py", "kernel/internal/nbrun/bench.py", "kernel/display/display.go",
		"kernel/kernelgo/main.go",
	} {
		if !slices.Contains(sources, filepath.Join(p.Root, filepath.FromSlash(want))) {
			t.Errorf("the class binary's stamp misses %s", want)
		}
	}
	for _, s := range sources {
		if !strings.HasPrefix(s, p.Root+string(filepath.Separator)) || strings.HasSuffix(s, "_test.go") {
			t.Errorf("the stamp names %s, which the command is not built from in this checkout", s)
		}
	}
}
