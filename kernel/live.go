package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Problems that Jupyter's own pages cause in Chromium, not the lessons: JupyterLab
// aborts a pending save of its workspace or a setting when it starts the next one, and classic
// Notebook 6's MathJax 2 requests a web font at about:blank, which fails with CORS.
// Notebook 7.6.5's page throws once as it loads, for any notebook and kernel (a
// Python notebook in a plain `jupyter notebook` does it too): its keyboard-shortcuts
// plugin reads the schema of a plugin that Notebook 7 does not load.
//
// On a busy machine jupyter_server 2.21 answers JupyterLab's poll of the kernel list
// with a 500 while a kernel is starting (its last_activity is still None; the traceback
// is in the server's log). Chromium's console repeats every failed load without its
// URL; the "HTTP <status> for <url>" line of each one is kept and judged instead.
var (
	labNoise = []string{
		`^request failed: \S+/lab/api/(workspaces|settings)/\S* \(net::ERR_ABORTED\)$`,
		`^HTTP 500 for \S+/api/kernels\?\d+$`,
		`^console error: Failed to load resource: the server responded with a status of \d+`,
	}
	notebook7Noise = append([]string{`^page error: Cannot read properties of undefined \(reading 'schema'\)$`}, labNoise...)
	classicNoise   = []string{`about:blank`, `^console error: Failed to load resource: net::ERR_FAILED$`}
)

// exposeApp lets the browser check drive JupyterLab and Notebook 7 through their
// command registry (window.jupyterapp): Run All, themes, the sidebar, output views.
var exposeApp = []string{"--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True"}

// quietLab stops JupyterLab asking, over the screenshots, whether to fetch news.
var quietLab = map[string]any{"@jupyterlab/apputils-extension:notification": map[string]any{"fetchNews": "false", "checkForUpdates": false}}

// windowingNone also attaches every cell, so a lesson's charts all draw without
// scrolling; the scroll scenario keeps JupyterLab's default windowing.
var windowingNone = map[string]any{
	"@jupyterlab/apputils-extension:notification": quietLab["@jupyterlab/apputils-extension:notification"],
	"@jupyterlab/notebook-extension:tracker":      map[string]any{"windowingMode": "none"},
}

func (p *project) liveDir() string { return filepath.Join(p.Root, "out", "live") }

// live runs every lesson with Run All in JupyterLab and in Notebook 7 on one server,
// proves the windowing, second-view, saved-outputs, resize and dark-theme cases once
// each, runs one lesson behind a base-URL prefix, and one in classic Notebook 6 where
// that is installed. Lessons are copied to out/live first: Jupyter saves what it runs.
func (r *testRun) live() error {
	p, j := r.p, r.inst.Jupyter
	if err := os.RemoveAll(p.liveDir()); err != nil {
		return err
	}
	lesson := chartLesson(r.notebooks)
	var failed []string
	if j.Lab != "" {
		if err := r.saveWithOutputs(lesson); err != nil {
			return err
		}
		// Each front end on the server that `lab --ui` starts for it: served from one
		// server, the second front end's page has errors that are Jupyter's own.
		failed = append(failed, r.liveServer(j, r.labPages(j, lesson), labOptions{UI: "lab"})...)
		failed = append(failed, r.liveServer(j, r.notebook7Pages(j), labOptions{UI: "notebook"})...)
		failed = append(failed, r.liveServer(j, r.prefixPages(j, lesson), labOptions{UI: "lab", BaseURL: "/prefix/"})...)
	} else {
		fmt.Fprintf(out, "live: skip JupyterLab 4 and Notebook 7: not installed (setup fell back to %s)\n", j.describe())
	}
	if _, classic, _ := p.findJupyter(true); classic != nil {
		failed = append(failed, r.liveServer(classic, r.classicPages(classic, lesson), labOptions{})...)
	} else {
		fmt.Fprintln(out, "live: skip classic Notebook 6.4: not installed (Debian: apt-get install jupyter-notebook)")
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d live pages failed: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// saveWithOutputs executes the lesson with nbclient into out/live/saved: a notebook
// saved with outputs that this browser did not produce, so Jupyter opens it untrusted.
func (r *testRun) saveWithOutputs(lesson string) error {
	dir := filepath.Join(r.p.liveDir(), "saved")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	results, err := r.p.execute(r.inst.Jupyter, []string{lesson}, execOptions{Timeout: r.timeout, SaveDir: dir})
	if err == nil {
		err = summarize(results)
	}
	if err != nil {
		return fmt.Errorf("running %s to save it with outputs: %v", filepath.Base(lesson), err)
	}
	return nil
}

// chartLesson is the lesson that draws the most charts (the scenarios use it).
func chartLesson(notebooks []string) string {
	best, most := notebooks[0], -1
	for _, nb := range notebooks {
		src, _ := os.ReadFile(nb)
		if n := strings.Count(string(src), "chart."); n > most {
			best, most = nb, n
		}
	}
	return best
}

// livePage copies a notebook into out/live/<dir> and describes the page that opens it.
func (r *testRun) livePage(j *jupyter, ui, dir, notebook, frontEnd string) (browserPage, error) {
	data, err := os.ReadFile(notebook)
	if err != nil {
		return browserPage{}, err
	}
	target := filepath.Join(r.p.liveDir(), dir, filepath.Base(notebook))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return browserPage{}, err
	}
	if err := os.WriteFile(target, data, 0o644); err != nil {
		return browserPage{}, err
	}
	return browserPage{
		Name:     frontEnd + "-" + dir + "-" + strings.TrimSuffix(filepath.Base(notebook), ".ipynb"),
		URL:      pageFor(j, ui, filepath.ToSlash(filepath.Join("out", "live", dir, filepath.Base(notebook)))),
		FrontEnd: frontEnd,
		Ignore:   labNoise,
		label:    map[string]string{"ui": frontEndLabel(j, frontEnd), "lesson": strings.TrimSuffix(filepath.Base(notebook), ".ipynb")},
	}, nil
}

func frontEndLabel(j *jupyter, frontEnd string) string {
	switch frontEnd {
	case "lab":
		return "jupyterlab-" + j.Lab
	case "notebook7":
		return "notebook-" + j.Notebook
	}
	return "classic-notebook-" + j.Notebook
}

// labPages are the pages checked in JupyterLab: the windowing scroll first (under
// JupyterLab's default windowing), then every lesson, then the second view, the
// saved outputs, the resize and the dark theme.
func (r *testRun) labPages(j *jupyter, lesson string) []browserPage {
	var pages []browserPage
	add := func(ui, dir, nb, frontEnd, scenario string, viewport map[string]int) {
		pg, err := r.livePage(j, ui, dir, nb, frontEnd)
		if err != nil {
			pages = append(pages, browserPage{Name: "copy-" + dir, URL: "about:blank#" + err.Error()})
			return
		}
		pg.Scenario, pg.Viewport = scenario, viewport
		pg.Settings = windowingNone
		if scenario == "scroll" {
			pg.Settings = quietLab
		}
		if scenario != "" {
			pg.label["lesson"] += " (" + scenario + ")"
		}
		pages = append(pages, pg)
	}
	add("lab", "scroll", lesson, "lab", "scroll", map[string]int{"width": 1100, "height": 700})
	for _, nb := range r.notebooks {
		add("lab", "lab", nb, "lab", "", nil)
	}
	add("lab", "second-view", lesson, "lab", "secondView", nil)
	add("lab", "saved", filepath.Join(r.p.liveDir(), "saved", filepath.Base(lesson)), "lab", "saved", nil)
	add("lab", "resize", lesson, "lab", "resize", map[string]int{"width": 900, "height": 900})
	add("lab", "dark", lesson, "lab", "dark", nil)
	return pages
}

// notebook7Pages run every lesson in Notebook 7.
func (r *testRun) notebook7Pages(j *jupyter) []browserPage {
	var pages []browserPage
	for _, nb := range r.notebooks {
		pg, err := r.livePage(j, "notebook", "notebook7", nb, "notebook7")
		if err != nil {
			pg = browserPage{Name: "copy-notebook7", URL: "about:blank#" + err.Error()}
		}
		pg.Ignore = notebook7Noise
		pages = append(pages, pg)
	}
	return pages
}

// prefixPages run one lesson in JupyterLab served under /prefix/, as JupyterHub serves
// each user; ECharts must come from under the prefix.
func (r *testRun) prefixPages(j *jupyter, lesson string) []browserPage {
	pg, err := r.livePage(j, "lab", "prefix", lesson, "lab")
	if err != nil {
		return []browserPage{{Name: "copy-prefix", URL: "about:blank#" + err.Error()}}
	}
	pg.Settings, pg.Scenario = windowingNone, "prefix"
	pg.label["lesson"] += " (base URL /prefix/)"
	return []browserPage{pg}
}

func (r *testRun) classicPages(j *jupyter, lesson string) []browserPage {
	pg, err := r.livePage(j, "notebook", "classic", lesson, "classic")
	if err != nil {
		return []browserPage{{Name: "copy-classic", URL: "about:blank#" + err.Error()}}
	}
	pg.Ignore = classicNoise
	return []browserPage{pg}
}

// liveServer starts a Jupyter server for the pages (their URLs are relative to its base
// URL), checks them in Chromium, prints a `live:` line for each and stops the server.
// It returns the names of the pages that failed.
func (r *testRun) liveServer(j *jupyter, pages []browserPage, opt labOptions) []string {
	state := filepath.Join(r.p.liveDir(), ".jupyterlab", opt.UI+strings.Trim(opt.BaseURL, "/"))
	logPath := filepath.Join(r.p.logDir(), "live-jupyter-"+frontEndLabel(j, pages[0].FrontEnd)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return []string{err.Error()}
	}
	defer logFile.Close()
	// A port the system chooses: a fixed one would race with other checks on this machine.
	ports, err := freePorts("127.0.0.1", 1)
	if err != nil {
		return []string{err.Error()}
	}
	opt.Port, opt.Log, opt.Args = ports[0], logFile, exposeApp
	if j.App == "notebook" {
		opt.Args = nil // classic Notebook has no app to expose
	}
	// The server keeps its settings and workspaces here, not in the user's ~/.jupyter.
	opt.Env = []string{"JUPYTERLAB_SETTINGS_DIR=" + filepath.Join(state, "settings"),
		"JUPYTERLAB_WORKSPACES_DIR=" + filepath.Join(state, "workspaces")}
	pages = slices.Clone(pages) // their URLs become absolute below; the caller's stay as they are
	var failed []string
	err = r.p.serve(j, opt, logPath, func(address string) error {
		u, err := url.Parse(address)
		if err != nil {
			return err
		}
		origin, base := u.Scheme+"://"+u.Host, "/"+strings.TrimLeft(opt.BaseURL, "/")
		for i := range pages {
			pages[i].Origin = origin
			pages[i].URL = origin + strings.TrimSuffix(base, "/") + "/" + pages[i].URL + "?token=" + u.Query().Get("token")
			if pages[i].FrontEnd == "lab" {
				pages[i].URL += "&reset" // start from an empty workspace, not the previous page's tabs
			}
		}
		_, err = r.p.browserCheck(r.chromium, pages, r.p.screenshotDir(), func(pg browserPage, res browserResult) {
			if pg.Scenario == "prefix" && res.EChartsURL != "" && !strings.HasPrefix(res.EChartsURL, origin+base) {
				res.OK, res.Problems = false, append(res.Problems, "ECharts came from "+res.EChartsURL+", not from under "+base)
			}
			if !res.OK {
				failed = append(failed, pg.label["ui"]+" "+pg.label["lesson"])
			}
			fmt.Fprint(out, res.line("live", fmt.Sprintf("%-18s %s", pg.label["ui"], pg.label["lesson"])))
		})
		return err
	})
	if err != nil {
		failed = append(failed, err.Error())
	}
	return failed
}

// freePorts returns n distinct ports that the IPv4 address ip ("127.0.0.1", or
// "0.0.0.0" for every address of this machine) can listen on now: ports the system
// has just handed out as free.
func freePorts(ip string, n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp4", net.JoinHostPort(ip, "0"))
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// serve runs a Jupyter server with opt until use, given its address, returns.
func (p *project) serve(j *jupyter, opt labOptions, logPath string, use func(address string) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	opt.Ready = func(u string) { ready <- u }
	go func() { done <- p.lab(ctx, j, opt) }()
	var address string
	select {
	case address = <-ready:
	case err := <-done:
		return fmt.Errorf("jupyter did not start: %v; last lines of %s:\n%s", err, logPath, tail(logPath, 10))
	}
	err := use(address)
	cancel()
	if stopErr := <-done; err == nil {
		err = stopErr
	}
	return err
}
