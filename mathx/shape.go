package mathx

// The shape of an MNIST example, for sizing a network that reads the
// handwritten digits: 28×28 = 784 grey pixels x_k, row by row, and one
// output y_j for each digit 0 to 9. Package mathx/mnist loads the data.
const (
	MNISTPixels  = 28 * 28 // inputs x_k per image, row by row
	MNISTClasses = 10      // outputs y_j: one per digit
)
