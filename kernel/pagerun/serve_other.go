//go:build !js

package pagerun

import (
	"fmt"
	"os"
)

// Serve is the generated program's main; outside WebAssembly there is no page to
// serve, so it says so and exits with status 2.
func Serve() {
	fmt.Fprintln(os.Stderr, "pagerun: Serve runs only in a page (GOOS=js GOARCH=wasm)")
	os.Exit(2)
}
