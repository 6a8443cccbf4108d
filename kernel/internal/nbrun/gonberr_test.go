package nbrun

import (
	"strings"
	"testing"
)

// A timed-out cell, as the runner collects it: what it printed, then GoNB's report
// of the interrupt nbclient sent.
const interruptedOutput = "sleeping\n\nERROR: signal: interrupt\nsignal: interrupt\n"

func TestTimeoutReportsWhatTheCellPrinted(t *testing.T) {
	r := Result{Name: "x.ipynb", Kind: "timeout", Cell: 1, CodeCell: 1, Source: "%%\nfmt.Println(\"sleeping\")", Output: interruptedOutput}
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

// A panic's output as GoNB sent it on a busy machine (trimmed): its text stack left
// the inner frame, main.third, unmarked; its HTML marks both frames.
const panicOutput = "before the panic\npanic: runtime error: index out of range [3] with length 0\n\n" +
	"goroutine 1 [running]:\nmain.third(...)\n\tgonb_9/main.go:9\nmain.main()\n" +
	"\t \x1b[7m[[ Cell [2] Line 4 ]]\x1b[0m gonb_9/main.go:17 +0x95\nexit status 2\n" +
	`<style>.gonb-err-location {}</style><div class="jp-RenderedText">` +
	`<div style="white-space: pre-wrap;">	<span class="gonb-err-hover-area"><span class="gonb-cell-line-info">Cell[1]: Line 2</span> ` +
	`<span class="gonb-err-location">gonb_9/main.go:9</span></span><div class="gonb-err-context">)` + "\n" +
	`<div class="gonb-err-line">	return s[3]` + "\n</div>}\n</div></div>\n" +
	`<div style="white-space: pre-wrap;">	<span class="gonb-err-hover-area"><span class="gonb-cell-line-info">Cell[2]: Line 4</span> ` +
	`<span class="gonb-err-location">gonb_9/main.go:17</span></span> +0x95<div class="gonb-err-context">` +
	`<div class="gonb-err-line">fmt.Println(third(s))` + "\n</div>\n}\n</div></div>\n</div>\nERROR: exit status 2\n"

func TestLocateNamesThePanicsInnerFrame(t *testing.T) {
	executed := map[string]string{"1": "func third(s []int) int {\n\treturn s[3]\n}", "2": "%%\nvar s []int\nfmt.Println(\"before the panic\")\nfmt.Println(third(s))"}
	loc, ok := locate(plainText(panicOutput), executed)
	if !ok || loc.count != 1 || loc.line != 2 || loc.text != "return s[3]" {
		t.Errorf("locate = %+v, %v; want cell [1], line 2: return s[3]", loc, ok)
	}
	textOnly := panicOutput[:strings.Index(panicOutput, "<style>")]
	if loc, ok := locate(plainText(textOnly), executed); !ok || loc.count != 2 || loc.line != 4 {
		t.Errorf("without HTML, locate = %+v, %v; want the frame the text marks, cell [2], line 4", loc, ok)
	}
}
