package mathx

// dot returns Σ_i x_i y_i over the length of x. It keeps four partial sums
// so that the processor can overlap the additions.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	for len(x) >= 4 {
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		x, y = x[4:], y[4:]
	}
	for i, xi := range x {
		s0 += xi * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds alpha·x to y, element by element, over the length of x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for len(x) >= 4 {
		y[0] += alpha * x[0]
		y[1] += alpha * x[1]
		y[2] += alpha * x[2]
		y[3] += alpha * x[3]
		x, y = x[4:], y[4:]
	}
	for i, xi := range x {
		y[i] += alpha * xi
	}
}

// dotAt returns Σ_i x[idx[i]]·val[i]: the dot product of x with a sparse
// vector whose nonzero values val sit at the indices idx.
func dotAt(x []float64, idx []int, val []float64) float64 {
	val = val[:len(idx)]
	var s0, s1, s2, s3 float64
	for len(idx) >= 4 {
		s0 += x[idx[0]] * val[0]
		s1 += x[idx[1]] * val[1]
		s2 += x[idx[2]] * val[2]
		s3 += x[idx[3]] * val[3]
		idx, val = idx[4:], val[4:]
	}
	for i, k := range idx {
		s0 += x[k] * val[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyAt adds alpha·val[i] to y[idx[i]] for each i: y += alpha·v for a
// sparse vector v whose nonzero values val sit at the indices idx.
func axpyAt(alpha float64, idx []int, val, y []float64) {
	val = val[:len(idx)]
	for i, k := range idx {
		y[k] += alpha * val[i]
	}
}
