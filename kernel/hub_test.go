//go:build linux

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/class"
)

func TestHubFlagsAreChecked(t *testing.T) {
	dir := t.TempDir()
	cert, key, err := class.WriteSelfSigned(dir, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	_, otherKey, err := class.WriteSelfSigned(other, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
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
		req, err := parseHubFlags(append(slices.Clone(base), c.args...))
		if err == nil {
			err = req.Check()
		}
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%q: %v", c.args, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", c.args, err, c.wantErr)
		}
	}
}
