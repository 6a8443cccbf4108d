package mathx

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Errors of Save and Load.
var (
	// ErrForeign: the file was not written by Network.Save.
	ErrForeign = errors.New("mathx: not a network saved by mathx")
	// ErrStale: the file holds a network saved with another note (other
	// settings) than the caller expects.
	ErrStale = errors.New("mathx: the saved network is stale")
)

// savedFormat heads every file Save writes; Load refuses any other.
const savedFormat = "github.com/chainrule-go/backprop/mathx.Network v1"

// savedFile is what Save writes, gob-encoded.
type savedFile struct {
	Format string
	Note   string
	Cost   Cost
	Layers []savedLayer
	Extra  []byte // the caller's extra value, gob-encoded on its own
}

type savedLayer struct {
	In, Out int
	Act     string
	W, B    []float64
}

// Save writes the network to the file path, with a note (say, the settings
// it was trained with, for Load to compare) and extra, any value that
// encoding/gob can encode, or nil. It writes a temporary file beside path and
// renames it, so that path holds either its old contents or the whole network.
func (n *Network) Save(path, note string, extra any) error {
	if err := n.check(); err != nil {
		return fmt.Errorf("mathx: Save: %w", err)
	}
	f := savedFile{Format: savedFormat, Note: note, Cost: n.Cost}
	for _, l := range n.Layers {
		f.Layers = append(f.Layers, savedLayer{In: l.In(), Out: l.Out(), Act: l.Act.Name, W: l.W, B: l.B})
	}
	if extra != nil {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(extra); err != nil {
			return fmt.Errorf("mathx: Save: the extra value: %w", err)
		}
		f.Extra = b.Bytes()
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		return fmt.Errorf("mathx: Save: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("mathx: Save: %w", err)
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mathx: Save: %w", err)
	}
	return nil
}

// Load reads the network that Network.Save wrote to path. The file's note
// must equal note: a network saved with other settings is not the one the
// caller describes, and the error, which wraps ErrStale, quotes both. A file
// that Save did not write gives an error wrapping ErrForeign, and a missing
// one an error wrapping fs.ErrNotExist. When extra is not nil it must be a
// pointer, and the extra value saved with the network is decoded into it.
func Load(path, note string, extra any) (*Network, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mathx: Load: %w", err)
	}
	var f savedFile
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&f); err != nil || f.Format != savedFormat {
		return nil, fmt.Errorf("%w: %s", ErrForeign, path)
	}
	if f.Note != note {
		return nil, fmt.Errorf("%w: %s was saved with %q, but the settings are now %q", ErrStale, path, f.Note, note)
	}
	n := &Network{Cost: f.Cost}
	for i, sl := range f.Layers {
		act, err := ActivationByName(sl.Act)
		if err != nil {
			return nil, fmt.Errorf("mathx: Load: %s: layer %d: %w", path, i+1, err)
		}
		l, err := NewLayer(sl.In, sl.Out, act)
		if err != nil || len(sl.W) != len(l.W) || len(sl.B) != len(l.B) {
			return nil, fmt.Errorf("%w: %s: layer %d does not have %d×%d weights and %d biases", ErrForeign, path, i+1, sl.Out, sl.In, sl.Out)
		}
		copy(l.W, sl.W)
		copy(l.B, sl.B)
		n.Layers = append(n.Layers, l)
	}
	if err := n.check(); err != nil {
		return nil, fmt.Errorf("mathx: Load: %s: %w", path, err)
	}
	if extra != nil && f.Extra != nil {
		if err := gob.NewDecoder(bytes.NewReader(f.Extra)).Decode(extra); err != nil {
			return nil, fmt.Errorf("mathx: Load: %s: the extra value: %w", path, err)
		}
	}
	return n, nil
}
