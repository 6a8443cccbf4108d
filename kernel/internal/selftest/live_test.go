package selftest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

// TestLivePagesReturnTheirErrors: a lesson that cannot be copied for the live check
// is an error naming it, not a page that opens about:blank.
func TestLivePagesReturnTheirErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "99-missing.ipynb")
	r := &testRun{p: &checkout.Checkout{Root: t.TempDir()}, notebooks: []string{missing}}
	j := &install.Jupyter{App: "lab", Lab: "4.6.6", Notebook: "7.6.5"}
	if _, err := r.labPages(j, missing); err == nil || !strings.Contains(err.Error(), "99-missing.ipynb") {
		t.Errorf("labPages: %v", err)
	}
	if _, err := r.notebook7Pages(j); err == nil || !strings.Contains(err.Error(), "99-missing.ipynb") {
		t.Errorf("notebook7Pages: %v", err)
	}
	if _, err := r.prefixPage(j, missing); err == nil || !strings.Contains(err.Error(), "99-missing.ipynb") {
		t.Errorf("prefixPage: %v", err)
	}
	if _, err := r.savedPage(j, missing); err == nil || !strings.Contains(err.Error(), "99-missing.ipynb") {
		t.Errorf("savedPage: %v", err)
	}
}
