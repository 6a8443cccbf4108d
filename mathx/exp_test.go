package mathx

import (
	"math"
	"testing"
)

// portableBits are math.Exp(x) and math.Tanh(x) as Go compiled to WebAssembly computes
// them (its portable code, GOOS=js GOARCH=wasm under node): the exported pages' values.
var portableBits = []struct {
	x         float64
	exp, tanh uint64
}{
	{-700.5, 0xc4ff475c68ca02, 0xbff0000000000000}, // amd64's math.Exp gives ...ca01
	{-30.25, 0x3d34835bd010a41b, 0xbff0000000000000},
	{-4, 0x3f92c155b8213cf4, 0xbfeffa81708a0b42},
	{-1.5, 0x3fcc8f87724b5c1d, 0xbfecf6f9786df577},
	{-0.3, 0x3fe7b4c869c37c05, 0xbfd2a4dda7d914fa},
	{1e-09, 0x3ff000000044b830, 0x3e112e0be826d695},
	{0.125, 0x3ff2216045b6f5cd, 0x3fbfd5992bc4b835},
	{0.7, 0x40001c2a61268987, 0x3fe356fb17af2e91},
	{1, 0x4005bf0a8b145769, 0x3fe85efab514f394},
	{2.5, 0x40285d6fd931e0bb, 0x3fef9258260a71c2},
	{8, 0x40a749ea7d470c6e, 0x3fefffff872a91f8},
	{37.75, 0x43560902930f5fed, 0x3ff0000000000000},
	{709, 0x7fdd422d2be5dc9b, 0x3ff0000000000000},
}

func TestExpAndTanhAreTheWebAssemblyBits(t *testing.T) {
	for _, c := range portableBits {
		if got := math.Float64bits(Exp(c.x)); got != c.exp {
			t.Errorf("Exp(%v) = %#x, WebAssembly gives %#x", c.x, got, c.exp)
		}
		if got := math.Float64bits(Tanh.F(c.x)); got != c.tanh {
			t.Errorf("Tanh.F(%v) = %#x, WebAssembly gives %#x", c.x, got, c.tanh)
		}
	}
}

func TestExpWithinAnUlpOfMath(t *testing.T) {
	for x := -740.0; x < 709; x += 0.37 {
		got, want := Exp(x), math.Exp(x)
		if ulps := math.Abs(got-want) / (math.Nextafter(want, math.Inf(1)) - want); ulps > 1 {
			t.Fatalf("Exp(%v) = %v, math.Exp gives %v: %.0f ulps apart", x, got, want, ulps)
		}
	}
}

func TestExpAndTanhSpecialCases(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Exp(+Inf)", Exp(math.Inf(1)), math.Inf(1)},
		{"Exp(-Inf)", Exp(math.Inf(-1)), 0},
		{"Exp(710)", Exp(710), math.Inf(1)},
		{"Exp(-746)", Exp(-746), 0},
		{"Exp(0)", Exp(0), 1},
		{"Tanh.F(+Inf)", Tanh.F(math.Inf(1)), 1},
		{"Tanh.F(-Inf)", Tanh.F(math.Inf(-1)), -1},
		{"Tanh.F(0)", Tanh.F(0), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.IsNaN(Exp(math.NaN())) || !math.IsNaN(Tanh.F(math.NaN())) {
		t.Error("Exp(NaN) and Tanh.F(NaN) must be NaN")
	}
	if math.Signbit(Tanh.F(math.Copysign(0, -1))) != true {
		t.Error("Tanh.F(−0) must be −0")
	}
}
