package smt

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes a solver process get SIGKILL when this process dies, so that a
// killed certify leaves no solver running (Linux's parent-death signal).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
