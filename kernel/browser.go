package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// chromiumPath is Debian's Chromium, the browser the checks drive.
const chromiumPath = "/usr/bin/chromium"

// ensureChromium finds Chromium, installing Debian's package as root with apt-get.
func (p *project) ensureChromium() (string, error) {
	const what = "Chromium (browser checks)"
	for _, c := range []string{chromiumPath, "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(c); err == nil {
			status(what, path)
			return path, nil
		}
	}
	_, aptErr := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || aptErr != nil {
		return "", fmt.Errorf("the browser checks need Chromium, which is not installed.\n" +
			"Install it (Debian or Ubuntu: sudo apt-get install -y chromium) and run the command again")
	}
	status(what, "installing Debian's chromium package (about a minute)...")
	start := time.Now()
	if err := p.runLogged("apt-get update", exec.Command("apt-get", "update")); err != nil {
		return "", err
	}
	cmd := exec.Command("apt-get", "install", "-y", "chromium")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if err := p.runLogged("apt-get install chromium", cmd); err != nil {
		return "", err
	}
	status(what, "installed in "+seconds(time.Since(start)))
	return chromiumPath, nil
}

// browserPage is one page for the browser check.
type browserPage struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Offline bool   `json:"offline,omitempty"` // no network at all
	Origin  string `json:"origin,omitempty"`  // only this origin may be contacted
	RunAll  bool   `json:"runAll,omitempty"`  // run every cell in Jupyter first
	// Ignore lists patterns of problems that come from Jupyter's own page, not the lesson.
	Ignore []string `json:"ignore,omitempty"`
}

// jupyterNoise is what classic Notebook 6's own page logs in Chromium: its MathJax 2
// requests a web font at about:blank, which fails with a CORS error.
var jupyterNoise = []string{`about:blank`, `^console error: Failed to load resource: net::ERR_FAILED$`}

// browserResult is what the check found on one page.
type browserResult struct {
	Name       string   `json:"name"`
	OK         bool     `json:"ok"`
	Problems   []string `json:"problems"`
	Charts     int      `json:"charts"`
	Formulas   int      `json:"formulas"`
	Sliders    int      `json:"sliders"` // moved, with the readout beside them changing
	Screenshot string   `json:"screenshot"`
}

func (r browserResult) String() string {
	s := fmt.Sprintf("%-4s  %-40s %2d charts, %3d formulas, %d sliders", map[bool]string{true: "ok", false: "FAIL"}[r.OK], r.Name, r.Charts, r.Formulas, r.Sliders)
	if r.Screenshot != "" {
		s += "  (" + r.Screenshot + ")"
	}
	for _, pr := range r.Problems {
		s += "\n      " + pr
	}
	return s + "\n"
}

// browserCheck opens each page in headless Chromium with kernel/assets/browsercheck.mjs
// and requires that every chart drew pixels, every formula was typeset and the console
// had no errors. Screenshots go to shots.
func (p *project) browserCheck(chromium string, pages []browserPage, shots string) ([]browserResult, error) {
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
	cmd := exec.Command(node, filepath.Join(p.assetsDir(), "browsercheck.mjs"), string(job))
	cmd.Dir = p.assetsDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var results []browserResult
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r browserResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // not a result line
		}
		results = append(results, r)
		fmt.Fprint(out, "browser: "+r.String())
	}
	if err := cmd.Wait(); err != nil || len(results) != len(pages) {
		return results, fmt.Errorf("the browser check stopped early (%v):\n%s", err, stderr.String())
	}
	return results, nil
}

// browserFailures says how many pages failed the browser check, or nil.
func browserFailures(results []browserResult) error {
	return failures(results, func(r browserResult) bool { return r.OK }, "pages failed the browser check")
}

// fileURL turns a path into a file:// URL for the browser.
func fileURL(path string) string {
	abs, _ := filepath.Abs(path)
	return "file://" + filepath.ToSlash(abs)
}
