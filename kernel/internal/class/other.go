//go:build !linux

package class

import "errors"

// The classroom hub creates Unix accounts and reads /proc: it runs on Linux only.
var errLinuxOnly = errors.New("the hub runs on Linux only (it creates one Unix account per student)")

// Install is the class's shared install; on this system there is none.
type Install struct {
	Dir, SystemKernels string
}

// DefaultDir and SystemKernels are where the hub would install on Linux.
const (
	DefaultDir    = "/opt/backprop-class"
	SystemKernels = "/usr/local/share/jupyter/kernels"
)

// Request is what the teacher asks of the hub verb.
type Request struct {
	StudentsFile, PasswordFile, Admin, IP, SSLCert, SSLKey string
	PAM, InstallOnly                                       bool
	Port                                                   int
	Install                                                Install
}

// ServerVerb and KernelVerb are the verbs of the kernel command that run as a student.
const (
	ServerVerb = "student-server"
	KernelVerb = "student-kernel"
)

// Run refuses: the hub runs on Linux only.
func Run(Request) error { return errLinuxOnly }

// StudentServer refuses: the hub runs on Linux only.
func StudentServer([]string) error { return errLinuxOnly }

// StudentKernel refuses: the hub runs on Linux only.
func StudentKernel([]string) error { return errLinuxOnly }
