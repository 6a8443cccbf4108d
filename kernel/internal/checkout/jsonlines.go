package checkout

import (
	"bufio"
	"errors"
	"fmt"
	"os/exec"
)

// ErrNotJSON marks a line of a child process's output that is not JSON.
var ErrNotJSON = errors.New("unreadable line")

// ReadJSONLines starts cmd, whose standard output is one JSON object per line (the
// notebook runner and the browser check speak this way), and hands each line to
// each as it arrives. If each fails, cmd is stopped and that error returned;
// otherwise the error is cmd's exit status, with what it wrote to stderr when
// cmd.Stderr was not set.
func ReadJSONLines(cmd *exec.Cmd, each func(line []byte) error) error {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr tailBuffer
	if cmd.Stderr == nil {
		cmd.Stderr = &stderr
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var eachErr error
	for eachErr == nil && sc.Scan() {
		eachErr = each(sc.Bytes())
	}
	if eachErr != nil {
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	switch {
	case eachErr != nil:
		return eachErr
	case waitErr != nil && len(stderr) > 0:
		return fmt.Errorf("%v:\n%s", waitErr, TailLines(string(stderr), 15))
	}
	return waitErr
}

// tailBuffer collects a child's stderr, keeping the last 64 KiB.
type tailBuffer []byte

// Write keeps p, dropping the oldest bytes beyond 64 KiB.
func (b *tailBuffer) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	if len(*b) > 64<<10 {
		*b = (*b)[len(*b)-64<<10:]
	}
	return len(p), nil
}
