package pagerun

import "fmt"

// Parse reads a numbers cell's edited text: it must have the same tokens as
// n.Source except the number slots, each a number (optionally signed) of the
// slot's kind. It returns the slots' values in source order.
func Parse(n *Numbers, edited string) ([]Value, error) {
	return nil, fmt.Errorf("pagerun: Parse is not written yet")
}
