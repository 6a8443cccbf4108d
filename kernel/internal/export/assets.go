package export

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// asset is one file of the site's assets/ folder: a script or a stylesheet that a page
// links (a site) or inlines (--single-file).
type asset struct {
	name string // file name inside assets/
	body string
}

func (a asset) css() bool { return strings.HasSuffix(a.name, ".css") }

// link is the element that loads the asset from the assets/ folder beside the page.
func (a asset) link() string {
	if a.css() {
		return `<link rel="stylesheet" href="assets/` + a.name + `">` + "\n"
	}
	return `<script src="assets/` + a.name + `"></script>` + "\n"
}

// inline is the element that holds the asset in the page. A library is evaluated with
// define, exports and module hidden, so its UMD wrapper sets a global (window.echarts,
// window.katex, window.renderMathInElement, window.marked).
func (a asset) inline() string {
	if a.css() {
		return "<style>" + a.body + "</style>\n"
	}
	return "<script>(function (define, exports, module) {\n" + strings.ReplaceAll(a.body, "</script", `<\/script`) + "\n}).call(window);</script>\n"
}

// pageAssets are the files every lesson page loads: the libraries in <head>, before the
// outputs' scripts run, and the page runtime at the end of <body>.
type pageAssets struct {
	head []asset // KaTeX's CSS with its fonts, ECharts, KaTeX, auto-render, marked
	tail []asset // the program (when built), the worker's source, the page runtime
}

// all lists every asset once, in the order a page loads them.
func (a *pageAssets) all() []asset { return append(append([]asset{}, a.head...), a.tail...) }

// inlinedBytes is what the assets weigh inlined in a page.
func (a *pageAssets) inlinedBytes() int {
	n := 0
	for _, x := range a.all() {
		n += len(x.inline())
	}
	return n
}

// typesetOnly are the assets the index needs to typeset its summaries.
func (a *pageAssets) typesetOnly() *pageAssets {
	var head []asset
	for _, x := range a.head {
		if x.name == "katex.css" || x.name == "katex.min.js" || x.name == "auto-render.min.js" {
			head = append(head, x)
		}
	}
	return &pageAssets{head: head, tail: a.tail[len(a.tail)-1:]}
}

// nodeAssets are the libraries from kernel/assets/node_modules, in load order.
var nodeAssets = []struct{ name, path string }{
	{"echarts.min.js", "echarts/dist/echarts.min.js"},
	{"katex.min.js", "katex/dist/katex.min.js"},
	{"auto-render.min.js", "katex/dist/contrib/auto-render.min.js"},
	{"marked.min.js", "marked/lib/marked.umd.js"},
}

// loadPageAssets reads the libraries and the page runtime from kernel/assets. The
// program is added by withProgram.
func loadPageAssets(assetsDir string) (*pageAssets, error) {
	dist := filepath.Join(assetsDir, "node_modules")
	read := func(rel string) (string, error) {
		b, err := os.ReadFile(filepath.Join(assetsDir, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("front-end asset missing (run `go run ./kernel setup`): %w", err)
		}
		return string(b), nil
	}
	css, err := read("node_modules/katex/dist/katex.min.css")
	if err != nil {
		return nil, err
	}
	if css, err = inlineFonts(css, filepath.Join(dist, "katex", "dist")); err != nil {
		return nil, err
	}
	a := &pageAssets{head: []asset{{"katex.css", css}}}
	for _, n := range nodeAssets {
		body, err := read("node_modules/" + n.path)
		if err != nil {
			return nil, err
		}
		a.head = append(a.head, asset{n.name, body})
	}
	runtime, err := read("live/live.js")
	if err != nil {
		return nil, err
	}
	a.tail = []asset{{"live.js", runtime}}
	return a, nil
}

// withProgram adds the lessons' compiled program and the worker that runs it, before
// the page runtime. A page opened from disk cannot fetch a file, so each is a script
// that sets a global: window.backpropWasm (base64 of the gzipped WebAssembly) and
// window.backpropWorkerSource (Go's wasm_exec.js and kernel/assets/live/worker.js).
func (a *pageAssets) withProgram(assetsDir string, gzipped []byte) (*pageAssets, error) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("finding Go's wasm_exec.js: go env GOROOT: %v", err)
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("Go's wasm_exec.js is missing: %w", err)
	}
	worker, err := os.ReadFile(filepath.Join(assetsDir, "live", "worker.js"))
	if err != nil {
		return nil, err
	}
	source, _ := json.Marshal(string(execJS) + "\n" + string(worker)) // HTML-safe: no "</script"
	wasm, _ := json.Marshal(base64.StdEncoding.EncodeToString(gzipped))
	tail := []asset{
		{"lessons-wasm.js", "window.backpropWasm = " + string(wasm) + ";\n"},
		{"live-worker.js", "window.backpropWorkerSource = " + string(source) + ";\n"},
	}
	return &pageAssets{head: a.head, tail: append(tail, a.tail...)}, nil
}

// fontSrcRe matches one @font-face src list of KaTeX's CSS.
var fontSrcRe = regexp.MustCompile(`src:url\((fonts/[^)]+\.woff2)\) format\("woff2"\)[^;}]*`)

// inlineFonts replaces each KaTeX font list by its woff2 file as a data: URL
// (every browser that runs ECharts 5 reads woff2; a page from disk cannot load fonts
// from files).
func inlineFonts(css, dir string) (string, error) {
	var missing error
	inlined := fontSrcRe.ReplaceAllStringFunc(css, func(m string) string {
		file := fontSrcRe.FindStringSubmatch(m)[1]
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			missing = err
			return m
		}
		return `src:url(data:font/woff2;base64,` + base64.StdEncoding.EncodeToString(b) + `) format("woff2")`
	})
	return inlined, missing
}
