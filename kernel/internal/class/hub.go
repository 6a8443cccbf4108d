//go:build linux

package class

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
	"github.com/chainrule-go/backprop/kernel/internal/server"
)

// installOnly builds the shared install and the system-wide kernelspec, for a hub of the user's own.
func installOnly(c Install) error {
	p, _, err := install.Here()
	if err != nil {
		return err
	}
	if err := Build(p, c); err != nil {
		return err
	}
	fmt.Fprintf(checkout.Out, "hub: the shared install is ready in %s; the kernelspec %s is in %s.\n"+
		"hub: a hub of your own serves ECharts by starting each server with --ServerApp.extra_static_paths=%s\n",
		c.Dir, install.KernelName, SystemKernels, c.static())
	return nil
}

// prepare builds the shared install, the admin's password and the accounts that are missing.
func prepare(p *checkout.Checkout, opt *Options) error {
	opt.State = filepath.Join(p.StateDir(), "hub")
	if err := Build(p, opt.Install); err != nil {
		return err
	}
	if opt.Password != "" && opt.Admin != "" {
		// JupyterHub's shared-password login gives admins a password of their own, 32 characters or more.
		var err error
		if opt.AdminPassword, err = adminPassword(opt.State); err != nil {
			return err
		}
	}
	for _, name := range append(slices.Clone(opt.Students), adminList(opt.Admin)...) {
		comment := opt.accountComment(name)
		created, err := EnsureAccount(name, comment)
		if err != nil {
			return err
		}
		if created {
			checkout.Status("account "+name, "created")
		} else if a, _ := LookupAccount(name); a != nil && a.Comment != comment {
			checkout.Status("account "+name, "exists; used as it is")
		}
	}
	return nil
}

// accountComment is what the hub writes in the comment field of an account it creates
// for name: the admin is marked as the admin unless the admin is also a student.
func (opt *Options) accountComment(name string) string {
	if name == opt.Admin && !slices.Contains(opt.Students, name) {
		return adminComment
	}
	return classComment
}

// serve starts the hub, says how to log in, and runs it until Ctrl-C.
func serve(p *checkout.Checkout, opt Options, passwordFile string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := Start(ctx, p, opt)
	if err != nil {
		return err
	}
	announceClass(opt, passwordFile, h.Log)
	select {
	case <-h.exited:
		return fmt.Errorf("the hub stopped by itself (%v); see %s", h.waitErr, h.Log)
	case <-ctx.Done():
		fmt.Fprintln(checkout.Out, "hub: stopping the hub, the students' servers and their kernels ...")
		return h.Stop()
	}
}

// announceClass prints where the class is open, how students and the admin log in,
// and what stands in their way: plain HTTP on a network, accounts without a password.
func announceClass(opt Options, passwordFile, log string) {
	fmt.Fprintf(checkout.Out, "\nhub: the class is open at\n\n    %s\n\n", strings.Join(URLs(opt.scheme(), opt.IP, opt.Port), "\n    "))
	if !loopback(opt.IP) && opt.SSLCert == "" {
		fmt.Fprintln(checkout.Out, "hub: WARNING: plain HTTP on a network: passwords cross it readable by anyone on it.\n"+
			"hub: pass --ssl-cert and --ssl-key, or keep --ip 127.0.0.1 behind a TLS reverse proxy.")
	}
	if opt.Password != "" {
		fmt.Fprintf(checkout.Out, "hub: students log in with their user name and the class password from %s.\n", passwordFile)
		if opt.Admin != "" {
			fmt.Fprintf(checkout.Out, "hub: %s (admin) logs in with the admin password in %s and manages the class at /hub/admin.\n", opt.Admin, filepath.Join(opt.State, "admin-password"))
		}
	} else {
		fmt.Fprintln(checkout.Out, "hub: students log in with their user name and system password.")
		if opt.Admin != "" {
			fmt.Fprintf(checkout.Out, "hub: %s (admin) logs in with their system password and manages the class at /hub/admin.\n", opt.Admin)
		}
		if none := withoutPassword(append(slices.Clone(opt.Students), adminList(opt.Admin)...), "/etc/shadow"); len(none) > 0 {
			fmt.Fprintf(checkout.Out, "hub: %d of these accounts have no password yet and cannot log in until one is set\n"+
				"hub: (as root: chpasswd, reading NAME:PASSWORD lines): %s\n", len(none), strings.Join(none, ", "))
		}
	}
	fmt.Fprintf(checkout.Out, "hub: %d students may log in; the hub's log is %s.\nhub: press Ctrl-C to stop the hub, every student's server and their kernels.\n", len(opt.Students), log)
}

// withoutPassword returns those of names whose entry in the shadow file has no
// password to log in with (empty, or locked with ! or *, as useradd leaves it).
func withoutPassword(names []string, shadow string) []string {
	raw, err := os.ReadFile(shadow)
	if err != nil {
		return nil
	}
	hash := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Split(line, ":"); len(f) > 1 {
			hash[f[0]] = f[1]
		}
	}
	var none []string
	for _, n := range names {
		if h, ok := hash[n]; ok && (h == "" || strings.HasPrefix(h, "!") || strings.HasPrefix(h, "*")) {
			none = append(none, n)
		}
	}
	return none
}

func adminList(admin string) []string {
	if admin == "" {
		return nil
	}
	return []string{admin}
}

// ReadPassword reads the class password: the file's first line, 8 characters or more.
func ReadPassword(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	pw := strings.TrimSpace(checkout.FirstLine(string(raw)))
	if len(pw) < 8 {
		return "", fmt.Errorf("the class password in %s is %d characters long; JupyterHub requires at least 8", path, len(pw))
	}
	return pw, nil
}

// adminPassword returns the admin's password kept in state/admin-password (readable by
// root only), making a random one the first time.
func adminPassword(state string) (string, error) {
	file := filepath.Join(state, "admin-password")
	if raw, err := os.ReadFile(file); err == nil && len(strings.TrimSpace(string(raw))) >= 32 {
		return strings.TrimSpace(string(raw)), nil
	}
	pw, err := server.NewToken()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(state, 0o700); err != nil {
		return "", err
	}
	return pw, os.WriteFile(file, []byte(pw+"\n"), 0o600)
}

// Options configures one hub.
type Options struct {
	Students      []string
	Admin         string
	Password      string // the class password; "" means PAM (system passwords)
	AdminPassword string // with Password and Admin: the admin's own
	IP            string
	Port          int
	SSLCert       string
	SSLKey        string
	Install       Install
	State         string // the hub's database, cookie secret, configuration and log
	// JupyterPath, when set, is where the students' servers look for the kernelspec
	// first (the classroom test's own install).
	JupyterPath string
}

// scheme is the hub's URL scheme: https with a certificate, else http.
func (opt *Options) scheme() string {
	if opt.SSLCert != "" {
		return "https"
	}
	return "http"
}

// hubConfig is what the generated jupyterhub_config.py reads from hub.json beside it.
type hubConfig struct {
	BindURL       string            `json:"bind_url"`
	HubBindURL    string            `json:"hub_bind_url"`
	ProxyAPIURL   string            `json:"proxy_api_url"`
	ProxyCommand  []string          `json:"proxy_command"`
	DBURL         string            `json:"db_url"`
	CookieSecret  string            `json:"cookie_secret_file"`
	Students      []string          `json:"students"`
	Admins        []string          `json:"admins"`
	Password      string            `json:"password,omitempty"`
	AdminPassword string            `json:"admin_password,omitempty"`
	SSLCert       string            `json:"ssl_cert,omitempty"`
	SSLKey        string            `json:"ssl_key,omitempty"`
	SpawnerCmd    []string          `json:"spawner_cmd"`
	SpawnerArgs   []string          `json:"spawner_args"`
	SpawnerEnv    map[string]string `json:"spawner_env"`
	DefaultURL    string            `json:"default_url"`
}

// hubConfigPy reads hub.json; everything the hub does is set here, in one place.
const hubConfigPy = `# Written by go run ./kernel hub; the values are in hub.json beside this file.
import json, os

cfg = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hub.json")))

c.JupyterHub.bind_url = cfg["bind_url"]
c.JupyterHub.hub_bind_url = cfg["hub_bind_url"]
c.JupyterHub.db_url = cfg["db_url"]
c.JupyterHub.cookie_secret_file = cfg["cookie_secret_file"]
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server
c.JupyterHub.cleanup_proxy = True
c.ConfigurableHTTPProxy.api_url = cfg["proxy_api_url"]
c.ConfigurableHTTPProxy.command = cfg["proxy_command"]
if cfg.get("ssl_cert"):
    c.JupyterHub.ssl_cert = cfg["ssl_cert"]
    c.JupyterHub.ssl_key = cfg["ssl_key"]

# Only the listed students, and the admin, may log in.
c.Authenticator.allowed_users = set(cfg["students"])
c.Authenticator.admin_users = set(cfg.get("admins") or [])
# Not those of an earlier run whom the list no longer names (JupyterHub's default
# lets every user in its database log in again).
c.Authenticator.allow_existing_users = False
if cfg.get("password"):
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = cfg["password"]
    if cfg.get("admin_password"):
        c.SharedPasswordAuthenticator.admin_password = cfg["admin_password"]
else:
    c.JupyterHub.authenticator_class = "pam"

# Each student's server runs as that student, from the shared install: the command
# first copies the lessons into the student's home, then starts jupyterhub-singleuser.
from jupyterhub.spawner import LocalProcessSpawner


class ClassSpawner(LocalProcessSpawner):
    """Stops a student's server with SIGTERM first. jupyter_server shuts its kernels down
    on SIGTERM; on SIGINT, when not on a terminal, it exits at once and leaves them running."""

    async def stop(self, now=False):
        return await super().stop(now=True)  # SIGTERM, then SIGKILL after term_timeout


c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.term_timeout = 30  # time for the server to shut its kernels down
c.Spawner.cmd = cfg["spawner_cmd"]
c.Spawner.args = cfg["spawner_args"]
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = cfg["spawner_env"]
c.Spawner.default_url = cfg["default_url"]
# A server starting while thirty others compile Go on two cores can be slow.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
`

// Hub is a started hub.
type Hub struct {
	URL     string // an address of the hub on this machine (loopback for an unspecified --ip)
	Log     string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
}

// hubConfigFor is the configuration that jupyterhub_config.py reads: the addresses,
// the proxy, the login, and how each student's server starts.
func hubConfigFor(p *checkout.Checkout, opt Options) (hubConfig, error) {
	c := opt.Install
	proxy := filepath.Join(p.AssetsDir(), "node_modules", ".bin", "configurable-http-proxy")
	if !checkout.Exists(proxy) {
		return hubConfig{}, fmt.Errorf("configurable-http-proxy is not installed in %s; run `go run ./kernel setup`", filepath.Dir(proxy))
	}
	ports, err := server.FreePorts("127.0.0.1", 2)
	if err != nil {
		return hubConfig{}, err
	}
	env := map[string]string{
		"PATH": c.venv() + "/bin:/usr/local/bin:/usr/bin:/bin",
	}
	if opt.JupyterPath != "" {
		env["JUPYTER_PATH"] = opt.JupyterPath
	}
	return hubConfig{
		BindURL:      fmt.Sprintf("%s://%s/", opt.scheme(), net.JoinHostPort(opt.IP, strconv.Itoa(opt.Port))),
		HubBindURL:   fmt.Sprintf("http://127.0.0.1:%d", ports[0]),
		ProxyAPIURL:  fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		ProxyCommand: []string{proxy},
		DBURL:        "sqlite:///" + filepath.Join(opt.State, "jupyterhub.sqlite"),
		CookieSecret: filepath.Join(opt.State, "jupyterhub_cookie_secret"),
		Students:     opt.Students,
		Admins:       adminList(opt.Admin),
		Password:     opt.Password, AdminPassword: opt.AdminPassword,
		SSLCert: opt.SSLCert, SSLKey: opt.SSLKey,
		SpawnerCmd: []string{c.tool(), ServerVerb},
		// ECharts is served by each student's server at /user/<name>/static/echarts.min.js.
		SpawnerArgs: []string{"--ServerApp.extra_static_paths=" + c.static()},
		SpawnerEnv:  env,
		DefaultURL:  "/lab/tree/" + LessonsFolder + "/00-welcome.ipynb",
	}, nil
}

// writeHubConfig writes cfg as hub.json and the jupyterhub_config.py that reads it
// into state, and returns the path of the latter.
func writeHubConfig(state string, cfg hubConfig) (string, error) {
	raw, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(state, "hub.json"), raw, 0o600); err != nil {
		return "", err
	}
	configPy := filepath.Join(state, "jupyterhub_config.py")
	return configPy, os.WriteFile(configPy, []byte(hubConfigPy), 0o600)
}

// Start writes the hub's configuration into opt.State and starts JupyterHub (with
// configurable-http-proxy from kernel/assets) in a process group of its own, returning
// once the hub answers through the proxy. ctx ending before then stops it.
func Start(ctx context.Context, p *checkout.Checkout, opt Options) (*Hub, error) {
	c := opt.Install
	if err := os.MkdirAll(opt.State, 0o700); err != nil {
		return nil, err
	}
	cfg, err := hubConfigFor(p, opt)
	if err != nil {
		return nil, err
	}
	configPy, err := writeHubConfig(opt.State, cfg)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(opt.State, "jupyterhub.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "\n==== %s: starting the hub on %s\n", time.Now().Format(time.RFC3339), cfg.BindURL)

	token, err := server.NewToken()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(c.venv(), "bin", "jupyterhub"), "-f", configPy)
	cmd.Dir = opt.State
	cmd.Env = append(cleanJupyterEnv(os.Environ()), "CONFIGPROXY_AUTH_TOKEN="+token)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = procs.OwnGroup()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting jupyterhub: %w", err)
	}
	h := &Hub{Log: logPath, cmd: cmd, exited: make(chan struct{})}
	go func() { h.waitErr = cmd.Wait(); close(h.exited) }()
	// On an unspecified --ip (0.0.0.0, ::) the hub is asked for through loopback.
	urls := URLs(opt.scheme(), opt.IP, opt.Port)
	h.URL = urls[len(urls)-1]
	if err := h.waitReady(ctx, 3*time.Minute); err != nil {
		stopErr := h.Stop()
		return nil, errors.Join(err, stopErr)
	}
	return h, nil
}

// PID is the hub's process: everything the class runs descends from it.
func (h *Hub) PID() int { return h.cmd.Process.Pid }

// waitReady polls the hub's API through the proxy until it answers.
func (h *Hub) waitReady(ctx context.Context, limit time.Duration) error {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // only asking whether it is up
	}}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(h.URL + "hub/api/"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-h.exited:
			return fmt.Errorf("jupyterhub exited before it answered (%v); last lines of %s:\n%s", h.waitErr, h.Log, checkout.Tail(h.Log, 20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
	return fmt.Errorf("jupyterhub did not answer at %shub/api/ within %s; last lines of %s:\n%s", h.URL, limit, h.Log, checkout.Tail(h.Log, 20))
}

// Stop sends the hub SIGTERM, on which it stops every student's server (which stop
// their kernels) and the proxy; after 90 s it kills the hub's process group.
func (h *Hub) Stop() error {
	select {
	case <-h.exited:
		return nil
	default:
	}
	procs.SignalGroup(h.cmd, syscall.SIGTERM)
	select {
	case <-h.exited:
		return nil
	case <-time.After(90 * time.Second):
		procs.SignalGroup(h.cmd, syscall.SIGKILL)
		<-h.exited
		return fmt.Errorf("jupyterhub did not stop within 90 s and was killed; see %s", h.Log)
	}
}
