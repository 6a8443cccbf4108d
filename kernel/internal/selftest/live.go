package selftest

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/server"
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

func liveDir(p *checkout.Checkout) string { return filepath.Join(p.Root, "out", "live") }

// live runs every lesson with Run All in JupyterLab and in Notebook 7, the two at once,
// proves the windowing, second-view, saved-outputs, resize and dark-theme cases once
// each, runs one lesson behind a base-URL prefix, and one in classic Notebook 6 where
// that is installed. Lessons are copied to out/live first: Jupyter saves what it runs.
func (r *testRun) live() error {
	p, j := r.p, r.inst.Jupyter
	if err := os.RemoveAll(liveDir(p)); err != nil {
		return err
	}
	lesson, err := chartLesson(r.notebooks)
	if err != nil {
		return err
	}
	var failed []string
	if j.Lab != "" {
		if err := r.saveWithOutputs(lesson); err != nil {
			return err
		}
		labPages, err := r.labPages(j, lesson)
		if err != nil {
			return err
		}
		notebook7Pages, err := r.notebook7Pages(j)
		if err != nil {
			return err
		}
		prefixPage, err := r.prefixPage(j, lesson)
		if err != nil {
			return err
		}
		savedPage, err := r.savedPage(j, lesson)
		if err != nil {
			return err
		}
		// Each front end on the server that `lab --ui` starts for it: served from one
		// server, the second front end's page has errors that are Jupyter's own. The two
		// front ends run at once, each with its own server and browser: one alone leaves a
		// core idle while its page waits for the kernel or the kernel for the page.
		// The saved-outputs page runs on the second line's JupyterLab server, behind the
		// prefix, which evens the two lines out.
		failed = r.liveServers(
			[]serverRun{{"lab", j, labPages, server.Options{UI: "lab"}}},
			[]serverRun{{"notebook7", j, notebook7Pages, server.Options{UI: "notebook"}},
				{"lab-prefix", j, []browser.Page{prefixPage, savedPage}, server.Options{UI: "lab", BaseURL: "/prefix/"}}})
	} else {
		fmt.Fprintf(checkout.Out, "live: skip JupyterLab 4 and Notebook 7: not installed (setup fell back to %s)\n", j.Describe())
	}
	if _, classic, _ := install.FindJupyter(p, true); classic != nil {
		pg, err := r.livePage(classic, "notebook", "classic", lesson, "classic")
		if err != nil {
			return err
		}
		pg.Ignore = classicNoise
		failed = append(failed, r.liveServer("classic", classic, []browser.Page{pg}, server.Options{})...)
	} else {
		fmt.Fprintln(checkout.Out, "live: skip classic Notebook 6.4: not installed (Debian: apt-get install jupyter-notebook)")
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d live pages failed: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// saveWithOutputs puts the lesson as nbclient executed it (see executedLesson) into
// out/live/saved: a notebook saved with outputs that this browser did not produce, so
// Jupyter opens it untrusted.
func (r *testRun) saveWithOutputs(lesson string) error {
	executed, _, err := r.executedLesson(lesson)
	if err != nil {
		return err
	}
	name := filepath.Base(lesson)
	return copyFile(filepath.Join(executed, name), filepath.Join(liveDir(r.p), "saved", name))
}

// chartLesson is the lesson whose code draws the most charts (the scenarios use it).
func chartLesson(notebooks []string) (string, error) {
	best, most := "", -1
	for _, path := range notebooks {
		nb, err := checkout.ReadNotebook(path)
		if err != nil {
			return "", err
		}
		if n := strings.Count(nb.Code(), "chart."); n > most {
			best, most = path, n
		}
	}
	return best, nil
}

// livePage copies a notebook into out/live/<dir> and describes the page that opens it.
func (r *testRun) livePage(j *install.Jupyter, ui, dir, notebook, frontEnd string) (browser.Page, error) {
	data, err := os.ReadFile(notebook)
	if err != nil {
		return browser.Page{}, fmt.Errorf("copying a lesson for the live check: %w", err)
	}
	target := filepath.Join(liveDir(r.p), dir, filepath.Base(notebook))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return browser.Page{}, err
	}
	if err := os.WriteFile(target, data, 0o644); err != nil {
		return browser.Page{}, fmt.Errorf("copying a lesson for the live check: %w", err)
	}
	return browser.Page{
		Name:     frontEnd + "-" + dir + "-" + strings.TrimSuffix(filepath.Base(notebook), ".ipynb"),
		URL:      server.PageFor(j, ui, filepath.ToSlash(filepath.Join("out", "live", dir, filepath.Base(notebook)))),
		FrontEnd: frontEnd,
		Ignore:   labNoise,
		Label:    map[string]string{"ui": frontEndLabel(j, frontEnd), "lesson": strings.TrimSuffix(filepath.Base(notebook), ".ipynb")},
	}, nil
}

func frontEndLabel(j *install.Jupyter, frontEnd string) string {
	switch frontEnd {
	case "lab":
		return "jupyterlab-" + j.Lab
	case "notebook7":
		return "notebook-" + j.Notebook
	}
	return "classic-notebook-" + j.Notebook
}

// labPages are the pages checked in JupyterLab: the windowing scroll first (under
// JupyterLab's default windowing), then every lesson. The lesson with the most charts
// runs once for three scenarios: under the dark theme, then resized with the sidebar,
// then with a chart in a second view.
func (r *testRun) labPages(j *install.Jupyter, lesson string) ([]browser.Page, error) {
	type labPage struct {
		dir, notebook string
		scenarios     []string
		viewport      map[string]int
	}
	list := []labPage{{"scroll", lesson, []string{"scroll"}, map[string]int{"width": 1100, "height": 700}}}
	for _, nb := range r.notebooks {
		if nb == lesson {
			list = append(list, labPage{"lab", nb, []string{"dark", "resize", "secondView"}, map[string]int{"width": 900, "height": 900}})
			continue
		}
		list = append(list, labPage{"lab", nb, nil, nil})
	}
	var pages []browser.Page
	for _, l := range list {
		pg, err := r.livePage(j, "lab", l.dir, l.notebook, "lab")
		if err != nil {
			return nil, err
		}
		pg.Scenarios, pg.Viewport, pg.Settings = l.scenarios, l.viewport, windowingNone
		if slices.Contains(l.scenarios, "scroll") {
			pg.Settings = quietLab
		}
		if len(l.scenarios) > 0 {
			pg.Label["lesson"] += " (" + strings.Join(l.scenarios, ", ") + ")"
		}
		pages = append(pages, pg)
	}
	return pages, nil
}

// notebook7Pages run every lesson in Notebook 7.
func (r *testRun) notebook7Pages(j *install.Jupyter) ([]browser.Page, error) {
	var pages []browser.Page
	for _, nb := range r.notebooks {
		pg, err := r.livePage(j, "notebook", "notebook7", nb, "notebook7")
		if err != nil {
			return nil, err
		}
		pg.Ignore = notebook7Noise
		pages = append(pages, pg)
	}
	return pages, nil
}

// savedPage opens the lesson saved with outputs by nbclient (saveWithOutputs) in
// JupyterLab, untrusted, and runs it.
func (r *testRun) savedPage(j *install.Jupyter, lesson string) (browser.Page, error) {
	pg, err := r.livePage(j, "lab", "saved", filepath.Join(liveDir(r.p), "saved", filepath.Base(lesson)), "lab")
	if err != nil {
		return pg, err
	}
	pg.Settings, pg.Scenarios = windowingNone, []string{"saved"}
	pg.Label["lesson"] += " (saved)"
	return pg, nil
}

// prefixPage runs one lesson in JupyterLab served under /prefix/, as JupyterHub serves
// each user; ECharts must come from under the prefix.
func (r *testRun) prefixPage(j *install.Jupyter, lesson string) (browser.Page, error) {
	pg, err := r.livePage(j, "lab", "prefix", lesson, "lab")
	if err != nil {
		return pg, err
	}
	pg.Settings, pg.Scenarios = windowingNone, []string{"prefix"}
	pg.Label["lesson"] += " (base URL /prefix/)"
	return pg, nil
}

// serverRun is one Jupyter server of the live step and the pages checked on it; name
// tells its settings folder and log from the others'.
type serverRun struct {
	name  string
	j     *install.Jupyter
	pages []browser.Page
	opt   server.Options
}

// liveServers runs the lines of servers at once, each line's servers one after the
// other, and returns the names of the pages that failed.
func (r *testRun) liveServers(lines ...[]serverRun) []string {
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		failed []string
	)
	for _, line := range lines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range line {
				f := r.liveServer(s.name, s.j, s.pages, s.opt)
				mu.Lock()
				failed = append(failed, f...)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

// liveServer starts a Jupyter server for the pages (their URLs are relative to its base
// URL), checks them in Chromium, prints a `live:` line for each and stops the server.
// It returns the names of the pages that failed.
func (r *testRun) liveServer(name string, j *install.Jupyter, pages []browser.Page, opt server.Options) []string {
	state := filepath.Join(liveDir(r.p), ".jupyterlab", name)
	logPath := filepath.Join(r.p.LogDir(), "live-jupyter-"+name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return []string{err.Error()}
	}
	defer logFile.Close()
	// A port the system chooses: a fixed one would race with other checks on this machine.
	ports, err := server.FreePorts("127.0.0.1", 1)
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
	err = server.Serve(r.p, j, opt, logPath, func(address string) error {
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
		_, err = browser.Check(r.p, r.chromium, pages, screenshotDir(r.p), func(pg browser.Page, res browser.Result) {
			if slices.Contains(pg.Scenarios, "prefix") && res.EChartsURL != "" && !strings.HasPrefix(res.EChartsURL, origin+base) {
				res.OK, res.Problems = false, append(res.Problems, "ECharts came from "+res.EChartsURL+", not from under "+base)
			}
			if !res.OK {
				failed = append(failed, pg.Label["ui"]+" "+pg.Label["lesson"])
			}
			fmt.Fprint(checkout.Out, res.Line("live", fmt.Sprintf("%-18s %s", pg.Label["ui"], pg.Label["lesson"])))
		})
		return err
	})
	if err != nil {
		failed = append(failed, err.Error())
	}
	return failed
}
