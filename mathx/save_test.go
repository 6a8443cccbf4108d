package mathx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type saveExtra struct {
	Stats []EpochStats
	Notes string
}

// A saved network comes back with the same weights, biases, activations and
// cost, and answers the same; the extra value comes back too.
func TestSaveLoad(t *testing.T) {
	n, err := NewNetwork([]int{4, 3, 2}, Sigmoid, 5)
	if err != nil {
		t.Fatal(err)
	}
	n.Layers[0].Act = Tanh
	n.Cost = CrossEntropy
	path := filepath.Join(t.TempDir(), "net.gob")
	in := saveExtra{Stats: []EpochStats{{Epoch: 1, Cost: 0.5}}, Notes: "hello"}
	if err := n.Save(path, "η = 3", in); err != nil {
		t.Fatal(err)
	}
	var out saveExtra
	m, err := Load(path, "η = 3", &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.Notes != "hello" || len(out.Stats) != 1 || out.Stats[0].Cost != 0.5 {
		t.Errorf("extra came back as %+v", out)
	}
	if m.Cost != CrossEntropy || m.Layers[0].Act.Name != "tanh" || m.Layers[1].Act.Name != "sigmoid" {
		t.Errorf("cost %v, activations %s, %s", m.Cost, m.Layers[0].Act.Name, m.Layers[1].Act.Name)
	}
	x := []float64{0.1, 0.2, -0.3, 0.4}
	a, _ := n.Forward(x)
	b, _ := m.Forward(x)
	for j := range a {
		if a[j] != b[j] {
			t.Errorf("output %d: %v before saving, %v after loading", j, a[j], b[j])
		}
	}
	if _, err := Load(path, "η = 3", nil); err != nil {
		t.Errorf("loading without the extra value: %v", err)
	}
	left, _ := filepath.Glob(path + ".*")
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	n, _ := NewNetwork([]int{2, 1}, Sigmoid, 1)
	path := filepath.Join(dir, "net.gob")
	if err := n.Save(path, "old settings", nil); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, "new settings", nil)
	if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), `saved with "old settings", but the settings are now "new settings"`) {
		t.Errorf("stale: %v", err)
	}
	foreign := filepath.Join(dir, "foreign.gob")
	os.WriteFile(foreign, []byte("not a network"), 0o644)
	if _, err := Load(foreign, "", nil); !errors.Is(err, ErrForeign) {
		t.Errorf("foreign: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.gob"), "", nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if err := (&Network{}).Save(path, "", nil); err == nil {
		t.Error("saving a network without layers: no error")
	}
	if err := n.Save(path, "", func() {}); err == nil || !strings.Contains(err.Error(), "extra value") {
		t.Errorf("an extra value gob cannot encode: %v", err)
	}
}
