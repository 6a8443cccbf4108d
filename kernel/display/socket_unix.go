//go:build unix

package display

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// exchange sends req to the Unix socket, half-closes, and returns everything the
// other side writes before it closes, within timeout. It uses the system calls
// directly: the net package would add to every chart cell's build.
func exchange(socket string, req []byte, timeout time.Duration) ([]byte, error) {
	if len(socket) >= 104 { // sun_path holds 108 bytes on Linux, 104 on the BSDs
		return nil, fmt.Errorf("%w: the socket path %s is too long for a Unix socket", ErrNoRenderer, socket)
	}
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	syscall.CloseOnExec(fd)
	deadline := time.Now().Add(timeout)
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: socket}); err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%w on %s", ErrNoRenderer, socket)
		}
		return nil, fmt.Errorf("connecting to the chart renderer on %s: %w", socket, err)
	}
	for len(req) > 0 {
		if err := setTimeout(fd, syscall.SO_SNDTIMEO, deadline); err != nil {
			return nil, err
		}
		n, err := syscall.Write(fd, req)
		if err != nil {
			return nil, fmt.Errorf("writing to the chart renderer: %w", timedOut(err))
		}
		req = req[n:]
	}
	if err := syscall.Shutdown(fd, syscall.SHUT_WR); err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		if err := setTimeout(fd, syscall.SO_RCVTIMEO, deadline); err != nil {
			return nil, err
		}
		n, err := syscall.Read(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading from the chart renderer: %w", timedOut(err))
		}
		if n == 0 {
			return out, nil
		}
		out = append(out, buf[:n]...)
	}
}

// setTimeout sets the socket's send or receive timeout to what is left until deadline.
func setTimeout(fd, opt int, deadline time.Time) error {
	left := time.Until(deadline)
	if left <= 0 {
		return fmt.Errorf("the chart renderer did not answer in time")
	}
	tv := syscall.NsecToTimeval(left.Nanoseconds())
	return syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, opt, &tv)
}

// timedOut names a socket timeout as one.
func timedOut(err error) error {
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("the chart renderer did not answer in time (%v)", err)
	}
	return err
}

// sysAttr starts the renderer in a session of its own when detached.
func sysAttr(detached bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: detached}
}
