// Package export writes the lessons as HTML pages that work from disk with no network:
// each notebook executed by nbrun, then made portable, with ECharts and KaTeX inlined
// from kernel/assets. The export verb and the self-test use it.
package export

import (
	"encoding/base64"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
)

// maxPageBytes is the largest exported page we accept.
const maxPageBytes = 3 << 20

// Page is one lesson written by export.
type Page struct {
	File  string // file name inside the export folder
	Title string
	Bytes int
}

// Options configures Write.
type Options struct {
	Timeout time.Duration // longest one cell may run
	// Keep, if not empty, receives each executed notebook with its outputs and
	// nbconvert's page of it, not yet portable (the self-test reuses them instead of
	// running the lesson again).
	Keep    string
	Workers int // how many notebooks run at once (1 when 0)
}

// Write executes the notebooks and writes one self-contained page per lesson and an
// index.html into dir. It refuses to write into notebooks/.
func Write(p *checkout.Checkout, j *install.Jupyter, notebooks []string, dir string, opt Options) ([]Page, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if r, err := filepath.Rel(p.NotebooksDir(), absDir); err == nil && !strings.HasPrefix(r, "..") {
		return nil, fmt.Errorf("--out %s is inside notebooks/, which export never writes to; choose another folder", dir)
	}
	assets, err := loadPageAssets(p)
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
	if err := os.MkdirAll(absDir, 0o755); err != nil {
		return nil, err
	}
	var pages []Page
	for _, nb := range notebooks {
		name := strings.TrimSuffix(filepath.Base(nb), ".ipynb")
		page, err := os.ReadFile(filepath.Join(raw, name+".html"))
		if err != nil {
			return nil, err
		}
		title := firstHeading(string(page), name)
		portable, err := portablePage(string(page), title, assets)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", nb, err)
		}
		if len(portable) > maxPageBytes {
			return nil, fmt.Errorf("%s: the exported page is %.1f MB, over the %d MB limit", nb, float64(len(portable))/(1<<20), maxPageBytes>>20)
		}
		file := name + ".html"
		if err := os.WriteFile(filepath.Join(absDir, file), []byte(portable), 0o644); err != nil {
			return nil, err
		}
		pages = append(pages, Page{File: file, Title: title, Bytes: len(portable)})
		fmt.Fprintf(checkout.Out, "export: %-40s %6.2f MB  %s\n", file, float64(len(portable))/(1<<20), title)
	}
	if err := os.WriteFile(filepath.Join(absDir, "index.html"), []byte(indexPage(pages)), 0o644); err != nil {
		return nil, err
	}
	return pages, nil
}

// pageAssets are the libraries inlined once into every exported page.
type pageAssets struct {
	echarts, katex, autoRender string // JavaScript
	katexCSS                   string // with its fonts as data: URLs
}

func loadPageAssets(p *checkout.Checkout) (*pageAssets, error) {
	dist := filepath.Join(p.AssetsDir(), "node_modules")
	read := func(rel string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dist, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("front-end asset missing (run `go run ./kernel setup`): %w", err)
		}
		return string(b), nil
	}
	var a pageAssets
	var err error
	if a.echarts, err = read("echarts/dist/echarts.min.js"); err != nil {
		return nil, err
	}
	if a.katex, err = read("katex/dist/katex.min.js"); err != nil {
		return nil, err
	}
	if a.autoRender, err = read("katex/dist/contrib/auto-render.min.js"); err != nil {
		return nil, err
	}
	css, err := read("katex/dist/katex.min.css")
	if err != nil {
		return nil, err
	}
	a.katexCSS, err = inlineFonts(css, filepath.Join(dist, "katex", "dist"))
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// fontSrcRe matches one @font-face src list of KaTeX's CSS.
var fontSrcRe = regexp.MustCompile(`src:url\((fonts/[^)]+\.woff2)\) format\("woff2"\)[^;}]*`)

// inlineFonts replaces each KaTeX font list by its woff2 file as a data: URL
// (every browser that runs ECharts 5 reads woff2).
func inlineFonts(css, dir string) (string, error) {
	var missing error
	inlined := fontSrcRe.ReplaceAllStringFunc(css, func(m string) string {
		file := fontSrcRe.FindStringSubmatch(m)[1]
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			missing = err
			return m
		}
		return `src:url(data:font/woff2;base64,` + base64.StdEncoding.EncodeToString(b) + `) format("woff2")`
	})
	return inlined, missing
}

var (
	// Debian's nbconvert links require.js and MathJax from /usr/share: neither exists
	// on another machine, and require.js would turn the inlined ECharts into an AMD module.
	externalScriptRe = regexp.MustCompile(`(?s)<script[^>]*\ssrc=["'][^"']*["'][^>]*>\s*</script>`)
	mathjaxConfigRe  = regexp.MustCompile(`(?s)<script type="text/x-mathjax-config">.*?</script>`)
	externalLinkRe   = regexp.MustCompile(`<link[^>]*\shref=["'](https?:|file:|//)[^>]*>`)
	titleRe          = regexp.MustCompile(`(?s)<title>.*?</title>`)
	notebookLinkRe   = regexp.MustCompile(`href="([^":/?#]+)\.ipynb(#[^"]*)?"`)
	headingRe        = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)
	anchorRe         = regexp.MustCompile(`(?s)<a class="anchor-link".*?</a>`)
	headingTagRe     = regexp.MustCompile(`<[^>]+>`)
)

// firstHeading returns the text of the page's first <h1>, or fallback.
func firstHeading(page, fallback string) string {
	m := headingRe.FindStringSubmatch(page)
	if m == nil {
		return fallback
	}
	text := strings.TrimSpace(html.UnescapeString(headingTagRe.ReplaceAllString(anchorRe.ReplaceAllString(m[1], ""), "")))
	if text == "" {
		return fallback
	}
	return text
}

// portablePage makes an nbconvert page work from disk with no network: it removes
// external scripts and stylesheets and the charts' pictures (the page draws every
// chart itself, and a lesson's pictures can weigh megabytes), inlines ECharts and KaTeX once in <head>,
// typesets the formulas with KaTeX, titles the page, and points links between
// lessons at their exported pages.
func portablePage(page, title string, a *pageAssets) (string, error) {
	page = externalScriptRe.ReplaceAllString(page, "")
	page = pictureRe.ReplaceAllString(page, "")
	page = mathjaxConfigRe.ReplaceAllString(page, "")
	page = externalLinkRe.ReplaceAllString(page, "")
	page = titleRe.ReplaceAllLiteralString(page, "<title>"+html.EscapeString(title)+"</title>")
	page = notebookLinkRe.ReplaceAllString(page, `href="$1.html$2"`)

	// Each library is evaluated with define, exports and module hidden, so its UMD
	// wrapper sets a global (window.echarts, window.katex, window.renderMathInElement).
	umd := func(src string) string {
		return "<script>(function (define, exports, module) {\n" + strings.ReplaceAll(src, "</script", `<\/script`) + "\n}).call(window);</script>\n"
	}
	head := "<style>" + a.katexCSS + "</style>\n" + umd(a.echarts) + umd(a.katex) + umd(a.autoRender)
	typeset := `<script>
renderMathInElement(document.body, {
  delimiters: [
    {left: "$$", right: "$$", display: true}, {left: "\\[", right: "\\]", display: true},
    {left: "$", right: "$", display: false}, {left: "\\(", right: "\\)", display: false}
  ],
  throwOnError: false
});
</script>
`
	if !strings.Contains(page, "</head>") || !strings.Contains(page, "</body>") {
		return "", fmt.Errorf("nbconvert's page has no </head> or </body>")
	}
	page = strings.Replace(page, "</head>", head+"</head>", 1)
	i := strings.LastIndex(page, "</body>")
	page = page[:i] + typeset + page[i:]
	if ref := externalReference(page); ref != "" {
		return "", fmt.Errorf("the page still refers to %s", ref)
	}
	return page, nil
}

// pictureRe matches a chart's picture inside its box (see display.Chart's HTML), its
// attributes in any order: nbconvert writes them sorted.
var pictureRe = regexp.MustCompile(`<img\s[^>]*\bclass="` + regexp.QuoteMeta(display.PictureClass) + `"[^>]*>`)

var externalRefRe = regexp.MustCompile(`(?i)(<script[^>]*\ssrc=|<link[^>]*\shref=|<img[^>]*\ssrc=|<iframe[^>]*\ssrc=)["']?((https?:)?//|file:)[^"' >]*|file://[^"' )<]*`)

// externalReference returns the first thing in the page that a browser would fetch
// from the network or the file system, or "".
func externalReference(page string) string {
	return externalRefRe.FindString(page)
}

// indexPage lists the exported lessons.
func indexPage(pages []Page) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Backpropagation, derived in Go notebooks</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:3em auto;padding:0 1em;color:#222}
li{margin:.4em 0}a{color:#1a5fb4}</style></head><body>
<h1>Backpropagation, derived in Go notebooks</h1>
<p>The lessons, executed and exported. Each page works offline.</p>
<ol start="0">
`)
	for _, pg := range pages {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(pg.File), html.EscapeString(pg.Title))
	}
	b.WriteString("</ol>\n</body></html>\n")
	return b.String()
}
