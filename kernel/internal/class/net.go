//go:build linux

package class

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Where the hub listens: --ip, --port and --ssl-cert/--ssl-key, checked before anything
// slow starts so that a mistake is named at once, not found in the hub's log.

// CheckAddress says what is wrong with --ip and --port.
func CheckAddress(ip string, port int) error {
	if net.ParseIP(ip) == nil {
		return fmt.Errorf("--ip %q is not an IP address: give 127.0.0.1 (this machine only, the default), "+
			"0.0.0.0 (every network this machine is on) or one of its addresses (%s)", ip, strings.Join(MachineAddrs(), ", "))
	}
	if port < 1 || port > 65535 {
		return fmt.Errorf("--port %d is out of range: a TCP port is 1 to 65535", port)
	}
	return nil
}

// CheckTLS says why the certificate and key cannot serve HTTPS: a file that cannot be
// read, one that holds no PEM, a key that does not match, a certificate out of date.
func CheckTLS(certFile, keyFile string) error {
	if (certFile == "") != (keyFile == "") {
		return errors.New("--ssl-cert and --ssl-key go together: give both (a PEM certificate and its key), or neither")
	}
	if certFile == "" {
		return nil
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return fmt.Errorf("--ssl-cert: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("--ssl-key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("--ssl-cert %s with --ssl-key %s cannot serve HTTPS: %v", certFile, keyFile, err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return fmt.Errorf("--ssl-cert %s: %v", certFile, err)
	}
	if now := time.Now(); now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		return fmt.Errorf("--ssl-cert %s is valid from %s to %s, not now: browsers would refuse it",
			certFile, leaf.NotBefore.Format(time.DateOnly), leaf.NotAfter.Format(time.DateOnly))
	}
	return nil
}

// CheckListen tries to listen where the hub will, and names the cause when it cannot:
// the port in use, or an address that is not this machine's.
func CheckListen(ip string, port int) error {
	addr := net.JoinHostPort(ip, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return l.Close()
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: the port is in use (another hub or server?); choose another with --port", addr)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("cannot listen on %s: %s is not an address of this machine (its addresses: %s)", addr, ip, strings.Join(MachineAddrs(), ", "))
	}
	return fmt.Errorf("cannot listen on %s: %w", addr, err)
}

// MachineAddrs lists this machine's IP addresses, IPv4 first.
func MachineAddrs() []string {
	addrs, _ := net.InterfaceAddrs()
	var v4, v6 []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		switch {
		case !ok || n.IP.IsLinkLocalUnicast():
		case n.IP.To4() != nil:
			v4 = append(v4, n.IP.String())
		default:
			v6 = append(v6, n.IP.String())
		}
	}
	return append(v4, v6...)
}

// loopback says whether ip is reachable from this machine only.
func loopback(ip string) bool {
	parsed := net.ParseIP(ip)
	return parsed != nil && parsed.IsLoopback()
}

// URLs are the addresses students open: for an unspecified --ip (0.0.0.0 or ::),
// one per address of this machine, the others first.
func URLs(scheme, ip string, port int) []string {
	hosts := []string{ip}
	if parsed := net.ParseIP(ip); parsed != nil && parsed.IsUnspecified() {
		hosts = nil
		for _, a := range MachineAddrs() {
			if !loopback(a) && (parsed.To4() == nil || net.ParseIP(a).To4() != nil) {
				hosts = append(hosts, a)
			}
		}
		if parsed.To4() != nil {
			hosts = append(hosts, "127.0.0.1")
		} else {
			hosts = append(hosts, "::1")
		}
	}
	var urls []string
	for _, h := range hosts {
		urls = append(urls, fmt.Sprintf("%s://%s/", scheme, net.JoinHostPort(h, strconv.Itoa(port))))
	}
	return urls
}

// WriteSelfSigned writes cert.pem and key.pem into dir: a self-signed certificate for
// hosts (IP addresses or names), valid for a day, and its key (readable by root only).
func WriteSelfSigned(dir string, hosts []string) (certFile, keyFile string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "backprop classroom test"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return "", "", err
	}
	return certFile, keyFile, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
}
