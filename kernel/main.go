// Command kernel makes the lessons live. Run it from the checkout:
//
//	go run ./kernel lab      install what is missing, then open the lessons in Jupyter
//	go run ./kernel test     vet, unit tests, and every notebook run through the real kernel
//	go run ./kernel setup    only the installation steps (idempotent)
//	go run ./kernel check [--timeout D] [NOTEBOOK...]
//	                         execute notebooks (default: all lessons) through the kernel
//	go run ./kernel export [--out DIR] [NOTEBOOK...]
//	                         execute the lessons and write offline HTML pages
//	go run ./kernel bench    cell latency through the real kernel
//	go run ./kernel hub --students FILE [--password-file F | --pam]
//	                         serve the lessons to a class through JupyterHub (root)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

const usage = `usage: go run ./kernel VERB [flags]

verbs:
  lab     install what is missing, then open the lessons in JupyterLab
          (classic Notebook where Lab is absent) on 127.0.0.1 with a token
  test    the whole suite: setup, go vet, go test, every notebook executed
  setup   build the kernel binaries, install the kernelspec and Jupyter (idempotent)
  check   execute notebooks through the kernel: check [--timeout 2m] [NOTEBOOK...]
  export  execute the lessons and write self-contained HTML pages that work offline:
          export [--out DIR] [NOTEBOOK...] (default folder: out/export)
  bench   median re-run latency of a print, a mathx and a chart cell through the kernel
  hub     serve the lessons to a class through JupyterHub, one account per student (root):
          hub --students FILE (--password-file F | --pam) [--admin NAME] [--ip A] [--port N]
          [--ssl-cert F --ssl-key F]

Run "go run ./kernel VERB -h" for a verb's flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	verb, args := os.Args[1], os.Args[2:]
	var err error
	switch verb {
	case "setup":
		err = cmdSetup(args)
	case "lab":
		err = cmdLab(args)
	case "check":
		err = cmdCheck(args)
	case "test":
		err = cmdTest(args)
	case "export":
		err = cmdExport(args)
	case "bench":
		err = cmdBench(args)
	case "hub":
		err = cmdHub(args)
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "kernel: unknown verb %q\n\n%s", verb, usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		msg := err.Error()
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		fmt.Fprintf(os.Stderr, "kernel %s: %s", verb, msg)
		os.Exit(1)
	}
}

// newFlags returns a flag set for a verb that reports its errors instead of exiting.
func newFlags(verb, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./kernel %s %s\n", verb, synopsis)
		fs.PrintDefaults()
	}
	return fs
}
