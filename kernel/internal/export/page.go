package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
)

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
	styleRe          = regexp.MustCompile(`(?s)<style[^>]*>(.*?)</style>`)
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

// pageParts is what export adds to nbconvert's page of a lesson.
type pageParts struct {
	title  string
	nav    string // links to the index and the previous and next lessons, or ""
	lesson string // the lesson's cells as JSON for the page runtime (see lessonJSON), or ""
}

// siteFiles collects the files of assets/ that pages link: the libraries and
// nbconvert's stylesheets, each written once however many pages use it.
type siteFiles struct {
	files map[string]asset
	order []string
}

func (s *siteFiles) add(a asset) string {
	if s.files == nil {
		s.files = map[string]asset{}
	}
	if _, ok := s.files[a.name]; !ok {
		s.files[a.name] = a
		s.order = append(s.order, a.name)
	}
	return a.link()
}

// minSharedStyle is the size from which a stylesheet of nbconvert's page goes to
// assets/: its JupyterLab theme (240 KB) is the same in every page.
const minSharedStyle = 4 << 10

// shareStyles moves the page's large stylesheets to assets/, named by their content.
func shareStyles(page string, site *siteFiles) string {
	return styleRe.ReplaceAllStringFunc(page, func(m string) string {
		body := styleRe.FindStringSubmatch(m)[1]
		if len(body) < minSharedStyle || strings.Contains(m, "media=") {
			return m
		}
		sum := sha256.Sum256([]byte(body))
		return site.add(asset{"notebook-" + hex.EncodeToString(sum[:6]) + ".css", body})
	})
}

// portablePage makes an nbconvert page work from disk with no network: it removes
// external scripts and stylesheets and the charts' pictures (the page draws every
// chart itself, and a lesson's pictures can weigh megabytes), loads ECharts, KaTeX
// and marked in <head> and the page runtime at the end (which typesets the formulas
// and makes the numbers cells live), titles the page, adds the links between lessons
// and points links to notebooks at their pages. With site nil the assets are inlined
// (a self-contained page); otherwise they are linked from assets/ and added to site.
func portablePage(page string, parts pageParts, a *pageAssets, site *siteFiles) (string, error) {
	page = externalScriptRe.ReplaceAllString(page, "")
	page = pictureRe.ReplaceAllString(page, "")
	page = mathjaxConfigRe.ReplaceAllString(page, "")
	page = externalLinkRe.ReplaceAllString(page, "")
	page = titleRe.ReplaceAllLiteralString(page, "<title>"+html.EscapeString(parts.title)+"</title>")
	page = notebookLinkRe.ReplaceAllString(page, `href="$1.html$2"`)
	if !strings.Contains(page, "</head>") || !strings.Contains(page, "</body>") {
		return "", fmt.Errorf("nbconvert's page has no </head> or </body>")
	}
	load := func(assets []asset) string {
		var b strings.Builder
		for _, x := range assets {
			if site == nil {
				b.WriteString(x.inline())
			} else {
				b.WriteString(site.add(x))
			}
		}
		return b.String()
	}
	if site != nil {
		page = shareStyles(page, site)
	}
	page = strings.Replace(page, "</head>", load(a.head)+"<style>"+siteCSS+"</style>\n</head>", 1)
	if parts.nav != "" && strings.Count(page, "<main>") == 1 {
		page = strings.Replace(page, "<main>", "<main>\n"+parts.nav, 1)
		page = strings.Replace(page, "</main>", parts.nav+"</main>", 1)
	}
	tail := load(a.tail)
	if parts.lesson != "" {
		tail = lessonScript + parts.lesson + "</script>\n" + tail
	}
	i := strings.LastIndex(page, "</body>")
	page = page[:i] + tail + page[i:]
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
