package selftest

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

// printCheck proves that printing keeps every chart: the lesson's exported page (in
// exportDir) is opened offline in Chromium and printed to PDF (A4) in dir once its charts
// are drawn, with each chart's box outlined in magenta; pdftoppm turns the PDF's pages
// into pictures, and every chart's place must be found, holding at least 200 inked pixels.
func (r *testRun) printCheck(lesson, exportDir, dir string) error {
	pdftoppm, err := install.Pdftoppm(r.p)
	if err != nil {
		return err
	}
	stem := strings.TrimSuffix(filepath.Base(lesson), ".ipynb")
	pdf := filepath.Join(dir, stem+".pdf")
	pg := browser.Page{Name: "print-" + stem, URL: browser.FileURL(filepath.Join(exportDir, stem+".html")), Offline: true, Print: pdf}
	res, err := browser.Check(r.p, r.chromium, []browser.Page{pg}, screenshotDir(r.p), func(browser.Page, browser.Result) {})
	if err != nil {
		return err
	}
	got := res[0]
	inks, err := printedCharts(pdftoppm, pdf, filepath.Join(screenshotDir(r.p), "print-"+stem))
	if err != nil {
		got.Problems = append(got.Problems, err.Error())
	}
	if len(inks) != got.Charts {
		got.Problems = append(got.Problems, fmt.Sprintf("the page has %d charts, the PDF %d chart places", got.Charts, len(inks)))
	}
	for i, n := range inks {
		if n < 200 {
			got.Problems = append(got.Problems, fmt.Sprintf("printed chart %d has %d inked pixels", i+1, n))
		}
	}
	got.OK = len(got.Problems) == 0
	got.Notes = append(got.Notes, fmt.Sprintf("inked pixels in each printed chart: %v", inks))
	fmt.Fprint(checkout.Out, got.Line("pictures", fmt.Sprintf("%-36s %s", "print to PDF (exported page)", stem)))
	return browser.Failures([]browser.Result{got})
}

// printedCharts renders the PDF's pages at 60 dpi into PNG files named stem-N.png and
// returns, for each magenta-outlined chart place found, page by page, the inked pixels
// inside it.
func printedCharts(pdftoppm, pdf, stem string) ([]int, error) {
	old, _ := filepath.Glob(stem + "-*.png")
	for _, f := range old {
		os.Remove(f)
	}
	if out, err := exec.Command(pdftoppm, "-r", "60", "-png", pdf, stem).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pdftoppm %s: %v: %s", pdf, err, out)
	}
	pages, err := filepath.Glob(stem + "-*.png")
	if err != nil || len(pages) == 0 {
		return nil, fmt.Errorf("pdftoppm made no pages of %s", pdf)
	}
	var inks []int
	for _, page := range pages { // pdftoppm numbers them with leading zeros: Glob's order is the pages'
		img, err := readPNG(page)
		if err != nil {
			return inks, err
		}
		for _, box := range outlines(img) {
			inks = append(inks, inked(img, box.Inset(6)))
		}
	}
	return inks, nil
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// magenta reports whether a pixel is the outline's colour.
func magenta(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r > 0xc000 && g < 0x6000 && b > 0xc000
}

// outlines finds the magenta outlines in img, top to bottom: the bounding box of each
// connected set of magenta pixels at least 40 pixels wide and tall.
func outlines(img image.Image) []image.Rectangle {
	bounds := img.Bounds()
	seen := map[image.Point]bool{}
	var boxes []image.Rectangle
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			start := image.Pt(x, y)
			if seen[start] || !magenta(img, x, y) {
				continue
			}
			box := image.Rectangle{Min: start, Max: start.Add(image.Pt(1, 1))}
			stack := []image.Point{start}
			seen[start] = true
			for len(stack) > 0 {
				pt := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				box = box.Union(image.Rectangle{Min: pt, Max: pt.Add(image.Pt(1, 1))})
				for _, d := range []image.Point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					n := pt.Add(d)
					if n.In(bounds) && !seen[n] && magenta(img, n.X, n.Y) {
						seen[n] = true
						stack = append(stack, n)
					}
				}
			}
			if box.Dx() >= 40 && box.Dy() >= 40 {
				boxes = append(boxes, box)
			}
		}
	}
	return boxes
}

// inked counts the pixels in r that are neither near-white nor magenta.
func inked(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if (cr < 0xeb00 || cg < 0xeb00 || cb < 0xeb00) && !magenta(img, x, y) {
				n++
			}
		}
	}
	return n
}
