//go:build unix

// Command goplsstandin is the gopls that setup puts on the kernel's PATH at once, while
// the real gopls, which only code completion needs, is still being built. GoNB runs
// `gopls -listen unix;ADDR` once, when a kernel starts, and never again:
//
//   - once setup has built the real gopls (its stamp is written), the stand-in replaces
//     itself with it, with the same arguments;
//   - until then it serves ADDR itself: it answers GoNB's requests with empty results,
//     keeps the latest text of every document GoNB opened, and when the stamp appears
//     starts the real gopls, gives it GoNB's initialize and those documents, and from
//     then on passes every message both ways. A kernel started before gopls was built
//     completes code from then on, without a restart.
//
// It ends when GoNB's connection closes or GoNB kills it, and the real gopls it started
// ends with it. It uses the standard library only, so setup builds it in about a second.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// pollEvery is how often the stand-in looks for the real gopls's stamp.
const pollEvery = 500 * time.Millisecond

// realGopls is the gopls that setup builds in the background. Setup renames the binary
// into place whole and then writes its stamp, so both present means it is ready.
type realGopls struct {
	path, stamp string
}

// besideStandIn is where setup puts the real gopls, relative to the folder holding the
// stand-in: real/gopls, off the kernel's PATH, and the stamp .stamp-gopls
// (install.GoplsPath and install's goplsStamp name the same files).
func besideStandIn() (realGopls, error) {
	exe, err := os.Executable()
	if err != nil {
		return realGopls{}, err
	}
	bin := filepath.Dir(exe)
	return realGopls{path: filepath.Join(bin, "real", "gopls"), stamp: filepath.Join(bin, ".stamp-gopls")}, nil
}

// ready says whether setup has finished building the real gopls.
func (g realGopls) ready() bool {
	_, errBin := os.Stat(g.path)
	_, errStamp := os.Stat(g.stamp)
	return errBin == nil && errStamp == nil
}

func main() {
	g, err := besideStandIn()
	if err != nil {
		fail(1, err)
	}
	if g.ready() {
		err := syscall.Exec(g.path, append([]string{g.path}, os.Args[1:]...), os.Environ())
		fail(1, fmt.Errorf("starting %s: %w", g.path, err))
	}
	network, address, err := listenAddr(os.Args[1:])
	if err != nil {
		fail(2, fmt.Errorf("%w\n(the real gopls, %s, is not built yet: `go run ./kernel setup` builds it; "+
			"until then this stand-in only serves `gopls -listen ADDR`, as GoNB runs it)", err, g.path))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	err = serve(ctx, network, address, g)
	stop()
	if err != nil {
		fail(1, err)
	}
}

// fail prints err and exits with code.
func fail(code int, err error) {
	fmt.Fprintf(os.Stderr, "gopls (stand-in): %v\n", err)
	os.Exit(code)
}

// listenAddr reads gopls's -listen flag, the only arguments the stand-in serves:
// "unix;PATH" is a unix socket, anything else a TCP address.
func listenAddr(args []string) (network, address string, err error) {
	var addr string
	switch {
	case len(args) == 2 && (args[0] == "-listen" || args[0] == "--listen"):
		addr = args[1]
	case len(args) == 1 && (strings.HasPrefix(args[0], "-listen=") || strings.HasPrefix(args[0], "--listen=")):
		_, addr, _ = strings.Cut(args[0], "=")
	default:
		return "", "", fmt.Errorf("arguments %q: want -listen ADDR", args)
	}
	if addr == "" {
		return "", "", errors.New("-listen needs an address (unix;PATH or HOST:PORT)")
	}
	if path, ok := strings.CutPrefix(addr, "unix;"); ok {
		return "unix", path, nil
	}
	return "tcp", addr, nil
}

// serve waits for one connection on the address, GoNB's, stops listening and serves it
// until it closes or ctx ends.
func serve(ctx context.Context, network, address string, g realGopls) error {
	ln, err := net.Listen(network, address)
	if err != nil {
		return err
	}
	unblock := context.AfterFunc(ctx, func() { ln.Close() })
	conn, err := ln.Accept()
	unblock()
	ln.Close()
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	r := newRelay(conn, g)
	defer r.stop()
	defer conn.Close() // first: a write to the client that blocks ends, and gopls's output drains
	return r.run(ctx, conn)
}
