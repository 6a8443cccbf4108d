//go:build linux

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
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

// classroomStudents are the throwaway accounts the step creates and removes, with
// classroomTeacher, the hub's admin.
var classroomStudents = []string{"bp-student1", "bp-student2", "bp-student3"}

const classroomTeacher = "bp-teacher"

func classroomAccounts() []string { return append(slices.Clone(classroomStudents), classroomTeacher) }

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
	for _, name := range classroomAccounts() {
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

// classroom creates the accounts and runs two hubs from the test's own install, one
// after the other: the class with a shared password on a loopback port, then a short
// one with PAM over HTTPS on every network. Then it removes the accounts, failing if
// any process, account or home is left behind.
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
	// Both hubs keep their state here: the second knows the users of the first.
	state, err := os.MkdirTemp(p.stateDir(), "classroom-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	classErr := p.classroomShared(ctx, chromium, c, state, homes)
	return errors.Join(classErr, p.classroomSecure(ctx, chromium, c, state))
}

// classroomShared runs the class: every student with the class password, the admin
// with an admin password, on a loopback port (see classPhase in classroom.mjs).
func (p *project) classroomShared(ctx context.Context, chromium string, c classInstall, state string, homes map[string]string) error {
	password, err := newToken()
	if err != nil {
		return err
	}
	adminPassword, err := newToken()
	if err != nil {
		return err
	}
	ports, err := freePorts("127.0.0.1", 1)
	if err != nil {
		return err
	}
	opt := hubOptions{
		Students: classroomStudents, Admin: classroomTeacher, Password: password[:16], AdminPassword: adminPassword,
		IP: "127.0.0.1", Port: ports[0], Install: c, State: state, JupyterPath: c.jupyterPath(),
	}
	return p.classroomHub(ctx, opt, func(h *runningHub) error {
		return p.classroomBrowser(ctx, chromium, map[string]any{
			"phase": "class", "base": h.URL, "password": opt.Password, "students": classroomStudents, "homes": homes,
			"stranger": classroomStrang, "admin": classroomTeacher, "adminPassword": adminPassword,
			"chainRule": "02-chain-rule.ipynb", "training": "07-reading-digits.ipynb", "install": c.Dir, "trainingLimitMs": 900000,
		}, len(classroomStudents)+6) // lesson 02 per student, 2 × isolation, the stranger, the admin, 2 × training
	})
}

// classroomSecure runs a short second hub as a class on a network would: PAM (each
// account gets a system password with chpasswd), HTTPS with a self-signed certificate,
// --ip 0.0.0.0, reached at this machine's network address. The third student is no
// longer on its list. See securePhase in classroom.mjs.
func (p *project) classroomSecure(ctx context.Context, chromium string, c classInstall, state string) error {
	passwords, err := setPasswords(classroomAccounts())
	if err != nil {
		return err
	}
	cert, key, err := writeSelfSigned(state, append(machineAddrs(), "localhost"))
	if err != nil {
		return err
	}
	ports, err := freePorts("0.0.0.0", 1)
	if err != nil {
		return err
	}
	opt := hubOptions{
		Students: classroomStudents[:2], Admin: classroomTeacher, IP: "0.0.0.0", Port: ports[0], SSLCert: cert, SSLKey: key,
		Install: c, State: state, JupyterPath: c.jupyterPath(),
	}
	return p.classroomHub(ctx, opt, func(h *runningHub) error {
		base := "https://" + net.JoinHostPort(networkAddress(), strconv.Itoa(ports[0])) + "/"
		if err := servesCert(base, cert); err != nil {
			return err
		}
		return p.classroomBrowser(ctx, chromium, map[string]any{
			"phase": "secure", "base": base, "passwords": passwords, "students": opt.Students,
			"student": classroomStudents[0], "refused": classroomStudents[1], "offList": classroomStudents[2],
			"admin": classroomTeacher, "lesson": "01-one-neuron.ipynb",
		}, 4) // the student's lesson, a wrong password, a student off the list, the admin
	})
}

// classroomHub starts a hub, runs check against it, requires that its processes listen
// only where they should, then stops it and requires that nothing it started is left.
func (p *project) classroomHub(ctx context.Context, opt hubOptions, check func(*runningHub) error) error {
	start := time.Now()
	h, err := p.startHub(ctx, opt)
	if err != nil {
		return err
	}
	login := map[bool]string{true: "a class password", false: "PAM"}[opt.Password != ""]
	fmt.Fprintf(out, "classroom: hub at %s (%s, listening on %s) for %s, admin %s (log: %s)\n",
		h.URL, login, opt.IP, strings.Join(opt.Students, ", "), opt.Admin, h.Log)

	checkErr := check(h)

	// Everything the hub started, and everything the students run, must end with it.
	tree := descendants(h.cmd.Process.Pid)
	listenErr := checkListeners(tree, opt)
	stopErr := h.stop()
	left := waitProcsGone(tree, classroomUIDs(), 60*time.Second)
	fmt.Fprintf(out, "classroom: stopped the hub, %s after it was started; %d processes ran under it, %d left behind\n",
		seconds(time.Since(start)), len(tree), len(left))
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
	err = errors.Join(checkErr, listenErr, stopErr, leftErr)
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
	StudentStatus    int      `json:"studentStatus"`
	Note             string   `json:"note"` // what the check saw, when no case below says it
	Students         map[string]struct {
		RunAllSeconds float64 `json:"runAllSeconds"`
		TrainSeconds  float64 `json:"trainSeconds"`
		Epochs        int     `json:"epochs"`
		Text          string  `json:"text"`
		Error         string  `json:"error"`
	} `json:"students"`
}

// classroomBrowser runs classroom.mjs with job (the fields every phase shares are added
// here) and judges each of its checks, printing one line per check and the measured
// times; it fails unless want checks reported and all passed.
func (p *project) classroomBrowser(ctx context.Context, chromium string, job map[string]any, want int) error {
	shots := p.screenshotDir()
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return err
	}
	job["chromium"], job["screenshots"], job["limitMs"] = chromium, shots, 300000
	job["lessons"], job["welcome"] = lessonsFolder, "00-welcome.ipynb"
	raw, err := json.Marshal(job)
	if err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("the classroom check needs Node.js (node) on PATH")
	}
	cmd := exec.CommandContext(ctx, node, filepath.Join(p.assetsDir(), "classroom.mjs"), string(raw))
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
	if waitErr != nil || checks != want {
		failed = append(failed, fmt.Sprintf("the browser check stopped after %d of %d checks (%v): %s", checks, want, waitErr, nodeError(stderr.String())))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d classroom checks failed: %s", len(failed), strings.Join(failed, "; "))
	}
	return nil
}

// setPasswords gives each account a new random system password with chpasswd and
// returns them by name.
func setPasswords(names []string) (map[string]string, error) {
	passwords := map[string]string{}
	var lines strings.Builder
	for _, name := range names {
		pw, err := newToken()
		if err != nil {
			return nil, err
		}
		passwords[name] = pw[:20]
		fmt.Fprintf(&lines, "%s:%s\n", name, passwords[name])
	}
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(lines.String())
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chpasswd: %v: %s", err, strings.TrimSpace(string(msg)))
	}
	return passwords, nil
}

// networkAddress is this machine's first IPv4 address that is not loopback, or
// 127.0.0.1 on a machine without a network.
func networkAddress() string {
	for _, a := range machineAddrs() {
		if ip := net.ParseIP(a); ip.To4() != nil && !ip.IsLoopback() {
			return a
		}
	}
	return "127.0.0.1"
}

// servesCert requires that base answers over HTTPS with the certificate in certFile,
// checked against it (the certificate names this machine's addresses), and prints the check.
func servesCert(base, certFile string) error {
	pem, err := os.ReadFile(certFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("%s holds no certificate", certFile)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(base + "hub/api/")
	if err != nil {
		return fmt.Errorf("https: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("https: %shub/api/ answered HTTP %d", base, resp.StatusCode)
	}
	fmt.Fprint(out, "classroom: "+classroomResult{Check: "https", Note: base + " answers with the certificate it was given (verified against it)"}.String())
	return nil
}

// checkListeners requires that, of every TCP socket the hub's processes (the hub, its
// proxy, the students' servers and kernels) listen on, only the hub's own port is on
// --ip and all others on loopback, and prints the check.
func checkListeners(tree []proc, opt hubOptions) error {
	ip, err := netip.ParseAddr(opt.IP)
	if err != nil {
		return err
	}
	r := classroomResult{Check: "listening"}
	public, others := 0, 0
	for _, l := range listeners(tree) {
		switch {
		case int(l.addr.Port()) == opt.Port && l.addr.Addr() == ip.Unmap():
			public++
		case l.addr.Addr().IsLoopback():
			others++
		default:
			r.Problems = append(r.Problems, fmt.Sprintf("%s listens on %s", describe([]proc{l.proc}), l.addr))
		}
	}
	if public == 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("no process of the hub listens on %s", net.JoinHostPort(opt.IP, strconv.Itoa(opt.Port))))
	}
	r.Note = fmt.Sprintf("the hub on %s; %d other sockets of the hub, its proxy, the servers and kernels, all on loopback",
		net.JoinHostPort(opt.IP, strconv.Itoa(opt.Port)), others)
	fmt.Fprint(out, "classroom: "+r.String())
	if len(r.Problems) > 0 {
		return fmt.Errorf("listening: %s", strings.Join(r.Problems, "; "))
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
	case strings.HasPrefix(r.Check, "chain-rule") || strings.HasPrefix(r.Check, "pam login"):
		s += fmt.Sprintf(" %d charts, %d formulas; login to idle kernel %.1f s, first cell %.1f s, Run All %.1f s",
			r.Charts, r.Formulas, r.LoginSeconds, r.FirstCellSeconds, r.RunAllSeconds)
	case r.Check == "stranger" || r.Check == "pam wrong password" || r.Check == "pam off the list":
		s += fmt.Sprintf(" login refused: HTTP %d", r.Status)
	case r.Check == "admin" || r.Check == "pam admin":
		s += fmt.Sprintf(" the admin page lists the students; a student asking for it: HTTP %d", r.StudentStatus)
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
	if r.Note != "" {
		s += " " + r.Note
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
	for _, name := range classroomAccounts() {
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
	for _, name := range classroomAccounts() {
		if a, _ := lookupAccount(name); a != nil {
			uids[a.UID] = true
		}
	}
	return uids
}

// lockFile takes an exclusive lock on path, waiting up to limit: two classroom steps
// (from two checkouts) would otherwise share the accounts bp-student1..3 and bp-teacher.
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
