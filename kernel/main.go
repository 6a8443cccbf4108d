// Command kernel makes the lessons live. Run it from the checkout:
//
//	go run ./kernel lab      install what is missing, then open the lessons in Jupyter
//	go run ./kernel test     vet, unit tests, and every notebook run through the real kernel
//
// and see `go run ./kernel help` for every verb. Each verb is a file of this package
// that parses its flags and makes one call into kernel/internal, where the work is:
//
//	checkout, procs       the checkout's paths and progress lines; processes (leaves)
//	install               setup: Go tools, npm assets, Jupyter, the kernelspec
//	server, nbrun         starting Jupyter; running notebooks (check, promises, bench)
//	live                  the lessons' cells compiled to WebAssembly for the pages
//	export, browser       the offline site whose pages recompute; the Chromium checks
//	class                 the hub for a class
//	selftest              `kernel test`, which uses all of the above
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/class"
)

// A verb is one command of `go run ./kernel VERB`.
type verb struct {
	name     string
	synopsis string // the flags and arguments, after the verb's name
	summary  string // what it does, for the usage text
	run      func(args []string) error
}

// verbs is every verb, in the order the usage text lists them.
var verbs = []verb{
	{"lab", labSynopsis, "install what is missing, then open the lessons in JupyterLab (or Notebook 7)\non 127.0.0.1 with a token", runLab},
	{"test", testSynopsis, "the whole suite: setup, go vet, go test, every notebook executed, exported\nand run live in a browser, and the classroom (as root)", runTest},
	{"setup", "", "build the kernel binaries, install the kernelspec and Jupyter (idempotent)", runSetup},
	{"check", checkSynopsis, "execute notebooks through the kernel (default: every lesson)", runCheck},
	{"export", exportSynopsis, "execute the lessons and write a site that works offline, where the numbers\ncells recompute in the page (default folder: out/export)", runExport},
	{"bench", benchSynopsis, "median re-run latency of a print, a mathx and a chart cell through the kernel", runBench},
	{"hub", hubSynopsis, "serve the lessons to a class through JupyterHub, one account per student (root)", runHub},
	{class.ServerVerb, "ARGS...", "run by the hub as a student: give them the lessons, then start their Jupyter server", runStudentServer},
	{class.KernelVerb, "CONNECTION_FILE", "run by a student's server: start GoNB with the student's own build cache", runStudentKernel},
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage())
		os.Exit(2)
	}
	name, args := os.Args[1], os.Args[2:]
	if name == "-h" || name == "-help" || name == "--help" || name == "help" {
		fmt.Print(usage())
		return
	}
	v, ok := findVerb(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "kernel: unknown verb %q\n\n%s", name, usage())
		os.Exit(2)
	}
	err := v.run(args)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		msg := err.Error()
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		fmt.Fprintf(os.Stderr, "kernel %s: %s", name, msg)
		os.Exit(1)
	}
}

// findVerb returns the verb called name.
func findVerb(name string) (verb, bool) {
	for _, v := range verbs {
		if v.name == name {
			return v, true
		}
	}
	return verb{}, false
}

// usage lists the verbs with their synopses and summaries.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: go run ./kernel VERB [flags]\n\nverbs:\n")
	for _, v := range verbs {
		fmt.Fprintf(&b, "  %-14s %s\n", v.name, strings.ReplaceAll(v.summary, "\n", "\n"+strings.Repeat(" ", 17)))
		if v.synopsis != "" {
			fmt.Fprintf(&b, "%17s%s %s\n", "", v.name, v.synopsis)
		}
	}
	b.WriteString("\nRun \"go run ./kernel VERB -h\" for a verb's flags.\n")
	return b.String()
}

// newFlags returns a flag set for a verb that reports its errors instead of exiting.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./kernel %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}
