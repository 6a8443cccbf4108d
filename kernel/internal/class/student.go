//go:build linux

package class

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
)

// ServerVerb and KernelVerb are the verbs of the kernel command that run as a student.
const (
	ServerVerb = "student-server"
	KernelVerb = "student-kernel"
)

// What runs as a student: the two commands the hub and the kernelspec start through
// Dir/bin/backprop-class (this command, built into the shared install).
//
//	backprop-class student-server ARGS...   the spawner's command: give the student the
//	                                        lessons, then exec jupyterhub-singleuser ARGS
//	backprop-class student-kernel CONNECTION  the kernelspec's argv: the student's own build
//	                                        cache and temporary folder, then exec gonb

// classOf returns the install that holds the running binary (Dir/bin/backprop-class).
func classOf() (Install, error) {
	exe, err := os.Executable()
	if err != nil {
		return Install{}, err
	}
	exe, err = filepath.EvalSymlinks(exe)
	if err != nil {
		return Install{}, err
	}
	c := Install{Dir: filepath.Dir(filepath.Dir(exe))}
	if !checkout.Exists(filepath.Join(c.Dir, classMarker)) {
		return c, fmt.Errorf("%s is not inside a class install (no %s in %s)", exe, classMarker, c.Dir)
	}
	return c, nil
}

// classAndHome returns the install that holds the running binary and the home of
// the student it runs as: what both commands that run as a student start from.
func classAndHome() (Install, string, error) {
	c, err := classOf()
	if err != nil {
		return c, "", err
	}
	home, err := os.UserHomeDir()
	return c, home, err
}

// StudentServer runs as the student when the hub starts their server.
func StudentServer(args []string) error {
	c, home, err := classAndHome()
	if err != nil {
		return err
	}
	report, err := syncLessons(c.lessons(), filepath.Join(home, LessonsFolder))
	if err != nil {
		// The server still starts: the student can open what they have.
		fmt.Fprintf(os.Stderr, "backprop-class: copying the lessons: %v\n", err)
	}
	if report != "" {
		fmt.Fprintf(os.Stderr, "backprop-class: lessons in ~/%s: %s\n", LessonsFolder, report)
	}
	bin := filepath.Join(c.venv(), "bin", "jupyterhub-singleuser")
	return syscall.Exec(bin, append([]string{bin}, args...), os.Environ())
}

// lessonManifest, in the student's lessons folder, records the checksum of each
// lesson as it was last given, so that a file the student has edited is recognised.
const lessonManifest = ".backprop-lessons.json"

// syncLessons gives the student the lessons in src: a lesson they do not have is
// copied; one they have is replaced by a newer version only while it is still exactly
// the copy they were given (unedited); anything they changed is never touched.
func syncLessons(src, dst string) (string, error) {
	lessons, err := filepath.Glob(filepath.Join(src, "*.ipynb"))
	if err != nil || len(lessons) == 0 {
		return "", fmt.Errorf("no lessons in %s", src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return "", err
	}
	given := map[string]string{}
	if raw, err := os.ReadFile(filepath.Join(dst, lessonManifest)); err == nil {
		json.Unmarshal(raw, &given)
	}
	var added, updated, kept []string
	for _, l := range lessons {
		name := filepath.Base(l)
		fresh, err := os.ReadFile(l)
		if err != nil {
			return "", err
		}
		freshSum := checksum(fresh)
		target := filepath.Join(dst, name)
		have, err := os.ReadFile(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if _, lerr := os.Lstat(target); lerr == nil {
				kept = append(kept, name) // a dangling link the student made: theirs
				continue
			}
			added = append(added, name)
		case err != nil:
			return "", err
		case checksum(have) == freshSum:
			given[name] = freshSum
			continue
		case given[name] != "" && checksum(have) == given[name]:
			updated = append(updated, name)
		default:
			kept = append(kept, name)
			continue
		}
		if err := copyFile(l, target, 0o644); err != nil {
			return "", err
		}
		given[name] = freshSum
	}
	raw, _ := json.MarshalIndent(given, "", "  ")
	if err := os.WriteFile(filepath.Join(dst, lessonManifest), append(raw, '\n'), 0o644); err != nil {
		return "", err
	}
	var parts []string
	for _, p := range []struct {
		what  string
		names []string
	}{{"added", added}, {"updated", updated}, {"kept as edited", kept}} {
		if len(p.names) > 0 {
			parts = append(parts, p.what+" "+strings.Join(p.names, ", "))
		}
	}
	return strings.Join(parts, "; "), nil
}

func checksum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// StudentKernel runs as the student when their server starts a lesson's kernel: GoNB
// with the shared module as its workspace, and the student's own Go build cache
// (seeded from the install's warm one) and temporary folder under ~/.cache/backprop.
func StudentKernel(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: backprop-class %s CONNECTION_FILE", KernelVerb)
	}
	c, home, err := classAndHome()
	if err != nil {
		return err
	}
	state := filepath.Join(home, ".cache", "backprop")
	tmp := filepath.Join(state, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	if os.Getenv("GOCACHE") == "" {
		cache := filepath.Join(state, "go-build")
		if err := seedBuildCache(c.seed(), cache); err != nil {
			fmt.Fprintf(os.Stderr, "backprop-class: seeding the Go build cache: %v (the first cell compiles from scratch)\n", err)
		}
		os.Setenv("GOCACHE", cache)
	}
	// GoNB compiles each cell in a folder under TMPDIR; lesson 07 keeps its trained
	// network there too. Each student has their own.
	os.Setenv("TMPDIR", tmp)
	startRenderer(tmp, state)
	gonb := exec.Command(filepath.Join(c.bin(), "gonb"), "--kernel", args[0], "-go_work="+c.module(),
		"-logtostderr=false", "-stderrthreshold=WARNING", "-log_file="+filepath.Join(state, "gonb.log"))
	gonb.Stdin, gonb.Stdout, gonb.Stderr = os.Stdin, os.Stdout, os.Stderr
	return superviseKernel(gonb)
}

// startRenderer starts the student's warm chart renderer (see kernel/display) beside
// their kernel, in this session, so that it ends with the kernel; without it, charts
// show without their pictures, and the kernel's log says why.
func startRenderer(tmp, state string) {
	bundle, err := display.EChartsFile()
	if err == nil {
		var p *os.Process
		if p, err = display.StartRenderer(filepath.Join(tmp, display.RendererSocketName), bundle, os.Getpid(), false); err == nil {
			go p.Wait()
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "backprop-class: the chart renderer: %v (charts show without their pictures)\n", err)
	}
}

// superviseKernel runs the kernel as a child, passes the signals Jupyter sends on to
// it, and once it has exited ends whatever it left in this session: GoNB starts gopls
// in a process group of its own, and when GoNB dies abruptly (GoNB 0.11.4 panics
// when a shutdown request and SIGTERM arrive together) gopls would run on, orphaned,
// as the student. Jupyter starts each kernel in a new session, so the session is the
// kernel's and nothing else's.
func superviseKernel(cmd *exec.Cmd) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			cmd.Process.Signal(sig)
		case err := <-done:
			endSession()
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				os.Exit(max(exit.ExitCode(), 1))
			}
			return err
		}
	}
}

// endSession stops the other processes of this process's session, if it leads one.
func endSession() {
	me, ok := procs.Read(os.Getpid())
	if !ok || me.SID != me.PID {
		return // not a session of our own: nothing here is ours alone
	}
	var rest []procs.Proc
	for _, pr := range procs.All() {
		if pr.SID == me.SID && pr.PID != me.PID && pr.UID == me.UID {
			rest = append(rest, pr)
		}
	}
	procs.Stop(rest, 3*time.Second)
}

// seedBuildCache copies into cache every entry of the seed it lacks. Entries are
// named by their content's hash, so an existing one is never replaced; each is
// written through a temporary file, so two kernels starting at once are safe.
// A stamp beside the cache skips the walk once the seed has been copied.
func seedBuildCache(seed, cache string) error {
	stamp, err := os.ReadFile(seed + ".stamp")
	if err != nil {
		return err
	}
	mine := cache + ".seeded"
	if old, err := os.ReadFile(mine); err == nil && string(old) == string(stamp) {
		return nil
	}
	err = filepath.WalkDir(seed, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(seed, path)
		if !strings.Contains(rel, string(filepath.Separator)) {
			return nil // README, trim.txt: the go command writes its own
		}
		dst := filepath.Join(cache, rel)
		if _, err := os.Lstat(dst); err == nil {
			return nil
		}
		return copyFile(path, dst, 0o644)
	})
	if err != nil {
		return err
	}
	return os.WriteFile(mine, stamp, 0o644)
}

// Accounts. The hub creates a Unix account for each student who has none, and
// marks it in the comment field; an account it did not create is never changed.
const (
	classComment = "backprop class student (created by go run ./kernel hub)"
	adminComment = "backprop class admin (created by go run ./kernel hub)"
)

// ValidUser is what the hub accepts as a student's name: a portable Unix user name,
// lower case (JupyterHub lower-cases what students type).
var ValidUser = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

// ReadStudents reads one user name per line; blank lines and # comments are skipped.
func ReadStudents(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		name := strings.TrimSpace(line)
		if name == "" {
			continue
		}
		if !ValidUser.MatchString(name) {
			return nil, fmt.Errorf("%s:%d: %q is not a user name this hub accepts (lower-case letters, digits, _ and -, starting with a letter or _, at most 32)", path, n, name)
		}
		if name == "root" {
			return nil, fmt.Errorf("%s:%d: root cannot be a student", path, n)
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s lists no students (one user name per line)", path)
	}
	return names, nil
}

// Account is a Unix account as the hub sees it.
type Account struct {
	Name, Home, Comment string
	UID                 int
}

// LookupAccount returns the account called name, or nil when there is none.
func LookupAccount(name string) (*Account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return nil, nil
		}
		return nil, err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("the account %s has the user ID %q, which is not a number", name, u.Uid)
	}
	return &Account{Name: u.Username, Home: u.HomeDir, Comment: u.Name, UID: uid}, nil
}

// EnsureAccount creates name's account, marked with comment and with a home only
// its owner can enter, unless an account of that name exists; it reports whether it created one.
func EnsureAccount(name, comment string) (bool, error) {
	a, err := LookupAccount(name)
	if err != nil {
		return false, err
	}
	if a != nil {
		return false, nil
	}
	cmd := exec.Command("useradd", "--create-home", "--shell", "/bin/bash", "--comment", comment, name)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return false, fmt.Errorf("useradd %s: %v: %s", name, err, strings.TrimSpace(string(msg)))
	}
	if a, err = LookupAccount(name); err != nil || a == nil {
		return false, fmt.Errorf("useradd %s succeeded but the account cannot be found: %v", name, err)
	}
	// Debian's useradd leaves homes readable by everyone; a student's work is theirs.
	return true, os.Chmod(a.Home, 0o700)
}
