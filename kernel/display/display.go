// Package display sends rich output — HTML, Markdown with LaTeX, ECharts charts —
// from a notebook cell to Jupyter through the GoNB kernel.
//
// It speaks GoNB's display protocol itself (gob-encoded protocol.DisplayData on the
// named pipe in $GONB_PIPE) instead of importing gonbui: gonbui links klog and its
// dependencies into every cell, which slows each chart cell's build, and a cell
// cannot import gonbui directly where the module proxy refuses GoNB's version list.
// Outside a GoNB cell (tests, plain programs) output is printed to stdout. Compiled
// to WebAssembly (GOOS=js), it hands each output to the exported page instead.
package display

import "github.com/janpfeifer/gonb/gonbui/protocol"

// HTML shows an HTML fragment as the cell's output.
func HTML(fragment string) {
	send(map[protocol.MIMEType]any{protocol.MIMETextHTML: fragment})
}

// Markdown shows Markdown, with LaTeX between $…$ or $$…$$, as the cell's output.
// Jupyter typesets the math; exported pages typeset it with KaTeX.
func Markdown(md string) {
	send(map[protocol.MIMEType]any{protocol.MIMETextMarkdown: md, protocol.MIMETextPlain: md})
}
