//go:build linux

package main

import (
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHubFlagsAreChecked(t *testing.T) {
	dir := t.TempDir()
	cert, key, err := writeSelfSigned(dir, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	_, otherKey, err := writeSelfSigned(other, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.pem")
	writeFile(t, garbage, "not a certificate\n")
	base := []string{"--students", "s.txt", "--pam"}
	for _, c := range []struct {
		args    []string
		wantErr string // "" when the flags are good
	}{
		{nil, ""},
		{[]string{"--ip", "0.0.0.0", "--port", "443", "--ssl-cert", cert, "--ssl-key", key}, ""},
		{[]string{"--ip", "::"}, ""},
		{[]string{"--ip", "classroom.example"}, `--ip "classroom.example" is not an IP address`},
		{[]string{"--ip", "10.0.0.300"}, `--ip "10.0.0.300" is not an IP address`},
		{[]string{"--port", "0"}, "--port 0 is out of range"},
		{[]string{"--port", "65536"}, "--port 65536 is out of range"},
		{[]string{"--ssl-cert", cert}, "--ssl-cert and --ssl-key go together"},
		{[]string{"--ssl-key", key}, "--ssl-cert and --ssl-key go together"},
		{[]string{"--ssl-cert", filepath.Join(dir, "missing.pem"), "--ssl-key", key}, "--ssl-cert: open " + filepath.Join(dir, "missing.pem")},
		{[]string{"--ssl-cert", cert, "--ssl-key", dir}, "--ssl-key: read " + dir},
		{[]string{"--ssl-cert", garbage, "--ssl-key", key}, "cannot serve HTTPS: tls: failed to find any PEM data in certificate input"},
		{[]string{"--ssl-cert", cert, "--ssl-key", otherKey}, "cannot serve HTTPS: tls: private key does not match public key"},
	} {
		opt, f, err := parseHubFlags(append(slices.Clone(base), c.args...))
		if err == nil {
			err = f.check(opt)
		}
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%q: %v", c.args, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", c.args, err, c.wantErr)
		}
	}
}

func TestCheckListenNamesTheCause(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	if err := checkListen("127.0.0.1", busy); err == nil || !strings.Contains(err.Error(), "the port is in use") {
		t.Errorf("a busy port: %v", err)
	}
	// 203.0.113.0/24 is for documentation: no machine of ours has it.
	if err := checkListen("203.0.113.7", busy); err == nil || !strings.Contains(err.Error(), "is not an address of this machine") {
		t.Errorf("a foreign address: %v", err)
	}
	l.Close()
	if err := checkListen("127.0.0.1", busy); err != nil {
		t.Errorf("a free port: %v", err)
	}
}

func TestClassURLs(t *testing.T) {
	if got := classURLs("https", "127.0.0.1", 8443); !slices.Equal(got, []string{"https://127.0.0.1:8443/"}) {
		t.Errorf("loopback: %q", got)
	}
	got := classURLs("http", "0.0.0.0", 8000)
	if got[len(got)-1] != "http://127.0.0.1:8000/" {
		t.Errorf("0.0.0.0: %q does not end with the loopback address", got)
	}
	for _, a := range machineAddrs() {
		if ip := net.ParseIP(a); ip.To4() != nil && !ip.IsLoopback() && !slices.Contains(got, "http://"+net.JoinHostPort(a, "8000")+"/") {
			t.Errorf("0.0.0.0: %q lacks this machine's address %s", got, a)
		}
	}
	if got := classURLs("http", "::", 80); got[len(got)-1] != "http://[::1]:80/" {
		t.Errorf("::: %q", got)
	}
}

func TestWithoutPassword(t *testing.T) {
	shadow := filepath.Join(t.TempDir(), "shadow")
	writeFile(t, shadow, "root:$y$j9T$abc:19000:0:99999:7:::\nada:!:19000::::::\ngrace:$y$j9T$def:19000::::::\nalan:*:19000::::::\nhopper::19000::::::\n")
	got := withoutPassword([]string{"ada", "grace", "alan", "hopper", "nobody"}, shadow)
	if want := []string{"ada", "alan", "hopper"}; !slices.Equal(got, want) {
		t.Errorf("withoutPassword = %q, want %q", got, want)
	}
	if got := withoutPassword([]string{"ada"}, filepath.Join(t.TempDir(), "none")); got != nil {
		t.Errorf("an unreadable shadow file: %q", got)
	}
}
