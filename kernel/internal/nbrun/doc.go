// Package nbrun runs notebooks through the project's kernel with nbclient: the check
// (each cell's failure named at its line, from GoNB's error reports), the promises a
// lesson's numbers must keep, and the cell-latency benchmark. It stands on install
// (the kernel and Jupyter); export, the bench verb and the self-test use it.
package nbrun
