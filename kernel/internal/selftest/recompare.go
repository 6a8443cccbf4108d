package selftest

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
)

// notebook is the part of an nbformat 4 notebook that the recompute check reads.
type notebook struct {
	Cells []nbCell `json:"cells"`
}

// nbCell is one cell of a notebook.
type nbCell struct {
	CellType string    `json:"cell_type"`
	Source   multiline `json:"source"`
	Metadata struct {
		Tags     []string `json:"tags"`
		Backprop struct {
			Second *string `json:"second"`
		} `json:"backprop"`
	} `json:"metadata"`
	Outputs []output `json:"outputs"`
}

// output is one nbformat output, as the kernel saved it or the page keeps it.
type output struct {
	OutputType string               `json:"output_type"`
	Name       string               `json:"name"`
	Text       multiline            `json:"text"`
	Data       map[string]multiline `json:"data"`
	Ename      string               `json:"ename"`
	Evalue     string               `json:"evalue"`
}

// multiline is nbformat's text: a string or a list of lines. Other JSON (a MIME type
// whose data is an object) reads as empty: the check compares only text.
type multiline []string

func (m *multiline) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*m = multiline{s}
		return nil
	}
	var lines []string
	if json.Unmarshal(data, &lines) == nil {
		*m = lines
	}
	return nil
}

func (m multiline) String() string { return strings.Join(m, "") }

func readNotebook(path string) (*notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &nb, nil
}

// A line that prints a duration: a number and a unit of time, as Go's Duration prints
// it (334µs, 2.978ms, 1m3.5s) or with a space (0.113 s, 1.76e-05 s). A cell that prints
// one is a timing cell: what it measures depends on the machine and the moment, so its
// lines and its charts' y values are compared up to their numbers.
var (
	durationRE = regexp.MustCompile(`\d+(\.\d+)?([eE][-+]?\d+)?\s?(ns|µs|μs|us|ms|s)\b`)
	numberRE   = regexp.MustCompile(`[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?`)
	paddedRE   = regexp.MustCompile(`\s*(‹duration›|#)`)
	spacesRE   = regexp.MustCompile(`\s+`)
)

// masked is a line with every duration and every number replaced by a mark, each mark
// with one space before it, whatever padded the number to a width ("(15.10×" and
// "( 0.50×" are both "( #×"), and every other run of spaces made one.
func masked(line string) string {
	line = numberRE.ReplaceAllString(durationRE.ReplaceAllString(line, "‹duration›"), "#")
	return spacesRE.ReplaceAllString(paddedRE.ReplaceAllString(line, " $1"), " ")
}

// item is one output as the check compares it: printed text (consecutive chunks of a
// stream joined, as Jupyter shows them), Markdown, a chart or another display, an error.
type item struct {
	kind  string // stdout, stderr, markdown, chart, display, error
	text  string // for a chart or a display, its text/plain
	chart []series
}

// series is one series of a chart's ECharts option.
type series struct {
	Name string `json:"name"`
	Data any    `json:"data"`
}

func items(outs []output) ([]item, error) {
	var its []item
	for _, o := range outs {
		switch o.OutputType {
		case "stream":
			if n := len(its); n > 0 && its[n-1].kind == o.Name {
				its[n-1].text += o.Text.String()
				continue
			}
			its = append(its, item{kind: o.Name, text: o.Text.String()})
		case "error":
			its = append(its, item{kind: "error", text: o.Ename + ": " + o.Evalue})
		case "display_data", "execute_result":
			it, err := displayItem(o.Data)
			if err != nil {
				return nil, err
			}
			its = append(its, it)
		}
	}
	return its, nil
}

func displayItem(data map[string]multiline) (item, error) {
	if md, ok := data["text/markdown"]; ok {
		return item{kind: "markdown", text: md.String()}, nil
	}
	html, plain := data["text/html"].String(), data["text/plain"].String()
	if strings.Contains(html, `class="chainrule-chart"`) {
		s, err := chartSeries(html)
		return item{kind: "chart", text: plain, chart: s}, err
	}
	if plain == "" {
		plain = html
	}
	return item{kind: "display", text: plain}, nil
}

// chartSeries reads the series of the ECharts option that a chart's HTML draws
// (`option = {...}` in its script).
func chartSeries(html string) ([]series, error) {
	at := strings.Index(html, "option = {")
	if at < 0 {
		return nil, fmt.Errorf("a chart's HTML holds no `option = {...}`")
	}
	dec := json.NewDecoder(strings.NewReader(html[at+len("option = "):]))
	dec.UseNumber()
	var option struct {
		Series []series `json:"series"`
	}
	if err := dec.Decode(&option); err != nil {
		return nil, fmt.Errorf("a chart's option is not JSON: %v", err)
	}
	return option.Series, nil
}

// cellResult is how one live cell's outputs in the page compare with the kernel's.
type cellResult struct {
	equal, charts int
	timing        bool
	problem       string // the first difference, or ""
}

// compareCell compares a cell's outputs in the page with the kernel's: the same outputs
// in the same order; printed text, Markdown and displays identical line by line (in a
// timing cell, up to their numbers); each chart's series equal in name and data (in a
// timing cell, the x values only).
func compareCell(index int, kernel, page []output) cellResult {
	ks, err := items(kernel)
	if err != nil {
		return cellResult{problem: fmt.Sprintf("cell %d, the kernel's outputs: %v", index, err)}
	}
	ps, err := items(page)
	if err != nil {
		return cellResult{problem: fmt.Sprintf("cell %d, the page's outputs: %v", index, err)}
	}
	res := cellResult{timing: slices.ContainsFunc(ks, func(it item) bool { return durationRE.MatchString(it.text) })}
	if kinds(ks) != kinds(ps) {
		res.problem = fmt.Sprintf("cell %d: the kernel shows %s, the page %s", index, kinds(ks), kinds(ps))
		return res
	}
	for i, k := range ks {
		p := ps[i]
		where := fmt.Sprintf("cell %d, output %d (%s)", index, i+1, k.kind)
		if diff := compareText(k.text, p.text, res.timing); diff != "" {
			res.problem = where + ", " + diff
			return res
		}
		if k.kind == "chart" {
			if diff := compareSeries(k.chart, p.chart, res.timing); diff != "" {
				res.problem = where + ": " + diff
				return res
			}
			res.charts++
		}
		res.equal++
	}
	return res
}

func kinds(its []item) string {
	var k []string
	for _, it := range its {
		k = append(k, it.kind)
	}
	if len(k) == 0 {
		return "no output"
	}
	return strconv.Itoa(len(k)) + " outputs (" + strings.Join(k, ", ") + ")"
}

// compareText returns "" when the two texts are equal line by line (in a timing cell, up
// to their numbers), else the first differing line of each.
func compareText(kernel, page string, timing bool) string {
	kl, pl := strings.Split(kernel, "\n"), strings.Split(page, "\n")
	for i := range max(len(kl), len(pl)) {
		k, p := "", ""
		if i < len(kl) {
			k = kl[i]
		}
		if i < len(pl) {
			p = pl[i]
		}
		if i >= len(kl) || i >= len(pl) || (k != p && !(timing && masked(k) == masked(p))) {
			return fmt.Sprintf("line %d: kernel %q, page %q", i+1, k, p)
		}
	}
	return ""
}

// compareSeries returns "" when the charts' series agree: names and data, or in a timing
// chart names and x values (the y values are the times measured).
func compareSeries(kernel, page []series, timing bool) string {
	if len(kernel) != len(page) {
		return fmt.Sprintf("the kernel's chart has %d series, the page's %d", len(kernel), len(page))
	}
	for i, k := range kernel {
		p := page[i]
		kd, pd := k.Data, p.Data
		if timing {
			kd, pd = xs(kd), xs(pd)
		}
		if k.Name != p.Name || !reflect.DeepEqual(kd, pd) {
			kj, _ := json.Marshal(kd)
			pj, _ := json.Marshal(pd)
			return fmt.Sprintf("series %d (%q): kernel %s, page %s", i+1, k.Name, clip(string(kj)), clip(string(pj)))
		}
	}
	return ""
}

// xs keeps the first number of each [x, y] point of a series' data.
func xs(data any) any {
	points, ok := data.([]any)
	if !ok {
		return data
	}
	var x []any
	for _, pt := range points {
		if xy, ok := pt.([]any); ok && len(xy) > 0 {
			x = append(x, xy[0])
		} else {
			x = append(x, pt)
		}
	}
	return x
}

func clip(s string) string {
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

// lessonReport is the recompute check's verdict on one lesson.
type lessonReport struct {
	equal, charts int
	timing        []int
	unchanged     []int            // live cells the page did not run: they use none of the numbers
	snapshots     map[string][]int // why → cells
	badInputs     []string         // how each bad input was shown
	problems      []string
}

// compareLesson compares every live cell below the first numbers cell, as the page shows
// it after its run, with the kernel's notebook run with the same numbers. A live cell the
// page did not run (its code uses none of the numbers) keeps the outputs it was exported
// with, from first, the lesson's run for export: those must equal the kernel's too.
func compareLesson(kernel, first *notebook, res pageResult) *lessonReport {
	rep := &lessonReport{snapshots: map[string][]int{}}
	for _, p := range res.Problems {
		rep.problems = append(rep.problems, "page: "+p)
	}
	if kernel == nil {
		rep.problems = append(rep.problems, "the kernel's outputs for this lesson are missing")
		return rep
	}
	if !res.Run.OK && len(res.Problems) == 0 {
		rep.problems = append(rep.problems, fmt.Sprintf("the page's run stopped at cell %d", res.Run.Failed))
	}
	if !res.Again.OK && res.Run.OK && len(res.Problems) == 0 {
		rep.problems = append(rep.problems, fmt.Sprintf("the page's re-run stopped at cell %d", res.Again.Failed))
	}
	from := -1 // the first numbers cell: the page runs the live cells after it
	for _, c := range res.Cells {
		if c.Kind == "numbers" && from < 0 {
			from = c.Index
		}
	}
	for _, c := range res.Cells {
		switch {
		case c.Kind == "snapshot":
			rep.snapshots[c.Why] = append(rep.snapshots[c.Why], c.Index)
		case c.Kind != "live" || c.Index < from: // above the numbers, a live cell keeps its exported outputs
		case c.Index >= len(kernel.Cells):
			rep.problems = append(rep.problems, fmt.Sprintf("cell %d: the kernel's notebook has %d cells", c.Index, len(kernel.Cells)))
		case !slices.Contains(res.Run.Ran, c.Index):
			rep.kept(c.Index, kernel, first)
		default:
			cr := compareCell(c.Index, kernel.Cells[c.Index].Outputs, res.Outputs[strconv.Itoa(c.Index)])
			rep.equal, rep.charts = rep.equal+cr.equal, rep.charts+cr.charts
			if cr.timing {
				rep.timing = append(rep.timing, c.Index)
			}
			if cr.problem != "" {
				rep.problems = append(rep.problems, cr.problem)
			}
		}
	}
	return rep
}

// kept judges a live cell that the page did not run: its exported outputs must be the
// kernel's with the second numbers, that is, they do not depend on the numbers.
func (rep *lessonReport) kept(index int, kernel, first *notebook) {
	if first == nil || index >= len(first.Cells) {
		rep.problems = append(rep.problems, fmt.Sprintf("cell %d did not run in the page, and its exported outputs are missing", index))
		return
	}
	cr := compareCell(index, kernel.Cells[index].Outputs, first.Cells[index].Outputs)
	if cr.problem != "" {
		rep.problems = append(rep.problems, fmt.Sprintf("cell %d did not run in the page, yet the kernel's outputs change with the numbers: %s", index, cr.problem))
		return
	}
	rep.unchanged = append(rep.unchanged, index)
}

// badInput judges how the page showed each bad input: the run fails (or, for a slow
// one, is stopped) in one cell with an error there, in the cell where the kernel failed,
// and a red box there says what the kernel's says.
func (rep *lessonReport) badInput(res pageResult, kernel map[string]nbrun.Result) {
	for _, c := range res.Cases {
		its, err := items(c.Outputs[strconv.Itoa(c.Failed)])
		shown := ""
		for _, it := range its {
			if it.kind == "error" || strings.HasPrefix(it.text, "error: ") {
				shown += it.text + "\n"
			}
		}
		if err != nil || shown == "" {
			rep.problems = append(rep.problems, fmt.Sprintf("%s: cell %d, where the run stopped, shows no error", c.Name, c.Failed))
			continue
		}
		if i := slices.IndexFunc(badInputs, func(b badInput) bool { return b.lesson == res.Name && b.name == c.Name }); i >= 0 && !strings.Contains(shown, badInputs[i].says) {
			rep.problems = append(rep.problems, fmt.Sprintf("%s: cell %d shows %q, which does not say %q", c.Name, c.Failed, clip(strings.TrimSpace(shown)), badInputs[i].says))
		}
		if c.TimedOut {
			rep.badInputs = append(rep.badInputs, fmt.Sprintf("%s: stopped in cell %d", c.Name, c.Failed))
			continue
		}
		kr, ok := kernel[res.Name+": "+c.Name]
		switch {
		case !ok:
			rep.problems = append(rep.problems, fmt.Sprintf("%s: the kernel did not run it", c.Name))
		case kr.OK:
			rep.problems = append(rep.problems, fmt.Sprintf("%s: the kernel ran it without an error, the page stopped at cell %d", c.Name, c.Failed))
		case kr.Cell != c.Failed:
			rep.problems = append(rep.problems, fmt.Sprintf("%s: the kernel failed in cell %d, the page in cell %d", c.Name, kr.Cell, c.Failed))
		default:
			for _, o := range c.Outputs[strconv.Itoa(c.Failed)] {
				if box := o.Data["text/html"].String(); strings.Contains(box, "chainrule-error") && !strings.Contains(kr.Output, box) {
					rep.problems = append(rep.problems, fmt.Sprintf("%s: the page's message %q is not the kernel's", c.Name, o.Data["text/plain"].String()))
				}
			}
			rep.badInputs = append(rep.badInputs, fmt.Sprintf("%s: error in cell %d", c.Name, c.Failed))
		}
	}
}

func (rep *lessonReport) ok() bool { return len(rep.problems) == 0 }

// line is the lesson's report line, e.g. "recompute: ok   02-chain-rule  14 outputs equal
// the kernel's, 3 charts redrawn (0.12 s; again 0.08 s)": the first run after the page
// loaded (from each numbers cell, the times added up), then a re-run. It names the timing and snapshot cells and the bad inputs tried,
// with each problem on a line of its own.
func (rep *lessonReport) line(res pageResult) string {
	verdict := "ok  "
	if !rep.ok() {
		verdict = "FAIL"
	}
	equal := fmt.Sprintf("%d outputs equal", rep.equal)
	if rep.equal == 1 {
		equal = "1 output equals"
	}
	charts := fmt.Sprintf("%d charts", rep.charts)
	if rep.charts == 1 {
		charts = "1 chart"
	}
	s := fmt.Sprintf("recompute: %s %-34s %s the kernel's, %s redrawn (%.2f s; again %.2f s)", verdict, res.Name, equal, charts, res.Run.MS/1000, res.Again.MS/1000)
	if len(rep.unchanged) > 0 {
		s += fmt.Sprintf("; %s not re-run (no numbers used; as exported, equal to the kernel's)", cellList(rep.unchanged))
	}
	if len(rep.timing) > 0 {
		s += fmt.Sprintf("; timing %s measured in this browser, compared up to the numbers", cellList(rep.timing))
	}
	whys := make([]string, 0, len(rep.snapshots))
	for why := range rep.snapshots {
		whys = append(whys, why)
	}
	slices.Sort(whys)
	for _, why := range whys {
		s += fmt.Sprintf("; snapshot %s", cellList(rep.snapshots[why]))
		if why != "" {
			s += " (" + why + ")"
		}
	}
	if len(rep.badInputs) > 0 {
		s += "; bad input: " + strings.Join(rep.badInputs, ", ")
	}
	for _, p := range rep.problems {
		s += "\n      " + p
	}
	return s + "\n"
}

// cellList names cells: "cell 7", "cells 7, 9".
func cellList(cells []int) string {
	var s []string
	for _, c := range cells {
		s = append(s, strconv.Itoa(c))
	}
	if len(s) == 1 {
		return "cell " + s[0]
	}
	return "cells " + strings.Join(s, ", ")
}
