package install

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The go command reads cellGoFlags as one -ldflags with two values: a program built
// with them has neither DWARF nor a symbol table, and its panics still name the file
// and line, which GoNB maps back to the cell.
func TestCellGoFlagsStripTheBinaryAndKeepLines(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads an ELF binary")
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module cell\n\ngo 1.22\n")
	write("main.go", "package main\n\nfunc main() {\n\tvar s []int\n\t_ = s[3]\n}\n")
	build := exec.Command("go", "build", "-o", "cell", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS="+cellGoFlags, "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build with GOFLAGS=%s: %v\n%s", cellGoFlags, err, out)
	}
	f, err := elf.Open(filepath.Join(dir, "cell"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sec := range []string{".debug_info", ".symtab"} {
		if f.Section(sec) != nil {
			t.Errorf("the cell's binary has %s; GOFLAGS=%s should leave it out", sec, cellGoFlags)
		}
	}
	out, _ := exec.Command(filepath.Join(dir, "cell")).CombinedOutput()
	if !strings.Contains(string(out), "main.go:5") {
		t.Errorf("the panic does not name main.go:5:\n%s", out)
	}
}
