package pagerun

import (
	"fmt"
	"go/constant"
	"go/scanner"
	"go/token"
	"math"
	"strings"
)

// onlyNumbers ends the messages about text the page cannot change.
const onlyNumbers = "(only the numbers of this cell can change in the page)"

// tok is one token of a cell's text, with its 1-based line.
type tok struct {
	tok  token.Token
	lit  string
	line int
}

// text is the token as the learner wrote it.
func (t tok) text() string {
	switch {
	case t.tok == token.SEMICOLON && t.lit == "\n":
		return "end of line"
	case t.tok == token.EOF:
		return "end of the cell"
	case t.lit != "":
		return t.lit
	}
	return t.tok.String()
}

// same reports whether two tokens are the same code: a newline and a semicolon
// both end a statement.
func (t tok) same(u tok) bool {
	if t.tok != u.tok {
		return false
	}
	return t.tok == token.SEMICOLON || t.lit == u.lit
}

// scan returns src's tokens (comments dropped), ending with EOF.
func scan(src string) ([]tok, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(src), errs.Add, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		toks = append(toks, tok{t, lit, file.Line(pos)})
		if t == token.EOF {
			break
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("line %d: %s", errs[0].Pos.Line, errs[0].Msg)
	}
	return toks, nil
}

// isNumber reports whether t is an integer or floating-point literal.
func isNumber(t tok) bool { return t.tok == token.INT || t.tok == token.FLOAT }

// isSign reports whether toks[i] is a unary + or - in front of a number: a sign
// not following an operand (a name, a literal, a closing bracket).
func isSign(toks []tok, i int) bool {
	if t := toks[i].tok; t != token.ADD && t != token.SUB {
		return false
	}
	if i+1 >= len(toks) || !isNumber(toks[i+1]) {
		return false
	}
	if i == 0 {
		return true
	}
	switch toks[i-1].tok {
	case token.IDENT, token.INT, token.FLOAT, token.IMAG, token.CHAR, token.STRING,
		token.RPAREN, token.RBRACK, token.RBRACE:
		return false
	}
	return true
}

// Parse reads a numbers cell's edited text. It must have the same tokens as
// n.Source (comments may change) except the slots: a slot is a number literal
// together with its unary sign, so in `x := -2.0` the slot is `-2.0` and holds
// -2.0 (the generated code replaces the whole signed literal). In the edited
// text each slot is a number, optionally signed, of the slot's kind; a float64
// slot also accepts math.NaN(), math.Inf(1) and math.Inf(-1). Parse returns the
// slots' values in source order.
func Parse(n *Numbers, edited string) ([]Value, error) {
	orig, err := scan(n.Source)
	if err != nil {
		return nil, fmt.Errorf("cell %d's original text: %v", n.Index, err)
	}
	got, err := scan(edited)
	if err != nil {
		return nil, err
	}
	var values []Value
	i, j := 0, 0 // positions in orig and got
	for {
		if isSign(orig, i) || isNumber(orig[i]) {
			if len(values) == len(n.Kinds) {
				return nil, fmt.Errorf("cell %d has more numbers than its %d slots", n.Index, len(n.Kinds))
			}
			if isSign(orig, i) {
				i++
			}
			i++
			v, next, err := slot(got, j, n.Kinds[len(values)])
			if err != nil {
				return nil, err
			}
			values, j = append(values, v), next
			continue
		}
		if !orig[i].same(got[j]) {
			return nil, changed(orig[i], got[j])
		}
		if orig[i].tok == token.EOF {
			break
		}
		i, j = i+1, j+1
	}
	if len(values) != len(n.Kinds) {
		return nil, fmt.Errorf("cell %d has %d numbers but %d slots", n.Index, len(values), len(n.Kinds))
	}
	return values, nil
}

// changed describes a token that differs from the original's.
func changed(want, got tok) error {
	if want.tok == token.EOF {
		return fmt.Errorf("line %d: %q was added %s", got.line, got.text(), onlyNumbers)
	}
	if got.tok == token.EOF {
		return fmt.Errorf("line %d: the cell ends where it had %q %s", got.line, want.text(), onlyNumbers)
	}
	return fmt.Errorf("line %d: %q where the cell had %q %s", got.line, got.text(), want.text(), onlyNumbers)
}

// slot reads one slot's value at toks[i]: an optional sign, then a number or (for
// a float64) math.NaN() or math.Inf(±1). It returns the value and the position
// after it.
func slot(toks []tok, i int, kind Kind) (Value, int, error) {
	first, sign := toks[i], ""
	if t := toks[i].tok; (t == token.ADD || t == token.SUB) && i+1 < len(toks) {
		sign, i = t.String(), i+1
	}
	if f, n, ok := special(toks, i); ok {
		text := sign + specialText(toks[i:n])
		if kind != Float64 {
			return Value{}, 0, fmt.Errorf("line %d: %s is not a whole number; this number is %s", first.line, text, article(kind))
		}
		if sign == "-" {
			f = -f
		}
		return Value{Float: f}, n, nil
	}
	switch t := toks[i]; {
	case isNumber(t):
	case t.tok == token.SEMICOLON && t.lit == "\n":
		return Value{}, 0, fmt.Errorf("line %d: a number is missing", t.line)
	case i > 0 && (t.tok == token.EOF || toks[i-1].line < t.line):
		return Value{}, 0, fmt.Errorf("line %d: a number is missing", toks[i-1].line)
	default:
		return Value{}, 0, fmt.Errorf("line %d: %q is not a number %s", t.line, sign+t.text(), onlyNumbers)
	}
	v, err := number(sign, toks[i], kind)
	return v, i + 1, err
}

// number converts a literal, with its sign, to a value of the slot's kind.
func number(sign string, t tok, kind Kind) (Value, error) {
	text := sign + t.lit
	c := constant.MakeFromLiteral(t.lit, t.tok, 0)
	if sign == "-" {
		c = constant.UnaryOp(token.SUB, c, 0)
	}
	if kind == Float64 {
		f, _ := constant.Float64Val(constant.ToFloat(c))
		if math.IsInf(f, 0) {
			return Value{}, fmt.Errorf("line %d: %s is out of range for a float64", t.line, text)
		}
		return Value{Float: f}, nil
	}
	c = constant.ToInt(c)
	if c.Kind() != constant.Int {
		return Value{}, fmt.Errorf("line %d: %s is not a whole number; this number is %s", t.line, text, article(kind))
	}
	i, exact := constant.Int64Val(c)
	if !exact || (kind == Int && int64(int(i)) != i) {
		return Value{}, fmt.Errorf("line %d: %s is out of range for %s", t.line, text, article(kind))
	}
	return Value{Int: i}, nil
}

// special reads math.NaN(), math.Inf(1) or math.Inf(-1) at toks[i].
func special(toks []tok, i int) (float64, int, bool) {
	is := func(k int, t token.Token, lit string) bool {
		return i+k < len(toks) && toks[i+k].tok == t && (lit == "" || toks[i+k].lit == lit)
	}
	if !is(0, token.IDENT, "math") || !is(1, token.PERIOD, "") || !is(3, token.LPAREN, "") {
		return 0, 0, false
	}
	switch {
	case is(2, token.IDENT, "NaN") && is(4, token.RPAREN, ""):
		return math.NaN(), i + 5, true
	case is(2, token.IDENT, "Inf") && is(4, token.INT, "1") && is(5, token.RPAREN, ""):
		return math.Inf(1), i + 6, true
	case is(2, token.IDENT, "Inf") && is(4, token.SUB, "") && is(5, token.INT, "1") && is(6, token.RPAREN, ""):
		return math.Inf(-1), i + 7, true
	}
	return 0, 0, false
}

// specialText writes math.NaN() or math.Inf(±1) back from its tokens.
func specialText(toks []tok) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text())
	}
	return b.String()
}

// article names a kind with its article: "an int", "an int64", "a float64".
func article(k Kind) string {
	if k == Float64 {
		return "a float64"
	}
	return "an " + k.String()
}
