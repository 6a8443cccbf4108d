//go:build linux

package class

import (
	"errors"
	"fmt"
	"os"

	"github.com/chainrule-go/backprop/kernel/internal/install"
)

// Request is what the teacher asks of the hub verb, before anything is read or checked.
type Request struct {
	StudentsFile string // one user name per line
	PasswordFile string // the class password; "" with PAM
	PAM          bool   // students log in with their system passwords
	Admin        string // the teacher's user name, the hub's admin; "" for none
	IP           string
	Port         int
	SSLCert      string
	SSLKey       string
	Install      Install
	InstallOnly  bool // build the shared install and the system-wide kernelspec, start no hub
}

// Check says what is missing, contradictory or wrong in a request to start a hub,
// before anything slow starts.
func (r Request) Check() error {
	switch {
	case r.StudentsFile == "":
		return errors.New("--students FILE is required: one user name per line")
	case (r.PasswordFile == "") == !r.PAM:
		return errors.New("choose how students log in: --password-file F (a class password) or --pam (their system passwords)")
	case r.Admin != "" && !ValidUser.MatchString(r.Admin):
		return fmt.Errorf("--admin %q is not a user name this hub accepts", r.Admin)
	}
	if err := CheckAddress(r.IP, r.Port); err != nil {
		return err
	}
	return CheckTLS(r.SSLCert, r.SSLKey)
}

// Run serves the lessons to a class: it checks the request, builds the shared install,
// creates the accounts that are missing and runs the hub until Ctrl-C. With InstallOnly
// it builds the install and the kernelspec only.
func Run(r Request) error {
	if !r.InstallOnly {
		if err := r.Check(); err != nil {
			return err
		}
	}
	if os.Geteuid() != 0 {
		return errors.New("the hub needs root: it creates the students' accounts and runs each student's server as that student.\n" +
			"Run it with sudo (sudo -E env PATH=$PATH go run ./kernel hub ...)")
	}
	if r.InstallOnly {
		return installOnly(r.Install)
	}
	if err := CheckListen(r.IP, r.Port); err != nil {
		return err
	}
	opt := Options{Admin: r.Admin, IP: r.IP, Port: r.Port, SSLCert: r.SSLCert, SSLKey: r.SSLKey, Install: r.Install}
	var err error
	if opt.Students, err = ReadStudents(r.StudentsFile); err != nil {
		return err
	}
	if r.PasswordFile != "" {
		if opt.Password, err = ReadPassword(r.PasswordFile); err != nil {
			return err
		}
	}
	p, _, err := install.Here()
	if err != nil {
		return err
	}
	if err := prepare(p, &opt); err != nil {
		return err
	}
	return serve(p, opt, r.PasswordFile)
}
