package nbrun

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

//go:embed bench.py
var benchPy string

// plainSpec is the name under which `kernel bench` installs plain GoNB, in a folder of
// its own that only the benchmark's Jupyter client reads.
const plainSpec = "gonb-plain-bench"

// Each benchmark cell changes a literal in every round (RUN_N is the round's number),
// so that each re-run compiles changed code, as a learner's edit does.
var (
	printCell = "%%\nfmt.Println(\"hello\", RUN_N)"
	mathxCell = "import \"github.com/chainrule-go/backprop/mathx\"\n\n%%\n" +
		"n := mathx.Neuron(0.8, 0.1, 0.5+float64(RUN_N)/1000, 1.0)\nfmt.Printf(\"%.4f\\n\", n.DC_dw)"
	chartCell = "import (\n\t\"github.com/chainrule-go/backprop/kernel/chart\"\n\t\"github.com/chainrule-go/backprop/mathx\"\n)\n\n%%\n" +
		"chart.CostCurve(mathx.Neuron(0.8, 0.1, 0.5+float64(RUN_N)/1000, 1.0), mathx.NeuronWeight).Show()"
)

// benchKernel is one kernel of the benchmark and the cells it re-runs.
type benchKernel struct {
	Name  string      `json:"name"`
	Spec  string      `json:"spec"`
	Cells [][2]string `json:"cells"`
}

// benchKernels are plain GoNB with the print cell, the yardstick, and the lessons'
// kernel with a cell that prints, one that calls mathx and one that draws a chart.
var benchKernels = []benchKernel{
	{"plain", plainSpec, [][2]string{{"print", printCell}}},
	{"lessons", install.KernelName, [][2]string{{"print", printCell}, {"mathx", mathxCell}, {"chart", chartCell}}},
}

// Bench measures cell latency side by side: in each of runs rounds, plain GoNB (as
// `gonb --install` sets it up, with this checkout's gonb binary) re-runs its print
// cell and the lessons' kernel re-runs its three cells, the two taking turns to go
// first. It prints each cell's median, and the lessons' cells as ratios to plain
// GoNB's print cell.
func Bench(p *checkout.Checkout, j *install.Jupyter, runs int) error {
	if runs < 1 {
		return fmt.Errorf("--runs must be at least 1, not %d", runs)
	}
	specs, err := installPlainGoNB(p)
	if err != nil {
		return err
	}
	defer os.RemoveAll(specs)
	job, err := json.Marshal(map[string]any{"runs": runs, "kernels": benchKernels})
	if err != nil {
		return err
	}
	fmt.Fprintf(checkout.Out, "bench: %d rounds; in each, plain GoNB re-runs a print cell and the %s kernel its print, mathx and chart cells, each with a changed literal\n", runs, install.KernelName)
	cmd := exec.Command(j.Python, "-c", benchPy, string(job))
	cmd.Dir = p.Root
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+joinPath(specs, os.Getenv("JUPYTER_PATH")),
		"PATH="+joinPath(plainTools(specs), os.Getenv("PATH")))
	times := map[string][]float64{}
	err = checkout.ReadJSONLines(cmd, func(line []byte) error {
		var round struct {
			Round int                `json:"round"`
			Times map[string]float64 `json:"times"`
		}
		if err := json.Unmarshal(line, &round); err != nil {
			return fmt.Errorf("unreadable benchmark output %q: %w", line, err)
		}
		for k, t := range round.Times {
			times[k] = append(times[k], t)
		}
		fmt.Fprintf(checkout.Out, "bench: round %d of %d: plain print %.3f s, chart %.3f s\n", round.Round, runs, round.Times["plain/print"], round.Times["lessons/chart"])
		return nil
	})
	install.ReapKernels(p) // GoNB leaves its gopls running after the kernel stops
	if err != nil {
		return fmt.Errorf("the benchmark failed: %w", err)
	}
	return reportBench(times)
}

// installPlainGoNB installs plain GoNB's kernelspec, as `gonb --install` writes it,
// into a new folder named plainSpec, and returns the folder to put on JUPYTER_PATH.
func installPlainGoNB(p *checkout.Checkout) (string, error) {
	dir, err := os.MkdirTemp("", "kernel-bench-")
	if err != nil {
		return "", err
	}
	if err := linkPlainTools(p, plainTools(dir)); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	cmd := exec.Command(filepath.Join(p.BinDir(), "gonb"), "--install")
	cmd.Env = append(os.Environ(), "JUPYTER_DATA_DIR="+dir, "PATH="+joinPath(plainTools(dir), os.Getenv("PATH")))
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("installing plain GoNB for the comparison (gonb --install): %v\n%s", err, checkout.TailLines(string(out), 10))
	}
	kernels := filepath.Join(dir, "kernels")
	if err := os.Rename(filepath.Join(kernels, "gonb"), filepath.Join(kernels, plainSpec)); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("gonb --install did not write the kernelspec it should: %w", err)
	}
	return dir, nil
}

// reportBench prints each cell's median, the lessons' cells as ratios to plain GoNB's
// print cell, and the summary line.
func reportBench(times map[string][]float64) error {
	med := map[string]float64{}
	for _, k := range benchKernels {
		for _, c := range k.Cells {
			key := k.Name + "/" + c[0]
			ts := times[key]
			if len(ts) == 0 {
				return fmt.Errorf("no timings for the %s cell of %s", c[0], k.Name)
			}
			med[key] = median(ts)
			ratio := ""
			if key != "plain/print" {
				ratio = fmt.Sprintf("  %.2f× plain GoNB's print", med[key]/med["plain/print"])
			}
			fmt.Fprintf(checkout.Out, "bench: %-7s %-5s median %.3f s  (min %.3f, max %.3f)%s\n", k.Name, c[0], med[key], slices.Min(ts), slices.Max(ts), ratio)
		}
	}
	plain := med["plain/print"]
	fmt.Fprintf(checkout.Out, "cell-latency plain=%.3f print=%.3f mathx=%.3f chart=%.3f print/plain=%.2f chart/plain=%.2f\n",
		plain, med["lessons/print"], med["lessons/mathx"], med["lessons/chart"], med["lessons/print"]/plain, med["lessons/chart"]/plain)
	return nil
}

// joinPath puts dir before list, a PATH-like list that may be empty.
func joinPath(dir, list string) string {
	if list == "" {
		return dir
	}
	return dir + string(os.PathListSeparator) + list
}

// median returns the middle value of xs (the mean of the two middle ones for even lengths).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// plainTools is the folder, inside plain GoNB's kernelspec folder dir, that puts
// goimports and the real gopls on plain GoNB's PATH, as a user who installed them has
// them; the real go follows on PATH. The lessons' kernel's own folder is not on it: its
// go is kernelgo and its gopls the stand-in.
func plainTools(dir string) string { return filepath.Join(dir, "bin") }

// linkPlainTools links goimports and the real gopls into the folder bin.
func linkPlainTools(p *checkout.Checkout, bin string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	for name, target := range map[string]string{"goimports": filepath.Join(p.BinDir(), "goimports"), "gopls": install.GoplsPath(p)} {
		if err := os.Symlink(target, filepath.Join(bin, name)); err != nil {
			return fmt.Errorf("putting %s on plain GoNB's PATH: %w", name, err)
		}
	}
	return nil
}
