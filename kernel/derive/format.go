package derive

import (
	"math"
	"strconv"
	"strings"
)

// Digits is the number of significant digits the derivations print: enough to
// follow the arithmetic by hand, few enough to read at a glance.
const Digits = 3

// tableDigits is the number of significant digits in the HTML tables.
const tableDigits = 4

// Num returns v as LaTeX the way a learner reads it: rounded to sig
// significant digits, without trailing zeros, as a plain decimal when
// 10⁻⁴ ≤ |v| < 10⁵ and as m \times 10^{e} otherwise:
//
//	Num(-0.049984, 3) = "-0.05"
//	Num(0.24119, 3)   = "0.241"
//	Num(1.5e-11, 2)   = "1.5 \times 10^{-11}"
//	Num(1e-5, 3)      = "10^{-5}"
//
// Special cases are Num(±0) = "0", Num(NaN) = "\text{NaN}" and
// Num(±Inf) = "\infty" or "-\infty". A sig below 1 counts as 1.
func Num(v float64, sig int) string {
	switch {
	case math.IsNaN(v):
		return `\text{NaN}`
	case math.IsInf(v, 1):
		return `\infty`
	case math.IsInf(v, -1):
		return `-\infty`
	}
	mant, exp, sci := split(v, sig, true)
	if !sci {
		return mant
	}
	e := "10^{" + strconv.Itoa(exp) + "}"
	switch mant {
	case "1":
		return e
	case "-1":
		return "-" + e
	}
	return mant + ` \times ` + e
}

// Operand returns Num(v, sig) ready to stand between × signs: in
// parentheses when it is negative, so that a product reads
// 0.35 \times 0.21 \times (-0.68).
func Operand(v float64, sig int) string {
	if v < 0 || math.IsInf(v, -1) {
		return "(" + Num(v, sig) + ")"
	}
	return Num(v, sig)
}

// htmlNum returns v for an HTML table cell: sig significant digits, trailing
// zeros kept so that a column reads evenly, a true minus sign, and
// m×10<sup>e</sup> outside 10⁻⁴ ≤ |v| < 10⁵.
func htmlNum(v float64, sig int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	mant, exp, sci := split(v, sig, false)
	mant = strings.Replace(mant, "-", "−", 1)
	if !sci {
		return mant
	}
	return mant + "×10<sup>" + strings.Replace(strconv.Itoa(exp), "-", "−", 1) + "</sup>"
}

// split rounds the finite v to sig significant digits. It returns the
// digits as a plain decimal (exp 0, sci false) when the rounded value lies in
// 10⁻⁴ ≤ |v| < 10⁵, and otherwise the mantissa and the power of ten. With
// trim, trailing zeros after the decimal point are dropped.
func split(v float64, sig int, trim bool) (mant string, exp int, sci bool) {
	sig = max(sig, 1)
	if v == 0 {
		return "0", 0, false
	}
	e := strconv.FormatFloat(v, 'e', sig-1, 64) // "-4.998e-02": rounded once, here
	i := strings.IndexByte(e, 'e')
	exp, _ = strconv.Atoi(e[i+1:])
	if exp < -4 || exp >= 5 {
		mant = e[:i]
		if trim {
			mant = trimZeros(mant)
		}
		return mant, exp, true
	}
	// The rounded value, written with the sig digits that e has: exp+1
	// before the point, the rest after it (none, and zeros, for 1230).
	r, _ := strconv.ParseFloat(e, 64)
	mant = strconv.FormatFloat(r, 'f', max(0, sig-1-exp), 64)
	if trim {
		mant = trimZeros(mant)
	}
	return mant, 0, false
}

// trimZeros drops the trailing zeros of a decimal fraction, and the point if
// nothing follows it: "0.2500" → "0.25", "2.00" → "2".
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
