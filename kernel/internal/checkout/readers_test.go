package checkout

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadJSONLinesStopsAtALineThatIsNotJSON(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", `echo '{"n": 1}'; echo 'Traceback (most recent call last):'; exec sleep 300`)
	var lines []string
	err := ReadJSONLines(cmd, func(line []byte) error {
		if !strings.HasPrefix(string(line), "{") {
			return ErrNotJSON
		}
		lines = append(lines, string(line))
		return nil
	})
	if !errors.Is(err, ErrNotJSON) || len(lines) != 1 {
		t.Errorf("err %v after %q; want ErrNotJSON after the one JSON line", err, lines)
	}
	if cmd.ProcessState == nil {
		t.Error("the child was not waited for")
	}
}

func TestReadNotebookReadsBothSourceForms(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.ipynb")
	raw := `{"nbformat": 4, "metadata": {"kernelspec": {"name": "gonb-backprop"}}, "cells": [
	  {"cell_type": "markdown", "source": "# Title"},
	  {"cell_type": "code", "source": ["x := 1\n", "fmt.Println(x)"], "outputs": [], "execution_count": null},
	  {"cell_type": "code", "source": "y := 2", "outputs": [], "execution_count": 3}]}`
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := ReadNotebook(path)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Metadata.Kernelspec.Name != "gonb-backprop" || len(nb.Cells) != 3 || nb.Cells[0].Source() != "# Title" {
		t.Errorf("read %+v", nb)
	}
	if got, want := nb.Code(), "x := 1\nfmt.Println(x)\ny := 2\n"; got != want {
		t.Errorf("Code() = %q, want %q", got, want)
	}
	if nb.Cells[1].ExecutionCount != nil || nb.Cells[2].ExecutionCount == nil || *nb.Cells[2].ExecutionCount != 3 {
		t.Error("execution counts were not read")
	}
	os.WriteFile(path, []byte(`{"cells": [`), 0o644)
	if _, err := ReadNotebook(path); err == nil || !strings.Contains(err.Error(), path+" is not valid notebook JSON") {
		t.Errorf("a broken notebook gave %v", err)
	}
}
