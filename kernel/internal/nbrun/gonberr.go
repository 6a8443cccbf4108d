package nbrun

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// GoNB reports errors as HTML with hover context, and names places in cells
// "Cell[N]: Line M" (compile errors) or "[[ Cell [N] Line M ]]" (stack traces),
// where N is the cell's execution count and M counts from 1.
var (
	styleRe      = regexp.MustCompile(`(?s)<style>.*?</style>`)
	errContextRe = regexp.MustCompile(`(?s)<div class="gonb-err-context">.*?<div class="gonb-err-line">.*?</div>.*?</div>`)
	tagRe        = regexp.MustCompile(`<[^>]+>`)
	ansiRe       = regexp.MustCompile("\x1b\\[[0-9;]*m")
	goFileRe     = regexp.MustCompile(`\S*\.go:\d+(:\d+)?:?( \+0x[0-9a-f]+)?`)
	cellLineRe   = regexp.MustCompile(`\[?\[? ?Cell ?\[(\d+)\]:? Line (\d+) ?\]?\]?`)
)

// plainText turns a cell's outputs into the lines a reader needs: no styles,
// no hover context, no tags or terminal colours, no blank or repeated lines.
func plainText(output string) []string {
	s := styleRe.ReplaceAllString(output, "")
	s = errContextRe.ReplaceAllString(s, "")
	s = tagRe.ReplaceAllString(s, "")
	s = ansiRe.ReplaceAllString(html.UnescapeString(s), "")
	var lines []string
	seen := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		lines = append(lines, l)
	}
	return lines
}

// location is a line of a cell named in an error.
type location struct {
	count, line int    // execution count and 1-based line
	source      string // the whole cell
	text        string // the line itself
}

// locate finds the cell line an error happened at: the first one named in the output,
// given each executed cell's source. GoNB reports a panic's stack twice: as text,
// marking each frame "[[ Cell [N] Line M ]]" as stderr arrives, which on a busy machine
// can miss the innermost frame, and then as HTML, marking every frame "Cell[N]: Line M"
// once the program has ended. So the HTML's marks come first, and the text's only
// where there is no HTML.
func locate(plain []string, executed map[string]string) (location, bool) {
	if loc, ok := locateMarked(plain, executed, true); ok {
		return loc, true
	}
	return locateMarked(plain, executed, false)
}

// locateMarked is locate for the HTML's marks only (html) or for any mark.
func locateMarked(plain []string, executed map[string]string, html bool) (location, bool) {
	for _, l := range plain {
		m := cellLineRe.FindStringSubmatch(l)
		if m == nil || (html && !strings.HasPrefix(m[0], "Cell[")) {
			continue
		}
		src, ok := executed[m[1]]
		if !ok {
			continue
		}
		count, _ := strconv.Atoi(m[1])
		line, _ := strconv.Atoi(m[2])
		lines := strings.Split(src, "\n")
		if line < 1 || line > len(lines) {
			continue
		}
		return location{count: count, line: line, source: src, text: strings.TrimSpace(lines[line-1])}, true
	}
	return location{}, false
}

// errorMessages picks what went wrong out of the plain output: a panic's
// message, or the compiler's messages, or else the last lines the cell printed.
func errorMessages(plain []string, fallback string) []string {
	for _, l := range plain {
		if strings.HasPrefix(l, "panic:") {
			return []string{l}
		}
	}
	var msgs []string
	for _, l := range plain {
		if cellLineRe.MatchString(l) {
			msg := strings.TrimSpace(goFileRe.ReplaceAllString(cellLineRe.ReplaceAllString(l, ""), ""))
			if msg != "" {
				msgs = append(msgs, msg)
			}
		}
	}
	if len(msgs) > 0 {
		return msgs
	}
	rest := printedLines(plain)
	if len(rest) > 3 {
		rest = rest[len(rest)-3:]
	}
	if len(rest) == 0 && fallback != "" {
		rest = []string{fallback}
	}
	return rest
}

// printedLines drops what GoNB adds around a failure (its ERROR lines, exit
// statuses, stack frames, the ^C of an interrupt), leaving what the cell itself printed.
func printedLines(plain []string) []string {
	var printed []string
	for _, l := range plain {
		if l != "^C" && !strings.HasPrefix(l, "ERROR:") && !strings.HasPrefix(l, "exit status") && !strings.HasPrefix(l, "failed to run") &&
			!strings.HasPrefix(l, "signal:") && !strings.HasPrefix(l, "goroutine ") && !goFileRe.MatchString(l) {
			printed = append(printed, l)
		}
	}
	return printed
}
