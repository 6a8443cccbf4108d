//go:build js

package pagerun

// Serve installs the page protocol and blocks (being written).
func Serve() {
	panic("pagerun: Serve is not written yet")
}
