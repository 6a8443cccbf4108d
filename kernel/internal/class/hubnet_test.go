//go:build linux

package class

import (
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

func TestCheckListenNamesTheCause(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	if err := CheckListen("127.0.0.1", busy); err == nil || !strings.Contains(err.Error(), "the port is in use") {
		t.Errorf("a busy port: %v", err)
	}
	// 203.0.113.0/24 is for documentation: no machine of ours has it.
	if err := CheckListen("203.0.113.7", busy); err == nil || !strings.Contains(err.Error(), "is not an address of this machine") {
		t.Errorf("a foreign address: %v", err)
	}
	l.Close()
	if err := CheckListen("127.0.0.1", busy); err != nil {
		t.Errorf("a free port: %v", err)
	}
}

func TestClassURLs(t *testing.T) {
	if got := URLs("https", "127.0.0.1", 8443); !slices.Equal(got, []string{"https://127.0.0.1:8443/"}) {
		t.Errorf("loopback: %q", got)
	}
	got := URLs("http", "0.0.0.0", 8000)
	if got[len(got)-1] != "http://127.0.0.1:8000/" {
		t.Errorf("0.0.0.0: %q does not end with the loopback address", got)
	}
	for _, a := range MachineAddrs() {
		if ip := net.ParseIP(a); ip.To4() != nil && !ip.IsLoopback() && !slices.Contains(got, "http://"+net.JoinHostPort(a, "8000")+"/") {
			t.Errorf("0.0.0.0: %q lacks this machine's address %s", got, a)
		}
	}
	if got := URLs("http", "::", 80); got[len(got)-1] != "http://[::1]:80/" {
		t.Errorf("::: %q", got)
	}
}

func TestWithoutPassword(t *testing.T) {
	shadow := filepath.Join(t.TempDir(), "shadow")
	testkit.WriteFile(t, shadow, "root:$y$j9T$abc:19000:0:99999:7:::\nada:!:19000::::::\ngrace:$y$j9T$def:19000::::::\nalan:*:19000::::::\nhopper::19000::::::\n")
	got := withoutPassword([]string{"ada", "grace", "alan", "hopper", "nobody"}, shadow)
	if want := []string{"ada", "alan", "hopper"}; !slices.Equal(got, want) {
		t.Errorf("withoutPassword = %q, want %q", got, want)
	}
	if got := withoutPassword([]string{"ada"}, filepath.Join(t.TempDir(), "none")); got != nil {
		t.Errorf("an unreadable shadow file: %q", got)
	}
}
