package selftest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// servingSpec returns a kernelspec of this project that serves the checkout root.
func servingSpec(root string) *install.Kernelspec {
	return &install.Kernelspec{Argv: []string{"gonb"}, DisplayName: install.DisplayName, Language: "go",
		Metadata: map[string]string{install.OwnerKey: root}}
}

// The test installs its kernelspec in a data folder of its own, and notices when the
// user's kernelspec was pointed at the checkout under test all the same.
func TestTheTestKeepsItsKernelspecToItself(t *testing.T) {
	p := &checkout.Checkout{Root: t.TempDir()}
	userData, elsewhere := t.TempDir(), t.TempDir() // elsewhere: other checkouts' folders
	t.Setenv("JUPYTER_DATA_DIR", userData)
	userKernels := filepath.Join(userData, "kernels")
	if _, _, err := install.WriteKernelspec(userKernels, servingSpec(filepath.Join(elsewhere, "lessons"))); err != nil {
		t.Fatal(err)
	}
	testkit.CaptureOut(t)
	user, err := useOwnJupyterData(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := os.Getenv("JUPYTER_DATA_DIR"), filepath.Join(p.Root, ".kernel", "test-jupyter"); got != want {
		t.Fatalf("JUPYTER_DATA_DIR = %q, want %q", got, want)
	}
	if own, err := install.DataDir(); err != nil || !strings.HasPrefix(own, p.Root) {
		t.Fatalf("the test's kernelspec would go to %q (%v), not into the checkout", own, err)
	}
	if err := user.untouched(p); err != nil {
		t.Errorf("nothing touched the user's kernelspec: %v", err)
	}
	// Another checkout's setup re-pointing it meanwhile is not the test's doing.
	if _, _, err := install.WriteKernelspec(userKernels, servingSpec(filepath.Join(elsewhere, "another-clone"))); err != nil {
		t.Fatal(err)
	}
	if err := user.untouched(p); err != nil {
		t.Errorf("another checkout re-pointed the user's kernelspec: %v", err)
	}
	if _, _, err := install.WriteKernelspec(userKernels, servingSpec(p.Root)); err != nil {
		t.Fatal(err)
	}
	if err := user.untouched(p); err == nil || !strings.Contains(err.Error(), "at this checkout") {
		t.Errorf("the user's kernelspec now serves the checkout under test: got %v", err)
	}
}
