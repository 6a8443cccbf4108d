//go:build linux

package main

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
	"strings"
	"syscall"
	"time"
)

// What runs as a student: the two commands the hub and the kernelspec start through
// Dir/bin/backprop-class (this command, built into the shared install).
//
//	backprop-class hub singleuser ARGS...   the spawner's command: give the student the
//	                                        lessons, then exec jupyterhub-singleuser ARGS
//	backprop-class hub kernel CONNECTION    the kernelspec's argv: the student's own build
//	                                        cache and temporary folder, then exec gonb

// classOf returns the install that holds the running binary (Dir/bin/backprop-class).
func classOf() (classInstall, error) {
	exe, err := os.Executable()
	if err != nil {
		return classInstall{}, err
	}
	exe, err = filepath.EvalSymlinks(exe)
	if err != nil {
		return classInstall{}, err
	}
	c := classInstall{Dir: filepath.Dir(filepath.Dir(exe))}
	if !exists(filepath.Join(c.Dir, classMarker)) {
		return c, fmt.Errorf("%s is not inside a class install (no %s in %s)", exe, classMarker, c.Dir)
	}
	return c, nil
}

// classAndHome returns the install that holds the running binary and the home of
// the student it runs as: what both commands that run as a student start from.
func classAndHome() (classInstall, string, error) {
	c, err := classOf()
	if err != nil {
		return c, "", err
	}
	home, err := os.UserHomeDir()
	return c, home, err
}

// classSingleUser runs as the student when the hub starts their server.
func classSingleUser(args []string) error {
	c, home, err := classAndHome()
	if err != nil {
		return err
	}
	report, err := syncLessons(c.lessons(), filepath.Join(home, lessonsFolder))
	if err != nil {
		// The server still starts: the student can open what they have.
		fmt.Fprintf(os.Stderr, "backprop-class: copying the lessons: %v\n", err)
	}
	if report != "" {
		fmt.Fprintf(os.Stderr, "backprop-class: lessons in ~/%s: %s\n", lessonsFolder, report)
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

// classKernel runs as the student when their server starts a lesson's kernel: GoNB
// with the shared module as its workspace, and the student's own Go build cache
// (seeded from the install's warm one) and temporary folder under ~/.cache/backprop.
func classKernel(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: backprop-class hub kernel CONNECTION_FILE")
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
	gonb := exec.Command(filepath.Join(c.bin(), "gonb"), "--kernel", args[0], "-go_work="+c.module(),
		"-logtostderr=false", "-stderrthreshold=WARNING", "-log_file="+filepath.Join(state, "gonb.log"))
	gonb.Stdin, gonb.Stdout, gonb.Stderr = os.Stdin, os.Stdout, os.Stderr
	return superviseKernel(gonb)
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
	me, ok := readProc(os.Getpid())
	if !ok || me.sid != me.pid {
		return // not a session of our own: nothing here is ours alone
	}
	var rest []proc
	for _, pr := range processes() {
		if pr.sid == me.sid && pr.pid != me.pid && pr.uid == me.uid {
			rest = append(rest, pr)
		}
	}
	stopProcs(rest, 3*time.Second)
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
	testComment  = "backprop classroom test account (go run ./kernel test)"
)

// validUser is what the hub accepts as a student's name: a portable Unix user name,
// lower case (JupyterHub lower-cases what students type).
var validUser = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

// readStudents reads one user name per line; blank lines and # comments are skipped.
func readStudents(path string) ([]string, error) {
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
		if !validUser.MatchString(name) {
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

// account is a Unix account as the hub sees it.
type account struct {
	Name, Home, Comment string
	UID                 int
}

func lookupAccount(name string) (*account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return nil, nil
		}
		return nil, err
	}
	var uid int
	fmt.Sscan(u.Uid, &uid)
	return &account{Name: u.Username, Home: u.HomeDir, Comment: u.Name, UID: uid}, nil
}

// ensureAccount creates name's account, marked with comment and with a home only
// its owner can enter, unless an account of that name exists; it reports whether it created one.
func ensureAccount(name, comment string) (bool, error) {
	a, err := lookupAccount(name)
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
	if a, err = lookupAccount(name); err != nil || a == nil {
		return false, fmt.Errorf("useradd %s succeeded but the account cannot be found: %v", name, err)
	}
	// Debian's useradd leaves homes readable by everyone; a student's work is theirs.
	return true, os.Chmod(a.Home, 0o700)
}

// removeAccount deletes name's account and home, only if its comment is the given one.
func removeAccount(name, comment string) error {
	a, err := lookupAccount(name)
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
