package selftest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// pictures proves that every chart shows its picture where its script cannot draw it.
// It takes the chart lesson as nbclient executed it in this run (its outputs saved, and
// nbconvert's HTML of them; see executedLesson); then, one line each:
//   - VS Code's situation: the HTML served with scripts running and every other URL,
//     ECharts' among them, answered 404 (VS Code has no Jupyter server to load from);
//   - nbviewer's and GitHub's: the HTML opened offline with JavaScript disabled;
//   - nbconvert --to markdown: every chart's picture inline and extracted as a file;
//   - print: the exported lesson printed to PDF by Chromium, every chart in it (printCheck).
//
// In the browser each chart must show its picture (200 inked pixels at least) with the
// chart's title as text in it. VS Code and GitHub cannot be installed here.
func (r *testRun) pictures() error {
	lesson, err := chartLesson(r.notebooks)
	if err != nil {
		return err
	}
	dir := filepath.Join(r.p.Root, "out", "pictures")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	executed, exported, err := r.executedLesson(lesson)
	if err != nil {
		return err
	}
	stem := strings.TrimSuffix(filepath.Base(lesson), ".ipynb")
	for _, f := range []string{stem + ".ipynb", stem + ".html"} {
		if err := copyFile(filepath.Join(executed, f), filepath.Join(dir, f)); err != nil {
			return err
		}
	}
	html := filepath.Join(dir, stem+".html")
	pages := []browser.Page{
		{Name: "vscode-" + stem, URL: "http://vscode.localhost/" + stem + ".html", Serve: html, Scenarios: []string{"pictures"},
			Ignore: []string{`^HTTP 404 `, `^console error: Failed to load resource`, `^request failed: `}},
		{Name: "nojs-" + stem, URL: browser.FileURL(html), Offline: true, NoScript: true, Scenarios: []string{"pictures"}},
	}
	what := map[string]string{pages[0].Name: "VS Code's situation (ECharts 404)", pages[1].Name: "nbconvert HTML, no JavaScript"}
	res, err := browser.Check(r.p, r.chromium, pages, screenshotDir(r.p), func(pg browser.Page, res browser.Result) {
		fmt.Fprint(checkout.Out, res.Line("pictures", fmt.Sprintf("%-36s %s", what[pg.Name], stem)))
	})
	if err != nil {
		return err
	}
	return errors.Join(browser.Failures(res), r.markdownPictures(filepath.Join(dir, stem+".ipynb"), res[0].Charts),
		r.printCheck(lesson, exported, dir))
}

// svgTitle finds the text of an SVG's first <text> element: ECharts draws the title first.
var svgTitle = regexp.MustCompile(`<text[^>]*>([^<]+)</text>`)

// markdownPictures converts the executed notebook with `nbconvert --to markdown` and
// requires every chart's picture in the Markdown (inline, inside the chart's HTML) and
// as an extracted SVG file beside it, each with the chart's title in it; charts is how
// many the browser found.
func (r *testRun) markdownPictures(notebook string, charts int) error {
	dir := filepath.Dir(notebook)
	cmd := exec.Command(r.inst.Jupyter.Python, "-m", "nbconvert", "--to", "markdown", "--output-dir", dir, notebook)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nbconvert --to markdown: %v\n%s", err, checkout.TailLines(string(out), 10))
	}
	stem := strings.TrimSuffix(filepath.Base(notebook), ".ipynb")
	md, err := os.ReadFile(filepath.Join(dir, stem+".md"))
	if err != nil {
		return err
	}
	var problems []string
	inline := regexp.MustCompile(`src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"`).FindAllStringSubmatch(string(md), -1)
	for i, m := range inline {
		svg, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil || svgTitle.FindSubmatch(svg) == nil {
			problems = append(problems, fmt.Sprintf("inline picture %d has no title text (%v)", i+1, err))
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, stem+"_files", "*.svg"))
	for _, f := range files {
		if svg, err := os.ReadFile(f); err != nil || svgTitle.FindSubmatch(svg) == nil {
			problems = append(problems, fmt.Sprintf("%s has no title text (%v)", filepath.Base(f), err))
		}
	}
	if charts == 0 || len(inline) != charts || len(files) != charts {
		problems = append(problems, fmt.Sprintf("%d charts, but %d inline pictures and %d SVG files", charts, len(inline), len(files)))
	}
	verdict := "ok  "
	if len(problems) > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(checkout.Out, "pictures: %s %-36s %s  %d inline pictures, %d SVG files\n", verdict, "nbconvert --to markdown", stem, len(inline), len(files))
	for _, p := range problems {
		fmt.Fprintf(checkout.Out, "      %s\n", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the Markdown of %s lacks chart pictures", stem)
	}
	return nil
}
