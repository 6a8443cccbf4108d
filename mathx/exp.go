package mathx

import "math"

// Exp returns e^x, computed by the same steps on every architecture, so that a lesson
// compiled to WebAssembly for an exported page prints the same digits as the kernel.
// (math.Exp uses assembly on amd64 and differs from its portable code in the last bit.)
// It is Go's portable math.exp (from FreeBSD's e_exp.c): reduce x = k·ln2 + r with
// |r| ≤ ½ln2, approximate e^r by a rational function, scale by 2^k; error under 1 ulp.
//
// Special cases: Exp(+Inf) = +Inf, Exp(−Inf) = 0, Exp(NaN) = NaN; overflow gives +Inf,
// underflow 0.
func Exp(x float64) float64 {
	const (
		ln2Hi     = 6.93147180369123816490e-01
		ln2Lo     = 1.90821492927058770002e-10
		log2e     = 1.44269504088896338700e+00
		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	var k int
	switch {
	case x < 0:
		k = int(log2e*x - 0.5)
	case x > 0:
		k = int(log2e*x + 0.5)
	}
	hi := x - float64(k)*ln2Hi
	lo := float64(k) * ln2Lo
	return expMulti(hi, lo, k)
}

// expMulti returns e^(hi−lo)·2^k, with e^r ≈ 1 − ((lo − r·c/(2 − c)) − hi) for r = hi − lo
// and c = r − (P1·r² + P2·r⁴ + … + P5·r¹⁰).
func expMulti(hi, lo float64, k int) float64 {
	const (
		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	r := hi - lo
	t := r * r
	c := r - t*(p1+t*(p2+t*(p3+t*(p4+t*p5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// tanh returns tanh(x) = (e^x − e^−x)/(e^x + e^−x), the same on every architecture (see
// Exp); it is Tanh.F. It is Go's math.Tanh with Exp in place of math.Exp: 1 − 2/(e^2|x| + 1) for
// |x| ≥ 0.625, a rational function below that.
//
// Special cases: tanh(±0) = ±0, tanh(±Inf) = ±1, tanh(NaN) = NaN.
func tanh(x float64) float64 {
	const maxLog = 8.8029691931113054295988e+01 // ln(2^127)
	z := math.Abs(x)
	switch {
	case z > 0.5*maxLog:
		if x < 0 {
			return -1
		}
		return 1
	case z >= 0.625:
		s := Exp(2 * z)
		z = 1 - 2/(s+1)
		if x < 0 {
			z = -z
		}
	default:
		if x == 0 {
			return x
		}
		s := x * x
		z = x + x*s*((tanhP[0]*s+tanhP[1])*s+tanhP[2])/(((s+tanhQ[0])*s+tanhQ[1])*s+tanhQ[2])
	}
	return z
}

// tanhP and tanhQ are the rational function's coefficients (Cephes).
var (
	tanhP = [...]float64{-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3}
	tanhQ = [...]float64{1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3}
)
