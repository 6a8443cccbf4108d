//go:build linux

package selftest

import (
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

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/class"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
	"github.com/chainrule-go/backprop/kernel/internal/server"
)

// The classroom step of `kernel test`: a real JupyterHub, real accounts, real Chromium.
const (
	testComment     = "backprop classroom test account (go run ./kernel test)"
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
	return classroom(r.p, r.chromium)
}

// createClassroomAccounts removes the test accounts a killed run left, creates them
// afresh and returns their homes by name.
func createClassroomAccounts() (map[string]string, error) {
	if err := removeClassroomAccounts(); err != nil {
		return nil, err
	}
	homes := map[string]string{}
	for _, name := range classroomAccounts() {
		if _, err := class.EnsureAccount(name, testComment); err != nil {
			return nil, err
		}
		a, err := class.LookupAccount(name)
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
func classroom(p *checkout.Checkout, chromium string) (err error) {
	if chromium == "" {
		return errors.New("the classroom check needs Chromium, which is not installed")
	}
	unlock, err := procs.Lock(classroomLock, 30*time.Minute, func() {
		fmt.Fprintf(checkout.Out, "classroom: waiting for another classroom check to finish (lock %s)\n", classroomLock)
	})
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
	c := class.Install{Dir: classTestDir}
	if err := class.Build(p, c); err != nil {
		return err
	}
	// Both hubs keep their state here: the second knows the users of the first.
	state, err := os.MkdirTemp(p.StateDir(), "classroom-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	classErr := classroomShared(ctx, p, chromium, c, state, homes)
	return errors.Join(classErr, classroomSecure(ctx, p, chromium, c, state))
}

// classroomShared runs the class: every student with the class password, the admin
// with an admin password, on a loopback port (see classPhase in classroom.mjs).
func classroomShared(ctx context.Context, p *checkout.Checkout, chromium string, c class.Install, state string, homes map[string]string) error {
	password, err := server.NewToken()
	if err != nil {
		return err
	}
	adminPassword, err := server.NewToken()
	if err != nil {
		return err
	}
	ports, err := server.FreePorts("127.0.0.1", 1)
	if err != nil {
		return err
	}
	opt := class.Options{
		Students: classroomStudents, Admin: classroomTeacher, Password: password[:16], AdminPassword: adminPassword,
		IP: "127.0.0.1", Port: ports[0], Install: c, State: state, JupyterPath: c.JupyterPath(),
	}
	return classroomHub(ctx, p, opt, func(h *class.Hub) error {
		return classroomBrowser(ctx, p, chromium, map[string]any{
			"phase": "class", "base": h.URL, "password": opt.Password, "students": classroomStudents, "homes": homes,
			"stranger": classroomStrang, "admin": classroomTeacher, "adminPassword": adminPassword,
			"chainRule": "02-chain-rule.ipynb", "training": nbrun.ReadingDigits, "install": c.Dir, "trainingLimitMs": 900000,
		}, len(classroomStudents)+6) // lesson 02 per student, 2 × isolation, the stranger, the admin, 2 × training
	})
}

// classroomSecure runs a short second hub as a class on a network would: PAM (each
// account gets a system password with chpasswd), HTTPS with a self-signed certificate,
// --ip 0.0.0.0, reached at this machine's network address. The third student is no
// longer on its list. See securePhase in classroom.mjs.
func classroomSecure(ctx context.Context, p *checkout.Checkout, chromium string, c class.Install, state string) error {
	passwords, err := setPasswords(classroomAccounts())
	if err != nil {
		return err
	}
	cert, key, err := class.WriteSelfSigned(state, append(class.MachineAddrs(), "localhost"))
	if err != nil {
		return err
	}
	ports, err := server.FreePorts("0.0.0.0", 1)
	if err != nil {
		return err
	}
	opt := class.Options{
		Students: classroomStudents[:2], Admin: classroomTeacher, IP: "0.0.0.0", Port: ports[0], SSLCert: cert, SSLKey: key,
		Install: c, State: state, JupyterPath: c.JupyterPath(),
	}
	return classroomHub(ctx, p, opt, func(h *class.Hub) error {
		base := "https://" + net.JoinHostPort(networkAddress(), strconv.Itoa(ports[0])) + "/"
		if err := servesCert(base, cert); err != nil {
			return err
		}
		return classroomBrowser(ctx, p, chromium, map[string]any{
			"phase": "secure", "base": base, "passwords": passwords, "students": opt.Students,
			"student": classroomStudents[0], "refused": classroomStudents[1], "offList": classroomStudents[2],
			"admin": classroomTeacher, "lesson": "01-one-neuron.ipynb",
		}, 4) // the student's lesson, a wrong password, a student off the list, the admin
	})
}

// classroomHub starts a hub, runs check against it, requires that its processes listen
// only where they should, then stops it and requires that nothing it started is left.
func classroomHub(ctx context.Context, p *checkout.Checkout, opt class.Options, check func(*class.Hub) error) error {
	start := time.Now()
	h, err := class.Start(ctx, p, opt)
	if err != nil {
		return err
	}
	login := "PAM"
	if opt.Password != "" {
		login = "a class password"
	}
	fmt.Fprintf(checkout.Out, "classroom: hub at %s (%s, listening on %s) for %s, admin %s (log: %s)\n",
		h.URL, login, opt.IP, strings.Join(opt.Students, ", "), opt.Admin, h.Log)

	checkErr := check(h)

	// Everything the hub started, and everything the students run, must end with it.
	tree := procs.Descendants(h.PID())
	listenErr := checkListeners(tree, opt)
	stopErr := h.Stop()
	left := procs.WaitGone(tree, classroomUIDs(), 60*time.Second)
	fmt.Fprintf(checkout.Out, "classroom: stopped the hub, %s after it was started; %d processes ran under it, %d left behind\n",
		checkout.Seconds(time.Since(start)), len(tree), len(left))
	var leftErr error
	if len(left) > 0 {
		for _, pr := range left {
			syscall.Kill(pr.PID, syscall.SIGKILL) // started by this step's hub
		}
		leftErr = fmt.Errorf("processes left behind after the hub stopped (killed now): %s", procs.Describe(left))
	}
	if stopErr != nil {
		stopErr = fmt.Errorf("%w; last lines of the hub's log:\n%s", stopErr, checkout.Tail(h.Log, 20))
	}
	err = errors.Join(checkErr, listenErr, stopErr, leftErr)
	if err != nil {
		// The state folder goes away; its log is kept for the reader of the failure.
		kept := filepath.Join(p.LogDir(), "classroom-jupyterhub.log")
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
func classroomBrowser(ctx context.Context, p *checkout.Checkout, chromium string, job map[string]any, want int) error {
	shots := screenshotDir(p)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return err
	}
	job["chromium"], job["screenshots"], job["limitMs"] = chromium, shots, 300000
	job["lessons"], job["welcome"] = class.LessonsFolder, "00-welcome.ipynb"
	raw, err := json.Marshal(job)
	if err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("the classroom check needs Node.js (node) on PATH")
	}
	cmd := exec.CommandContext(ctx, node, filepath.Join(p.AssetsDir(), "classroom.mjs"), string(raw))
	cmd.Dir = p.AssetsDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	var failed []string
	checks := 0
	fmt.Fprintf(checkout.Out, "classroom: load average %s at the start (times below are measured on a machine shared with that load)\n", loadAverage())
	waitErr := checkout.ReadJSONLines(cmd, func(line []byte) error {
		var r classroomResult
		if err := json.Unmarshal(line, &r); err != nil || r.Check == "" {
			return fmt.Errorf("%w from the classroom check: %q", checkout.ErrNotJSON, line)
		}
		checks++
		r.Problems = append(r.Problems, judgeClassroom(&r)...)
		fmt.Fprint(checkout.Out, "classroom: "+r.String())
		if len(r.Problems) > 0 {
			failed = append(failed, r.Check+": "+r.Problems[0])
		}
		return nil
	})
	fmt.Fprintf(checkout.Out, "classroom: load average %s at the end\n", loadAverage())
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
		pw, err := server.NewToken()
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
	for _, a := range class.MachineAddrs() {
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
	fmt.Fprint(checkout.Out, "classroom: "+classroomResult{Check: "https", Note: base + " answers with the certificate it was given (verified against it)"}.String())
	return nil
}

// checkListeners requires that, of every TCP socket the hub's processes (the hub, its
// proxy, the students' servers and kernels) listen on, only the hub's own port is on
// --ip and all others on loopback, and prints the check.
func checkListeners(tree []procs.Proc, opt class.Options) error {
	ip, err := netip.ParseAddr(opt.IP)
	if err != nil {
		return err
	}
	r := classroomResult{Check: "listening"}
	public, others := 0, 0
	for _, l := range procs.Listeners(tree) {
		switch {
		case int(l.Addr.Port()) == opt.Port && l.Addr.Addr() == ip.Unmap():
			public++
		case l.Addr.Addr().IsLoopback():
			others++
		default:
			r.Problems = append(r.Problems, fmt.Sprintf("%s listens on %s", procs.Describe([]procs.Proc{l.Proc}), l.Addr))
		}
	}
	if public == 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("no process of the hub listens on %s", net.JoinHostPort(opt.IP, strconv.Itoa(opt.Port))))
	}
	r.Note = fmt.Sprintf("the hub on %s; %d other sockets of the hub, its proxy, the servers and kernels, all on loopback",
		net.JoinHostPort(opt.IP, strconv.Itoa(opt.Port)), others)
	fmt.Fprint(checkout.Out, "classroom: "+r.String())
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
	return checkout.TailLines(strings.Join(keep, "\n"), 8)
}

// judgeClassroom adds what the Go side requires of a check: lesson 07 keeps its
// promise (test accuracy over 95%) for every student.
func judgeClassroom(r *classroomResult) []string {
	var problems []string
	switch r.Check {
	case "training alone":
		if err := nbrun.KeepsPromise(nbrun.ReadingDigits, r.Text); err != nil {
			problems = append(problems, err.Error())
		}
	case "training at once":
		for _, name := range sortedKeys(r.Students) {
			s := r.Students[name]
			if s.Error != "" {
				continue // already a problem
			}
			if err := nbrun.KeepsPromise(nbrun.ReadingDigits, s.Text); err != nil {
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

// String formats a check as its report line, with what it measured and its problems.
func (r classroomResult) String() string {
	verdict := "FAIL"
	if len(r.Problems) == 0 {
		verdict = "ok"
	}
	s := fmt.Sprintf("%-4s  %-26s", verdict, r.Check)
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
	if line := nbrun.PromisedLine(nbrun.ReadingDigits, text); line != "" {
		return line
	}
	return "no test accuracy printed"
}

// removeClassroomAccounts removes the test's accounts that exist; an account of that
// name that the test did not create fails the step and is left alone.
func removeClassroomAccounts() error {
	var errs []error
	for _, name := range classroomAccounts() {
		a, err := class.LookupAccount(name)
		if err != nil || a == nil {
			errs = append(errs, err)
			continue
		}
		if left := procs.Of(a.UID); len(left) > 0 {
			for _, pr := range left {
				syscall.Kill(pr.PID, syscall.SIGKILL) // the test's own account: its processes are the test's
			}
			errs = append(errs, fmt.Errorf("%s still had processes (killed): %s", name, procs.Describe(left)))
			procs.WaitGone(left, nil, 10*time.Second)
		}
		errs = append(errs, removeAccount(name, testComment))
	}
	return errors.Join(errs...)
}

func classroomUIDs() map[int]bool {
	uids := map[int]bool{}
	for _, name := range classroomAccounts() {
		if a, _ := class.LookupAccount(name); a != nil {
			uids[a.UID] = true
		}
	}
	return uids
}

// removeAccount deletes name's account and home, only if its comment is the given one.
func removeAccount(name, comment string) error {
	a, err := class.LookupAccount(name)
	if err != nil || a == nil {
		return err
	}
	if a.Comment != comment {
		return fmt.Errorf("the account %s was not created by this project (comment %q); it is left alone", name, a.Comment)
	}
	cmd := exec.Command("userdel", "--remove", name)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("userdel --remove %s: %v: %s", name, err, strings.TrimSpace(string(msg)))
	}
	if _, err := os.Stat(a.Home); err == nil {
		return fmt.Errorf("userdel removed %s but its home %s is still there", name, a.Home)
	}
	return nil
}
