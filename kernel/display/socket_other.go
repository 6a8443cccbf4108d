//go:build !unix

package display

import (
	"syscall"
	"time"
)

// exchange: the chart renderer is reached over a Unix socket, which this system lacks.
func exchange(socket string, req []byte, timeout time.Duration) ([]byte, error) {
	return nil, ErrNoRenderer
}

// sysAttr: no session of its own where there are no sessions.
func sysAttr(detached bool) *syscall.SysProcAttr { return nil }
