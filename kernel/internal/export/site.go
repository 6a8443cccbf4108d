package export

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// lesson is what the site needs from one notebook besides its executed page.
type lesson struct {
	name    string // "02-chain-rule"
	summary string // one line for the index, Markdown with $…$ math
	cells   []lessonCell
}

// lessonCell is one notebook cell: its id (nbconvert's page names the cell's element
// "cell-id=<id>") and its source.
type lessonCell struct {
	id, kind, source string
}

// readLesson reads a notebook's cells and its summary: the notebook's metadata
// backprop.summary, else the first sentence of its first paragraph.
func readLesson(path string) (*lesson, error) {
	nb, err := checkout.ReadNotebook(path)
	if err != nil {
		return nil, err
	}
	l := &lesson{name: strings.TrimSuffix(filepath.Base(path), ".ipynb"), summary: strings.TrimSpace(nb.Metadata.Backprop.Summary)}
	for _, c := range nb.Cells {
		l.cells = append(l.cells, lessonCell{id: c.ID, kind: c.Type, source: c.Source()})
		if l.summary == "" && c.Type == "markdown" {
			l.summary = firstSentence(c.Source())
		}
	}
	return l, nil
}

var sentenceEndRe = regexp.MustCompile(`[.!?](\s|$)`)

// firstSentence returns the first sentence of the first paragraph of Markdown that is
// not a heading.
func firstSentence(md string) string {
	for _, para := range strings.Split(md, "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		if para == "" || strings.HasPrefix(para, "#") {
			continue
		}
		if loc := sentenceEndRe.FindStringIndex(para); loc != nil {
			return para[:loc[0]+1]
		}
		return para
	}
	return ""
}

// siteCSS styles what export adds to the pages: the links between lessons.
const siteCSS = `.backprop-nav{display:flex;gap:1em;justify-content:space-between;flex-wrap:wrap;max-width:1000px;margin:.8em auto;
padding:.5em 1em;font:14px/1.4 system-ui,sans-serif;border:1px solid #d0d7de;border-radius:4px;background:#f6f8fa}
.backprop-nav a{color:#1a5fb4;text-decoration:none}.backprop-nav a:hover{text-decoration:underline}
@media print{.backprop-nav{display:none}}`

// navigation is the bar of links at the top and bottom of page i: the previous lesson,
// the index and the next lesson.
func navigation(pages []Page, i int) string {
	link := func(rel string, j int, label string) string {
		if j < 0 || j >= len(pages) {
			return "<span></span>"
		}
		return fmt.Sprintf(`<a rel="%s" href="%s">%s</a>`, rel, html.EscapeString(pages[j].File), html.EscapeString(label))
	}
	prev, next := "", ""
	if i > 0 {
		prev = "← " + pages[i-1].Title
	}
	if i+1 < len(pages) {
		next = pages[i+1].Title + " →"
	}
	return `<nav class="backprop-nav">` + link("prev", i-1, prev) + `<a href="index.html">All lessons</a>` + link("next", i+1, next) + "</nav>\n"
}

const indexTitle = "Backpropagation, derived in Go notebooks"

// indexPage lists the exported lessons with their summaries.
func indexPage(pages []Page) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + indexTitle + `</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:3em auto;padding:0 1em;color:#222}
ul{list-style:none;padding:0}li{margin:.8em 0}li p{margin:.1em 0;color:#444}a{color:#1a5fb4;font-weight:600}</style>
</head><body>
<h1>` + indexTitle + `</h1>
<p>The lessons, executed and exported. Every page works offline, from disk or from any static host. In each lesson,
edit the numbers cell and press Run: the cells below recompute in the page, with the lesson's own Go code.</p>
<ul>
`)
	for _, pg := range pages {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a><p>%s</p></li>\n", html.EscapeString(pg.File), html.EscapeString(pg.Title), html.EscapeString(pg.Summary))
	}
	b.WriteString("</ul>\n</body></html>\n")
	return b.String()
}

var localRefRe = regexp.MustCompile(`(?:href|src)="([^"#?:]+)(?:[#?][^"]*)?"`)

// CheckLinks reads every page of an exported site in dir and lists each link or asset
// that names a file the site does not have (a link to another lesson that was not
// exported, an asset not written).
func CheckLinks(dir string) ([]string, error) {
	pages, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	var broken []string
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		for _, m := range localRefRe.FindAllStringSubmatch(string(data), -1) {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(m[1]))); err != nil {
				broken = append(broken, fmt.Sprintf("%s links %s, which is not in the site", filepath.Base(p), m[1]))
			}
		}
	}
	return broken, nil
}
