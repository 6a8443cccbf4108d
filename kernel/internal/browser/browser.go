// Package browser drives headless Chromium through kernel/assets/browsercheck.mjs: it
// opens exported pages and live Jupyter pages and reports whether every chart drew,
// every formula was typeset and the console stayed clean. It stands on checkout only;
// the self-test uses it.
package browser

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// Page is one page for the browser check (see kernel/assets/browsercheck.mjs).
type Page struct {
	Name      string            `json:"name"`
	URL       string            `json:"url"`
	Offline   bool              `json:"offline,omitempty"`   // no network at all
	NoScript  bool              `json:"noScript,omitempty"`  // JavaScript disabled (GitHub, nbviewer without scripts)
	Serve     string            `json:"serve,omitempty"`     // a file served at URL; every other URL answers 404
	Print     string            `json:"print,omitempty"`     // once checked, the page is printed to this PDF
	Origin    string            `json:"origin,omitempty"`    // only this origin may be contacted
	FrontEnd  string            `json:"frontEnd,omitempty"`  // "lab", "notebook7" or "classic": Run All first
	Scenarios []string          `json:"scenarios,omitempty"` // scroll, saved, dark, resize, secondView, prefix, pictures or reveal
	Settings  map[string]any    `json:"settings,omitempty"`  // JupyterLab settings to store first
	Viewport  map[string]int    `json:"viewport,omitempty"`  // width and height; default 1280×1000
	Ignore    []string          `json:"ignore,omitempty"`    // problems that come from Jupyter, not the lesson
	Label     map[string]string `json:"-"`                   // how the result line names the page: front end and lesson
}

// Result is what the check found on one page.
type Result struct {
	Name        string   `json:"name"`
	OK          bool     `json:"ok"`
	Problems    []string `json:"problems"`
	Notes       []string `json:"notes"`
	Charts      int      `json:"charts"`
	Formulas    int      `json:"formulas"`
	Sliders     int      `json:"sliders"` // moved, with the readout beside them changing
	Screenshots []string `json:"screenshots"`
	EChartsURL  string   `json:"echartsURL"` // where the page loaded ECharts from
	Seconds     float64  `json:"seconds"`
	Phases      []Phase  `json:"phases"` // where the seconds went, in order
}

// Phase is one part of a page's check and how long it took.
type Phase struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// Line formats a result as "<verb>: ok   <what>  N charts, M formulas, K sliders (T s:
// <phase> t, ...)", followed by its notes and, for a failure, its problems.
func (r Result) Line(verb, what string) string {
	verdict := "FAIL"
	if r.OK {
		verdict = "ok  "
	}
	var phases []string
	for _, ph := range r.Phases {
		phases = append(phases, fmt.Sprintf("%s %.1f", ph.Name, ph.Seconds))
	}
	timing := fmt.Sprintf("%.1f s", r.Seconds)
	if len(phases) > 0 {
		timing += ": " + strings.Join(phases, ", ")
	}
	s := fmt.Sprintf("%s: %s %s  %d charts, %d formulas, %d %s (%s)", verb, verdict, what, r.Charts, r.Formulas,
		r.Sliders, plural(r.Sliders, "slider"), timing)
	if len(r.Notes) > 0 {
		s += "; " + strings.Join(r.Notes, "; ")
	}
	for _, pr := range r.Problems {
		s += "\n      " + pr
	}
	return s + "\n"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Check opens each page in headless Chromium with kernel/assets/browsercheck.mjs
// and requires that every chart drew pixels, every formula was typeset and the console
// had no errors. It prints each result as it arrives with report. Screenshots go to shots.
func Check(p *checkout.Checkout, chromium string, pages []Page, shots string, report func(Page, Result)) ([]Result, error) {
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return nil, err
	}
	job, err := json.Marshal(map[string]any{"chromium": chromium, "screenshots": shots, "pages": pages})
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("the browser checks need Node.js (node) on PATH")
	}
	cmd := exec.Command(node, filepath.Join(p.AssetsDir(), "browsercheck.mjs"), string(job))
	cmd.Dir = p.AssetsDir()
	var results []Result
	err = checkout.ReadJSONLines(cmd, func(line []byte) error {
		var r Result
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("%w from the browser check: %q", checkout.ErrNotJSON, line)
		}
		report(pages[len(results)], r)
		results = append(results, r)
		return nil
	})
	if err != nil || len(results) != len(pages) {
		return results, fmt.Errorf("the browser check stopped early after %d of %d pages: %v", len(results), len(pages), err)
	}
	return results, nil
}

// Failures says how many pages failed the browser check, or nil.
func Failures(results []Result) error {
	return checkout.Failures(results, func(r Result) bool { return r.OK }, "pages failed the browser check")
}

// FileURL turns a path into a file:// URL for the browser.
func FileURL(path string) string {
	abs, _ := filepath.Abs(path)
	return "file://" + filepath.ToSlash(abs)
}
