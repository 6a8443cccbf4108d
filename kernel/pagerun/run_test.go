package pagerun

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
)

// record is a Sink that writes down what it hears, with what the cells did.
type record struct{ log []string }

func (r *record) CellStart(index int) { r.log = append(r.log, fmt.Sprintf("start %d", index)) }

func (r *record) CellEnd(index int, err *CellError) {
	if err == nil {
		r.log = append(r.log, fmt.Sprintf("end %d", index))
		return
	}
	r.log = append(r.log, fmt.Sprintf("end %d: %s %q %q", index, err.Ename, err.Evalue, err.Traceback))
}

// lesson registers a hand-written lesson like the generator's: one numbers cell
// (index 1, `var eta = 0.5` and `var steps = 3`), package variables w and n that
// its Reset initialises from them, and the given bodies as cells 2, 4, 6, ...,
// each following the numbers cell
func lesson(t *testing.T, r *record, bodies ...func()) (*Lesson, *float64) {
	numbers := &Numbers{Index: 1, Source: "var eta = 0.5\nvar steps = 3\n", Kinds: []Kind{Float64, Int}}
	var w float64
	l := &Lesson{
		Name:    t.Name(),
		Numbers: []*Numbers{numbers},
		Reset: func() {
			w = numbers.Float64(0) * float64(numbers.Int(1))
			r.log = append(r.log, fmt.Sprintf("reset w=%g", w))
		},
	}
	for i, body := range bodies {
		l.Cells = append(l.Cells, Cell{Index: 2 * (i + 1), Body: body, Follows: []int{1}})
	}
	Register(l)
	return l, &w
}

func TestRunResetsBeforeEachCell(t *testing.T) {
	r := &record{}
	var w *float64
	step := func() { *w += 1; r.log = append(r.log, fmt.Sprintf("cell sees w=%g", *w)) }
	_, w = lesson(t, r, step, step, step)
	res, err := Run(t.Name(), 1, map[int]string{1: "var eta = 2.0\nvar steps = 10\n"}, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"start 2", "reset w=20", "cell sees w=21", "end 2", "start 4", "reset w=20", "cell sees w=21", "end 4",
		"start 6", "reset w=20", "cell sees w=21", "end 6"}
	if !reflect.DeepEqual(r.log, want) || !reflect.DeepEqual(res, Result{Ran: []int{2, 4, 6}, Failed: -1}) {
		t.Errorf("log %q\nwant %q\nresult %+v", r.log, want, res)
	}
	r.log = nil
	res, err = Run(t.Name(), 4, nil, r) // no text: the cell's own numbers again
	want = []string{"start 6", "reset w=1.5", "cell sees w=2.5", "end 6"}
	if err != nil || !reflect.DeepEqual(r.log, want) || !reflect.DeepEqual(res.Ran, []int{6}) {
		t.Errorf("from cell 4: log %q, %v\nwant %q", r.log, err, want)
	}
}

func TestAnEditRunsOnlyTheCellsThatFollowIt(t *testing.T) {
	r := &record{}
	var w *float64
	var l *Lesson
	l, w = lesson(t, r, func() { r.log = append(r.log, fmt.Sprintf("uses w=%g", *w)) }, func() { r.log = append(r.log, "uses nothing") })
	l.Cells[1].Follows = nil
	res, err := Run(t.Name(), 1, map[int]string{1: "var eta = 1.0\nvar steps = 2\n"}, r)
	want := []string{"start 2", "reset w=2", "uses w=2", "end 2"}
	if err != nil || !reflect.DeepEqual(r.log, want) || !reflect.DeepEqual(res.Ran, []int{2}) {
		t.Errorf("from the numbers cell: log %q, %v\nwant %q", r.log, err, want)
	}
	r.log = nil
	res, err = Run(t.Name(), 0, nil, r) // not a numbers cell: every cell below runs
	if err != nil || !reflect.DeepEqual(res.Ran, []int{2, 4}) {
		t.Errorf("from cell 0: ran %v, %v; log %q", res.Ran, err, r.log)
	}
}

func TestAPanicEndsTheCellAndTheRun(t *testing.T) {
	r := &record{}
	var s []int
	lesson(t, r, func() {}, func() { r.log = append(r.log, fmt.Sprint(s[3])) }, func() { t.Error("the cell after a panic ran") })
	res, err := Run(t.Name(), 0, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	end := `end 4: ERROR "panic: runtime error: index out of range [3] with length 0" ["panic: runtime error: index out of range [3] with length 0" "exit status 2"]`
	if res.Failed != 4 || !reflect.DeepEqual(res.Ran, []int{2, 4}) || r.log[len(r.log)-1] != end {
		t.Errorf("result %+v, log %q\nwant the last entry %s", res, r.log, end)
	}
}

// TestAStopEndsTheCellAndTheRun: display.Stop panics with display.Exit{1} in a
// page (natively it exits the process, so the panic is written out here; the
// wasm test in page_test.go calls display.Stop itself).
func TestAStopEndsTheCellAndTheRun(t *testing.T) {
	r := &record{}
	lesson(t, r, func() { panic(display.Exit{Code: 1}) }, func() { t.Error("the cell after a stop ran") })
	res, err := Run(t.Name(), 0, nil, r)
	end := `end 2: ERROR "exit status 1" ["exit status 1"]`
	if err != nil || res.Failed != 2 || r.log[len(r.log)-1] != end {
		t.Errorf("result %+v, %v, log %q\nwant the last entry %s", res, err, r.log, end)
	}
}

func TestAPanicInTheVariablesFails(t *testing.T) {
	r := &record{}
	l, _ := lesson(t, r, func() { t.Error("a cell ran after its variables panicked") })
	l.Reset = func() { panic(fmt.Errorf("mathx: empty data set")) }
	res, _ := Run(t.Name(), 0, nil, r)
	if res.Failed != 2 || !strings.Contains(r.log[len(r.log)-1], `"panic: mathx: empty data set"`) {
		t.Errorf("result %+v, log %q", res, r.log)
	}
}

func TestAParseErrorRunsNothingAndChangesNothing(t *testing.T) {
	r := &record{}
	l, _ := lesson(t, r, func() { t.Error("a cell ran after a parse error") })
	if _, err := Run(t.Name(), 2, map[int]string{1: "var eta = 0.25\nvar steps = 8\n"}, r); err != nil {
		t.Fatal(err)
	}
	_, err := Run(t.Name(), 0, map[int]string{1: "var eta = 0.1\nvar steps = 2.5\n"}, r)
	pe, ok := err.(*ParseError)
	if !ok || pe.Cell != 1 || pe.Err.Error() != "line 2: 2.5 is not a whole number; this number is an int" {
		t.Fatalf("error %#v, want a ParseError for cell 1", err)
	}
	if len(r.log) != 0 || l.Numbers[0].Float64(0) != 0.25 || l.Numbers[0].Int(1) != 8 {
		t.Errorf("log %q, numbers %v %v; want nothing run and the last good numbers", r.log, l.Numbers[0].Float64(0), l.Numbers[0].Int(1))
	}
	if _, err := Run(t.Name(), 0, map[int]string{3: "x"}, r); err == nil || err.Error() != "cell 3: lesson "+t.Name()+" has no numbers cell 3" {
		t.Errorf("text for a cell that is not a numbers cell: %v", err)
	}
}

func TestAnswerIsThePagesJSON(t *testing.T) {
	r := &record{}
	lesson(t, r, func() {}, func() { panic("bad") }, func() {})
	cases := []struct{ name, lesson, sources, want string }{
		{"a run", t.Name(), `{"1": "var eta = 1\nvar steps = 1\n"}`, `{"ok":true,"ran":[2,4],"failed":4}`},
		{"a parse error", t.Name(), `{"1": "var eta = 1\nvar steps = x\n"}`,
			`{"ok":false,"cell":1,"error":{"ename":"ERROR","evalue":"line 2: \"x\" is not a number (only the numbers of this cell can change in the page)",` +
				`"traceback":["line 2: \"x\" is not a number (only the numbers of this cell can change in the page)"]}}`},
		{"sources that are not JSON", t.Name(), `[1]`, `{"ok":false,"cell":-1,"error":{"ename":"ERROR","evalue":"the page sent sources that are not a JSON object of strings: json: cannot unmarshal array into Go value of type map[string]string"`},
		{"a key that is not an index", t.Name(), `{"one": ""}`, `{"ok":false,"cell":-1,"error":{"ename":"ERROR","evalue":"the page sent sources for \"one\", which is not a cell index"`},
		{"an unknown lesson", "99-nothing", `{}`, `{"ok":false,"cell":-1,"error":{"ename":"ERROR","evalue":"no lesson \"99-nothing\" in this page's program (it has `},
	}
	for _, c := range cases {
		if got := answer(c.lesson, 0, c.sources, r); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %s\nwant %s", c.name, got, c.want)
		}
	}
}

// throwing is a Sink whose CellStart fails, as a page function that throws does.
type throwing struct{ record }

func (*throwing) CellStart(int) { panic("JavaScript error: backpropCellStart is broken") }

func TestAnswerSurvivesThePagesFailure(t *testing.T) {
	lesson(t, &record{}, func() {})
	got := answer(t.Name(), 0, "{}", &throwing{})
	want := `{"ok":false,"cell":-1,"error":{"ename":"ERROR","evalue":"the run stopped: JavaScript error: backpropCellStart is broken"`
	if !strings.HasPrefix(got, want) {
		t.Errorf("answer = %s\nwant %s", got, want)
	}
}
