package pagerun

import (
	"math"
	"strings"
	"testing"
)

// hyper is a numbers cell as the lessons write them: a float64, an int, a signed
// float64, and an int64, with a comment and an expression that is not a slot.
var hyper = &Numbers{
	Index: 1,
	Source: "// The learning rate and the steps.\nvar (\n\teta   = 0.8\n\tsteps = 16\n" +
		"\tb     = -2.0\n\tseed  int64 = 7\n)\n\nvar half = eta / two\n",
	Kinds: []Kind{Float64, Int, Float64, Int64},
}

// edit returns hyper's source with its four numbers written as given.
func edit(eta, steps, b, seed string) string {
	return "// The learning rate and the steps.\nvar (\n\teta   = " + eta + "\n\tsteps = " + steps + "\n" +
		"\tb     = " + b + "\n\tseed  int64 = " + seed + "\n)\n\nvar half = eta / two\n"
}

func TestParseReadsEachSlot(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		want  []Value
		isNaN bool
	}{
		{"the original", hyper.Source, []Value{{Float: 0.8}, {Int: 16}, {Float: -2}, {Int: 7}}, false},
		{"new numbers, signs changed", edit("1e-5", "+20", "2.5", "-3"), []Value{{Float: 1e-5}, {Int: 20}, {Float: 2.5}, {Int: -3}}, false},
		{"other spellings", edit("3", "0x10", "-.5", "1_000"), []Value{{Float: 3}, {Int: 16}, {Float: -0.5}, {Int: 1000}}, false},
		{"a whole number written as a float", edit("0.8", "1e3", "-2", "7.0"), []Value{{Float: 0.8}, {Int: 1000}, {Float: -2}, {Int: 7}}, false},
		{"infinities", edit("math.Inf(1)", "16", "math.Inf(-1)", "7"), []Value{{Float: math.Inf(1)}, {Int: 16}, {Float: math.Inf(-1)}, {Int: 7}}, false},
		{"NaN", edit("math.NaN()", "16", "-2", "7"), nil, true},
		{"comments may change", "// mine\n" + edit("0.1", "16", "-2", "7") + "// more\n", []Value{{Float: 0.1}, {Int: 16}, {Float: -2}, {Int: 7}}, false},
	}
	for _, c := range cases {
		got, err := Parse(hyper, c.text)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if c.isNaN {
			if len(got) != 4 || !math.IsNaN(got[0].Float) {
				t.Errorf("%s: got %v, want NaN first", c.name, got)
			}
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: slot %d = %v, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

func TestParseRefusesWithTheLineAndText(t *testing.T) {
	const only = " (only the numbers of this cell can change in the page)"
	cases := []struct{ name, text, want string }{
		{"a name for a number", edit("abc", "16", "-2", "7"), `line 3: "abc" is not a number` + only},
		{"a signed name", edit("-abc", "16", "-2", "7"), `line 3: "-abc" is not a number` + only},
		{"a fraction for an int", edit("0.8", "3.5", "-2", "7"), "line 4: 3.5 is not a whole number; this number is an int"},
		{"a fraction for an int64", edit("0.8", "3", "-2", "-7.25"), "line 6: -7.25 is not a whole number; this number is an int64"},
		{"NaN for an int", edit("0.8", "math.NaN()", "-2", "7"), "line 4: math.NaN() is not a whole number; this number is an int"},
		{"a float out of range", edit("1e400", "16", "-2", "7"), "line 3: 1e400 is out of range for a float64"},
		{"an int out of range", edit("0.8", "99999999999999999999", "-2", "7"), "line 4: 99999999999999999999 is out of range for an int"},
		{"an expression for a number", edit("0.8 * 2", "16", "-2", "7"), `line 3: "*" where the cell had "end of line"` + only},
		{"a renamed variable", "// The learning rate and the steps.\nvar (\n\trate  = 0.8\n", `line 3: "rate" where the cell had "eta"` + only},
		{"a changed expression", strings.Replace(hyper.Source, "eta / two", "eta * two", 1), `line 9: "*" where the cell had "/"` + only},
		{"a line added", edit("0.8", "16", "-2", "7") + "var x = 1\n", `line 10: "var" was added` + only},
		{"a number missing", edit("", "16", "-2", "7"), "line 3: a number is missing"},
		{"the last number missing", "var (\n\teta = 0.8\n\tsteps = 16\n\tb = -2.0\n\tseed int64 =", "line 5: a number is missing"},
		{"the cell cut short", "// The learning rate and the steps.\nvar (\n", `line 2: the cell ends where it had "eta"` + only},
		{"text Go cannot read", edit("0.8", "16", "-2", "7") + "var s = \"open\n", "line 10: string literal not terminated"},
		{"an imaginary number", edit("2i", "16", "-2", "7"), `line 3: "2i" is not a number` + only},
	}
	for _, c := range cases {
		_, err := Parse(hyper, c.text)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v\n want %s", c.name, err, c.want)
		}
	}
}

func TestParseTellsABinaryMinusFromASign(t *testing.T) {
	n := &Numbers{Index: 2, Source: "var y = x - 2\nvar z = (-3)\n", Kinds: []Kind{Int, Int}}
	got, err := Parse(n, "var y = x - -5\nvar z = (4)\n")
	if err != nil || len(got) != 2 || got[0].Int != -5 || got[1].Int != 4 {
		t.Fatalf("Parse = %v, %v; want -5 and 4", got, err)
	}
	_, err = Parse(n, "var y = x + 5\nvar z = (4)\n")
	if err == nil || err.Error() != `line 1: "+" where the cell had "-" (only the numbers of this cell can change in the page)` {
		t.Errorf("a changed operator: %v", err)
	}
}

func TestNumbersReadTheirSourceBeforeAnyRun(t *testing.T) {
	n := &Numbers{Index: 0, Source: "var lr, n, big = 0.25, 3, -40\n", Kinds: []Kind{Float64, Int, Int64}}
	if n.Float64(0) != 0.25 || n.Int(1) != 3 || n.Int64(2) != -40 {
		t.Errorf("slots = %v, %v, %v", n.Float64(0), n.Int(1), n.Int64(2))
	}
	defer func() {
		if v := recover(); v != "pagerun: cell 0 has no float64 slot 1" {
			t.Errorf("reading an int slot as a float64: recovered %v", v)
		}
	}()
	n.Float64(1)
}
