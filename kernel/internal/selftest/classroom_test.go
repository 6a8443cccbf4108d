//go:build linux

package selftest

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// TestClassroom runs the classroom step of `kernel test` by itself, when
// BACKPROP_CLASSROOM=1 and as root: go test ./kernel/internal/selftest -run TestClassroom -timeout 45m
func TestClassroom(t *testing.T) {
	if os.Getenv("BACKPROP_CLASSROOM") == "" {
		t.Skip("set BACKPROP_CLASSROOM=1 (as root) to run the classroom step alone")
	}
	p := testkit.Checkout(t)
	chromium, err := install.Chromium(p)
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		t.Skip("the classroom step needs root")
	}
	start := time.Now()
	if err := classroom(p, chromium); err != nil {
		t.Errorf("classroom (%s): %v", checkout.Seconds(time.Since(start)), err)
	}
}

func TestJudgeClassroomHoldsLesson07ToItsPromise(t *testing.T) {
	r := classroomResult{Check: "training at once"}
	r.Students = map[string]struct {
		RunAllSeconds float64 `json:"runAllSeconds"`
		TrainSeconds  float64 `json:"trainSeconds"`
		Epochs        int     `json:"epochs"`
		Text          string  `json:"text"`
		Error         string  `json:"error"`
	}{
		"a": {Text: "epoch 20\ntest accuracy: 0.9612\n"},
		"b": {Text: "test accuracy: 0.9012\n"},
	}
	problems := judgeClassroom(&r)
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "b: ") || !strings.Contains(problems[0], "0.9012") {
		t.Errorf("problems = %q", problems)
	}
}
