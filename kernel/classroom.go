//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// The classroom step of `kernel test`: a real JupyterHub, real accounts, real Chromium.
const (
	classTestDir    = "/opt/backprop-class-test" // the test's own install, kept between runs
	classroomLock   = "/run/lock/backprop-classroom.lock"
	classroomStrang = "bp-stranger" // a name on no list
)

// classroomStudents are the throwaway accounts the step creates and removes.
var classroomStudents = []string{"bp-student1", "bp-student2", "bp-student3"}

// classroom is the classroom step of `kernel test`; outside root it is skipped.
func (r *testRun) classroom() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: JupyterHub runs each student as a Unix account; run `kernel test` as root to include it", errSkipped)
	}
	return r.p.classroom(r.chromium)
}

// createClassroomAccounts removes the test accounts a killed run left, creates them
// afresh and returns their homes by name.
func createClassroomAccounts() (map[string]string, error) {
	if err := removeClassroomAccounts(); err != nil {
		return nil, err
	}
	homes := map[string]string{}
	for _, name := range classroomStudents {
		if _, err := ensureAccount(name, testComment); err != nil {
			return nil, err
		}
		a, err := lookupAccount(name)
		if err != nil || a == nil {
			return nil, fmt.Errorf("account %s: %v", name, err)
		}
		homes[name] = a.Home
	}
	return homes, nil
}

// classroom creates the accounts, starts a hub on a free loopback port, runs
// kernel/assets/classroom.mjs against it, then stops everything and removes the
// accounts, failing if any process, account or home is left behind.
func (p *project) classroom(chromium string) (err error) {
	if chromium == "" {
		return errors.New("the classroom check needs Chromium, which is not installed")
	}
	unlock, err := lockFile(classroomLock, 30*time.Minute)
	if err != nil {
		return err
	}
	defer unlock()

	// Accounts first, so that a failure anywhere after still removes them.
	defer func() {
		if cerr := removeClassroomAccounts(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	homes, err := createClassroomAccounts()
	if err != nil {
		return err
	}

	c := classInstall{Dir: classTestDir}
	if err := p.installClass(c); err != nil {
		return err
	}
	state, err := os.MkdirTemp(p.stateDir(), "classroom-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	password, err := newToken()
	if err != nil {
		return err
	}
	ports, err := freePorts(1)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	h, err := p.startHub(ctx, hubOptions{
		Students: classroomStudents, Password: password[:16], IP: "127.0.0.1", Port: ports[0],
		Install: c, State: state, JupyterPath: c.jupyterPath(),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "classroom: hub at %s for %s (log: %s)\n", h.URL, strings.Join(classroomStudents, ", "), h.Log)

	checkErr := p.classroomBrowser(ctx, chromium, h, password[:16], c, homes)

	// Everything the hub started, and everything the students run, must end with it.
	tree := descendants(h.cmd.Process.Pid)
	stopErr := h.stop()
	left := waitProcsGone(tree, classroomUIDs(), 60*time.Second)
	fmt.Fprintf(out, "classroom: stopped the hub; %d processes ran under it, %d left behind\n", len(tree), len(left))
	var leftErr error
	if len(left) > 0 {
		for _, pr := range left {
			syscall.Kill(pr.pid, syscall.SIGKILL) // started by this step's hub
		}
		leftErr = fmt.Errorf("processes left behind after the hub stopped (killed now): %s", describe(left))
	}
	if stopErr != nil {
		stopErr = fmt.Errorf("%w; last lines of the hub's log:\n%s", stopErr, tail(h.Log, 20))
	}
	err = errors.Join(checkErr, stopErr, leftErr)
	if err != nil {
		// The state folder goes away; its log is kept for the reader of the failure.
		kept := filepath.Join(p.logDir(), "classroom-jupyterhub.log")
		if data, rerr := os.ReadFile(h.Log); rerr == nil && os.WriteFile(kept, data, 0o600) == nil {
			err = fmt.Errorf("%w\n      (the hub's log: %s)", err, kept)
		}
	}
	return err
}

// classroomResult is one line of classroom.mjs's output.
type classroomResult struct {
	Check            string   `json:"check"`
	OK               bool     `json:"ok"`
	Problems         []string `json:"problems"`
	Charts           int      `json:"charts"`
	Formulas         int      `json:"formulas"`
	LoginSeconds     float64  `json:"loginSeconds"`
	FirstCellSeconds float64  `json:"firstCellSeconds"`
	RunAllSeconds    float64  `json:"runAllSeconds"`
	TrainSeconds     float64  `json:"trainSeconds"`
	Epochs           int      `json:"epochs"`
	Text             string   `json:"text"`
	Output           []string `json:"output"`
	Status           int      `json:"status"`
	Students         map[string]struct {
		RunAllSeconds float64 `json:"runAllSeconds"`
		TrainSeconds  float64 `json:"trainSeconds"`
		Epochs        int     `json:"epochs"`
		Text          string  `json:"text"`
		Error         string  `json:"error"`
	} `json:"students"`
}

// classroomBrowser runs classroom.mjs and judges each of its checks, printing one
// line per check and the measured times.
func (p *project) classroomBrowser(ctx context.Context, chromium string, h *runningHub, password string, c classInstall, homes map[string]string) error {
	shots := filepath.Join(p.Root, "out", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return err
	}
	job, err := json.Marshal(map[string]any{
		"chromium": chromium, "base": h.URL, "password": password, "students": classroomStudents, "homes": homes,
		"stranger": classroomStrang, "lessons": lessonsFolder, "welcome": "00-welcome.ipynb", "chainRule": "02-chain-rule.ipynb",
		"training": "07-reading-digits.ipynb", "install": c.Dir, "screenshots": shots,
		"limitMs": 300000, "trainingLimitMs": 900000,
	})
	if err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("the classroom check needs Node.js (node) on PATH")
	}
	cmd := exec.CommandContext(ctx, node, filepath.Join(p.assetsDir(), "classroom.mjs"), string(job))
	cmd.Dir = p.assetsDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var failed []string
	checks := 0
	fmt.Fprintf(out, "classroom: load average %s at the start (times below are measured on a machine shared with that load)\n", loadAverage())
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r classroomResult
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Check == "" {
			continue
		}
		checks++
		r.Problems = append(r.Problems, judgeClassroom(&r)...)
		fmt.Fprint(out, "classroom: "+r.String())
		if len(r.Problems) > 0 {
			failed = append(failed, r.Check+": "+r.Problems[0])
		}
	}
	waitErr := cmd.Wait()
	fmt.Fprintf(out, "classroom: load average %s at the end\n", loadAverage())
	want := len(classroomStudents) + 5 // lesson 02 per student, 2 × isolation, the stranger, 2 × training
	if waitErr != nil || checks != want {
		failed = append(failed, fmt.Sprintf("the browser check stopped after %d of %d checks (%v): %s", checks, want, waitErr, nodeError(stderr.String())))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d classroom checks failed: %s", len(failed), strings.Join(failed, "; "))
	}
	return nil
}

// loadAverage returns the 1, 5 and 15 minute load averages from /proc/loadavg.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// nodeError keeps the last lines of a Node script's stderr that are not Chromium's own log.
func nodeError(stderr string) string {
	var keep []string
	for _, line := range strings.Split(stderr, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "[pid=") || strings.HasPrefix(t, "<launch") || strings.HasPrefix(t, "at ") {
			continue
		}
		keep = append(keep, t)
	}
	return tailLines(strings.Join(keep, "\n"), 8)
}

// judgeClassroom adds what the Go side requires of a check: lesson 07 keeps its
// promise (test accuracy over 95%) for every student.
func judgeClassroom(r *classroomResult) []string {
	var problems []string
	switch r.Check {
	case "training alone":
		if err := keepsPromise("07-reading-digits.ipynb", r.Text); err != nil {
			problems = append(problems, err.Error())
		}
	case "training at once":
		for _, name := range sortedKeys(r.Students) {
			s := r.Students[name]
			if s.Error != "" {
				continue // already a problem
			}
			if err := keepsPromise("07-reading-digits.ipynb", s.Text); err != nil {
				problems = append(problems, name+": "+err.Error())
			}
		}
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (r classroomResult) String() string {
	s := fmt.Sprintf("%-4s  %-26s", map[bool]string{true: "ok", false: "FAIL"}[len(r.Problems) == 0], r.Check)
	switch {
	case strings.HasPrefix(r.Check, "chain-rule"):
		s += fmt.Sprintf(" %d charts, %d formulas; login to idle kernel %.1f s, first cell %.1f s, Run All %.1f s",
			r.Charts, r.Formulas, r.LoginSeconds, r.FirstCellSeconds, r.RunAllSeconds)
	case r.Check == "isolation api":
		s += fmt.Sprintf(" another student's files: HTTP %d", r.Status)
	case r.Check == "isolation kernel":
		s += " " + strings.Join(r.Output, " | ")
	case r.Check == "training alone":
		s += fmt.Sprintf(" %d epochs in %.1f s (Run All %.1f s), %s", r.Epochs, r.TrainSeconds, r.RunAllSeconds, accuracy(r.Text))
	case r.Check == "training at once":
		for _, name := range sortedKeys(r.Students) {
			st := r.Students[name]
			s += fmt.Sprintf("\n      %s: %d epochs in %.1f s (Run All %.1f s), %s", name, st.Epochs, st.TrainSeconds, st.RunAllSeconds, accuracy(st.Text))
		}
	}
	for _, pr := range r.Problems {
		s += "\n      " + pr
	}
	return s + "\n"
}

// accuracy returns lesson 07's printed test accuracy line, or says it is missing.
func accuracy(text string) string {
	if m := promises[0].line.FindAllString(text, -1); len(m) > 0 {
		return m[len(m)-1]
	}
	return "no test accuracy printed"
}

// removeClassroomAccounts removes the test's accounts that exist; an account of that
// name that the test did not create fails the step and is left alone.
func removeClassroomAccounts() error {
	var errs []error
	for _, name := range classroomStudents {
		a, err := lookupAccount(name)
		if err != nil || a == nil {
			errs = append(errs, err)
			continue
		}
		if left := processesOf(a.UID); len(left) > 0 {
			for _, pr := range left {
				syscall.Kill(pr.pid, syscall.SIGKILL) // the test's own account: its processes are the test's
			}
			errs = append(errs, fmt.Errorf("%s still had processes (killed): %s", name, describe(left)))
			waitProcsGone(left, nil, 10*time.Second)
		}
		errs = append(errs, removeAccount(name, testComment))
	}
	return errors.Join(errs...)
}

func classroomUIDs() map[int]bool {
	uids := map[int]bool{}
	for _, name := range classroomStudents {
		if a, _ := lookupAccount(name); a != nil {
			uids[a.UID] = true
		}
	}
	return uids
}

// lockFile takes an exclusive lock on path, waiting up to limit: two classroom steps
// (from two checkouts) would otherwise share the accounts bp-student1..3.
func lockFile(path string, limit time.Duration) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(limit)
	said := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("another classroom check has held %s for %s", path, limit)
		}
		if !said {
			fmt.Fprintf(out, "classroom: waiting for another classroom check to finish (lock %s)\n", path)
			said = true
		}
		time.Sleep(time.Second)
	}
}
