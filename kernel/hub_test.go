package main

import (
	"os"
	"testing"
	"time"
)

// TestClassroom runs the classroom step of `kernel test` by itself, when
// BACKPROP_CLASSROOM=1 and as root: go test ./kernel -run TestClassroom -timeout 45m
func TestClassroom(t *testing.T) {
	if os.Getenv("BACKPROP_CLASSROOM") == "" {
		t.Skip("set BACKPROP_CLASSROOM=1 (as root) to run the classroom step alone")
	}
	p := testProject(t)
	chromium, err := p.ensureChromium()
	if err != nil {
		t.Fatal(err)
	}
	p.classroomStep(chromium, func(name string, start time.Time, err error) {
		if err != nil {
			t.Errorf("%s (%s): %v", name, seconds(time.Since(start)), err)
		}
	})
}
