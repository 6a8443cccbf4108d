// Package testkit holds what the command's tests share: the checkout they run in,
// captured progress lines, and the rule that a test which needs the installed kernel
// is skipped without it, unless `kernel test` asked for it. Only _test.go files
// import it (TestImportsRunOneWay holds that).
package testkit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// Checkout is the checkout the tests run in.
func Checkout(t *testing.T) *checkout.Checkout {
	t.Helper()
	p, err := checkout.Here()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// CaptureOut sends progress lines to a buffer for the test's duration.
func CaptureOut(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := checkout.Out
	checkout.Out = &buf
	t.Cleanup(func() { checkout.Out = old })
	return &buf
}

// Require skips the test for want of what err names, or fails it under `kernel test`,
// which installs everything first. It does nothing when err is nil.
func Require(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv(checkout.RequireKernelEnv) != "" {
		t.Fatal(err)
	}
	t.Skip(err)
}

// WriteFile writes content to path, creating its folder.
func WriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Snapshot records every file under dir with its bytes and modification time.
func Snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files[path] = info.ModTime().String() + "\x00" + string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
