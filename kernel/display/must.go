package display

// Exit is what Stop panics with in an exported page, where the cell is a function
// of a program that must go on (see page.go): the page's runner (kernel/pagerun)
// recovers it and ends the cell with exit status Code.
type Exit struct{ Code int }

// Stop ends the cell when err is not nil: it shows err in a red box and exits
// with status 1, so that the notebook (and `kernel check`) sees the cell fail
// with err's own words rather than a stack trace. It does nothing when err is
// nil. Lessons call it on what mathx returns:
//
//	display.Stop(net.Step(g, eta))
func Stop(err error) {
	if err != nil {
		Error(err)
		exit(1)
	}
}

// Must returns v when err is nil, and otherwise stops the cell as Stop does:
//
//	net := display.Must(mathx.NewNetwork(sizes, mathx.Sigmoid, seed))
func Must[T any](v T, err error) T {
	Stop(err)
	return v
}
