package main

import (
	"github.com/chainrule-go/backprop/kernel/internal/class"
)

const hubSynopsis = "--students FILE (--password-file F | --pam) [--admin NAME] [--ip 127.0.0.1] [--port 8000]\n" +
	"                 [--ssl-cert F --ssl-key F] [--install DIR] [--install-only]"

func runHub(args []string) error {
	req, err := parseHubFlags(args)
	if err != nil {
		return err
	}
	return class.Run(req)
}

// parseHubFlags reads the hub's flags into the request the class package serves.
func parseHubFlags(args []string) (class.Request, error) {
	var r class.Request
	fs := newFlags("hub", hubSynopsis)
	fs.StringVar(&r.StudentsFile, "students", "", "file with one student user name per line (required)")
	fs.StringVar(&r.PasswordFile, "password-file", "", "file holding the class password (at least 8 characters); students log in with it")
	fs.BoolVar(&r.PAM, "pam", false, "students log in with their system password instead of a class password")
	fs.StringVar(&r.Admin, "admin", "", "user name of the teacher, who may also log in and is the hub's admin")
	fs.StringVar(&r.IP, "ip", "127.0.0.1", "address to listen on; 0.0.0.0 for a classroom network (put TLS in front, or pass --ssl-cert/--ssl-key)")
	fs.IntVar(&r.Port, "port", 8000, "port to listen on")
	fs.StringVar(&r.SSLCert, "ssl-cert", "", "TLS certificate (PEM) for the hub's address")
	fs.StringVar(&r.SSLKey, "ssl-key", "", "TLS key (PEM) for --ssl-cert")
	fs.StringVar(&r.Install.Dir, "install", class.DefaultDir, "folder of the shared install that every student's server and kernel run from")
	fs.BoolVar(&r.InstallOnly, "install-only", false, "only build the shared install and the system-wide kernelspec (for a hub of your own, such as The Littlest JupyterHub)")
	err := fs.Parse(args)
	r.Install.SystemKernels = class.SystemKernels
	return r, err
}

func runStudentServer(args []string) error { return class.StudentServer(args) }

func runStudentKernel(args []string) error { return class.StudentKernel(args) }
