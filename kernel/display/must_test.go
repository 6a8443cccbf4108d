package display

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// stopped runs f with exit replaced, and returns the exit code it asked for
// (-1 for none) and what it printed.
func stopped(t *testing.T, f func()) (code int, printed string) {
	t.Helper()
	t.Setenv("GONB_PIPE", "") // outside a notebook: output goes to stdout
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	code = -1
	exit = func(c int) { code = c; panic("exit") }
	func() {
		defer func() {
			if r := recover(); r != nil && r != "exit" {
				panic(r)
			}
		}()
		f()
	}()
	exit, os.Stdout = os.Exit, stdout
	w.Close()
	out, _ := io.ReadAll(r)
	return code, string(out)
}

func TestStop(t *testing.T) {
	code, printed := stopped(t, func() { Stop(nil) })
	if code != -1 || printed != "" {
		t.Errorf("Stop(nil): exit %d, printed %q; want nothing", code, printed)
	}
	code, printed = stopped(t, func() { Stop(errors.New("mathx: shape mismatch")) })
	if code != 1 || !strings.Contains(printed, "error: mathx: shape mismatch") {
		t.Errorf("Stop(err): exit %d, printed %q; want exit 1 and the error", code, printed)
	}
}

func TestMust(t *testing.T) {
	var got int
	code, _ := stopped(t, func() { got = Must(42, nil) })
	if code != -1 || got != 42 {
		t.Errorf("Must(42, nil) = %d with exit %d; want 42 and no exit", got, code)
	}
	code, printed := stopped(t, func() { got = Must(7, errors.New("bad shape")) })
	if code != 1 || !strings.Contains(printed, "bad shape") {
		t.Errorf("Must(7, err): exit %d, printed %q; want exit 1 and the error", code, printed)
	}
}
