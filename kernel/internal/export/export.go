// Package export writes the lessons as a site that works from disk (file://) or from
// any static host, with no network: each notebook executed by nbrun and made portable,
// an index, and assets/ loaded once per site (ECharts, KaTeX with its fonts, marked,
// the page runtime and the lessons' Go code compiled to WebAssembly, with which a page
// recomputes its lesson when the learner edits its numbers). With SingleFile each page
// holds all of it instead. The export verb and the self-test use it.
package export

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/live"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
)

// maxPageBytes is the largest page we accept, not counting the libraries and the
// program a self-contained page inlines: what the lesson's outputs weigh.
const maxPageBytes = 3 << 20

// maxSiteBytes is the largest site we accept: every page, the index and assets/.
const maxSiteBytes = 15 << 20

// Page is one lesson written by export.
type Page struct {
	File    string // file name inside the export folder
	Title   string
	Summary string // the index's line about the lesson (Markdown, with $…$ math)
	Bytes   int
}

// Options configures Write.
type Options struct {
	Timeout time.Duration // longest one cell may run
	// Keep, if not empty, receives each executed notebook with its outputs and
	// nbconvert's page of it, not yet portable (the self-test reuses them instead of
	// running the lesson again).
	Keep    string
	Workers int // how many notebooks run at once (1 when 0)
	// SingleFile writes self-contained pages (for mailing one lesson) instead of pages
	// that share assets/.
	SingleFile bool
}

// Write executes the notebooks and writes into dir one page per lesson, an index.html
// and, unless opt.SingleFile, the assets/ they share. It refuses to write into notebooks/.
func Write(p *checkout.Checkout, j *install.Jupyter, notebooks []string, dir string, opt Options) ([]Page, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if r, err := filepath.Rel(p.NotebooksDir(), absDir); err == nil && !strings.HasPrefix(r, "..") {
		return nil, fmt.Errorf("--out %s is inside notebooks/, which export never writes to; choose another folder", dir)
	}
	assets, err := loadPageAssets(p.AssetsDir())
	if err != nil {
		return nil, err
	}
	raw := opt.Keep
	if raw == "" {
		if raw, err = os.MkdirTemp("", "kernel-export-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(raw)
	} else if err := os.MkdirAll(raw, 0o755); err != nil {
		return nil, err
	}
	results, err := nbrun.Execute(p, j, notebooks, nbrun.Options{Timeout: opt.Timeout, HTMLDir: raw, SaveDir: opt.Keep, Workers: opt.Workers})
	if err != nil {
		return nil, err
	}
	if err := nbrun.Summarize(results); err != nil {
		return nil, fmt.Errorf("%v; no pages written", err)
	}
	prog, err := live.Build(p, notebooks)
	if err != nil {
		return nil, fmt.Errorf("%v; no pages written", err)
	}
	w := &writer{dir: absDir, assets: assets, prog: prog}
	if !opt.SingleFile {
		w.site = &siteFiles{}
	}
	if prog != nil {
		if w.live, err = assets.withProgram(p.AssetsDir(), gzipped(prog.Wasm)); err != nil {
			return nil, err
		}
	}
	return w.write(notebooks, raw)
}

// writer writes one export: the pages, the index and the site's assets.
type writer struct {
	dir    string
	assets *pageAssets  // without the program
	live   *pageAssets  // with it; nil when no program was built
	prog   *live.Module // nil in tests that write pages without it
	site   *siteFiles   // nil for self-contained pages
}

func (w *writer) write(notebooks []string, raw string) ([]Page, error) {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return nil, err
	}
	var pages []Page
	var lessons []*lesson
	htmls := map[string]string{}
	for _, nb := range notebooks {
		l, err := readLesson(nb)
		if err != nil {
			return nil, err
		}
		page, err := os.ReadFile(filepath.Join(raw, l.name+".html"))
		if err != nil {
			return nil, err
		}
		htmls[l.name] = string(page)
		lessons = append(lessons, l)
		pages = append(pages, Page{File: l.name + ".html", Title: firstHeading(string(page), l.name), Summary: l.summary})
	}
	for i, l := range lessons {
		n, err := w.writePage(l, htmls[l.name], pages, i)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", notebooks[i], err)
		}
		pages[i].Bytes = n
		fmt.Fprintf(checkout.Out, "export: %-40s %6.2f MB  %s\n", pages[i].File, float64(n)/(1<<20), pages[i].Title)
	}
	index, err := portablePage(indexPage(pages), pageParts{title: indexTitle}, w.assets.typesetOnly(), w.site)
	if err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "index.html"), []byte(index), 0o644); err != nil {
		return nil, err
	}
	if err := w.writeAssets(); err != nil {
		return nil, err
	}
	return pages, w.report(pages, len(index))
}

// writePage writes lesson i's page and returns its size.
func (w *writer) writePage(l *lesson, page string, pages []Page, i int) (int, error) {
	parts := pageParts{title: pages[i].Title, lesson: lessonJSON(l, w.prog)}
	if w.site != nil {
		parts.nav = navigation(pages, i)
	}
	assets := w.assets
	if w.live != nil && recomputes(w.prog, l.name) {
		assets = w.live
	}
	portable, err := portablePage(page, parts, assets, w.site)
	if err != nil {
		return 0, err
	}
	// The limit is for what the lesson's outputs weigh, not the libraries a page inlines.
	own := len(portable)
	if w.site == nil {
		own -= assets.inlinedBytes()
	}
	if own > maxPageBytes {
		return 0, fmt.Errorf("the exported page is %.1f MB without the libraries, over the %d MB limit", float64(own)/(1<<20), maxPageBytes>>20)
	}
	return len(portable), os.WriteFile(filepath.Join(w.dir, pages[i].File), []byte(portable), 0o644)
}

// writeAssets writes the files the site's pages link into assets/.
func (w *writer) writeAssets() error {
	if w.site == nil {
		return nil
	}
	dir := filepath.Join(w.dir, "assets")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range w.site.order {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(w.site.files[name].body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// report prints the site's size, and refuses a site over its budget.
func (w *writer) report(pages []Page, indexBytes int) error {
	total := indexBytes
	for _, pg := range pages {
		total += pg.Bytes
	}
	if w.site == nil {
		fmt.Fprintf(checkout.Out, "export: %d self-contained pages, %.1f MB\n", len(pages), float64(total)/(1<<20))
		return nil
	}
	shared, wasm := 0, 0
	for _, name := range w.site.order {
		shared += len(w.site.files[name].body)
	}
	if f, ok := w.site.files["lessons-wasm.js"]; ok {
		wasm = len(f.body)
	}
	fmt.Fprintf(checkout.Out, "export: site %.1f MB: %d pages and the index %.1f MB, assets/ %.1f MB (the program %.1f MB)\n",
		float64(total+shared)/(1<<20), len(pages), float64(total)/(1<<20), float64(shared)/(1<<20), float64(wasm)/(1<<20))
	if total+shared > maxSiteBytes {
		return fmt.Errorf("the site is %.1f MB, over its %d MB budget", float64(total+shared)/(1<<20), maxSiteBytes>>20)
	}
	return nil
}
