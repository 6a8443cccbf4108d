package install

import (
	"os"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// A checkout without ECharts gets no renderer, and the command goes on: the status
// line says why and that charts show without their pictures.
func TestStartChartRendererWithoutECharts(t *testing.T) {
	p := &checkout.Checkout{Root: t.TempDir()}
	out := testkit.CaptureOut(t)
	StartChartRenderer(p)
	line := out.String()
	if !strings.Contains(line, "chart renderer") || !strings.Contains(line, "not started") ||
		!strings.Contains(line, "ECharts") || !strings.Contains(line, "without their pictures") {
		t.Errorf("status %q does not say the renderer is missing, why, and what it means", line)
	}
	if _, err := os.Stat(RendererSocket(p)); err == nil {
		t.Error("a socket was left although no renderer started")
	}
}
