package main

import (
	"strings"
	"testing"
)

// A timed-out cell, as the runner collects it: what it printed, then GoNB's report
// of the interrupt nbclient sent.
const interruptedOutput = "sleeping\n\nERROR: signal: interrupt\nsignal: interrupt\n"

func TestTimeoutReportsWhatTheCellPrinted(t *testing.T) {
	r := checkResult{Name: "x.ipynb", Kind: "timeout", Cell: 1, CodeCell: 1, Source: "%%\nfmt.Println(\"sleeping\")", Output: interruptedOutput}
	got := r.report(3e9)
	if !strings.Contains(got, "last output: sleeping") {
		t.Errorf("report = %q, want the cell's own last line", got)
	}
}

func TestErrorMessagesFromACompileError(t *testing.T) {
	html := `<style>.x{}</style><div><span class="gonb-err-hover-area"><span class="gonb-cell-line-info">Cell[2]: Line 3</span> ` +
		`<span class="gonb-err-location">./main.go:12:13: </span></span>undefined: undefinedName<div class="gonb-err-context">` +
		"func main() {\n<div class=\"gonb-err-line\">fmt.Println(undefinedName + y)\n</div>\n</div></div>\nERROR: failed to run \"go build\": exit status 1"
	plain := plainText(html)
	loc, ok := locate(plain, map[string]string{"2": "%%\ny := 2\nfmt.Println(undefinedName + y)"})
	if !ok || loc.count != 2 || loc.line != 3 || loc.text != "fmt.Println(undefinedName + y)" {
		t.Errorf("locate = %+v, %v", loc, ok)
	}
	if msgs := errorMessages(plain, "fallback"); len(msgs) != 1 || msgs[0] != "undefined: undefinedName" {
		t.Errorf("errorMessages = %q", msgs)
	}
}
