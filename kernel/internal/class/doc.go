// Package class serves the lessons to a class through JupyterHub on one server: the
// shared install every student's server and kernel run from, the students' accounts,
// where the hub listens, and the two commands that run as a student. It stands on
// install (setup's tools and kernelspec), server (tokens, ports) and procs.
package class
