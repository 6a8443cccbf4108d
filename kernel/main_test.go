package main

import (
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/class"
)

func TestEveryVerbIsListedAndFound(t *testing.T) {
	text := usage()
	for _, v := range verbs {
		if !strings.Contains(text, "\n  "+v.name+" ") {
			t.Errorf("the usage text does not list %s:\n%s", v.name, text)
		}
		if got, ok := findVerb(v.name); !ok || got.name != v.name {
			t.Errorf("findVerb(%q) = %q, %v", v.name, got.name, ok)
		}
	}
	if _, ok := findVerb("singleuser"); ok {
		t.Error("findVerb found a verb that is not in the table")
	}
}

// TestTheStudentCommandsAreVerbs: the hub's spawner and the class kernelspec start
// the built command with these verbs, so the table must hold them.
func TestTheStudentCommandsAreVerbs(t *testing.T) {
	for _, name := range []string{class.ServerVerb, class.KernelVerb} {
		if _, ok := findVerb(name); !ok {
			t.Errorf("the class starts `backprop-class %s`, which is not a verb", name)
		}
	}
}
