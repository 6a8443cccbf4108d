// Package install is setup: it builds the kernel binaries from go.mod's tool lines,
// installs the front-end assets with npm, finds or installs Jupyter, writes the
// kernelspec, and finds Chromium. Each step checks before it works, so a second run
// changes nothing. It stands on checkout and procs; everything above it starts here.
package install
