//go:build unix

package search

import (
	"syscall"
	"time"
)

// userCPU is the user CPU time of this process and of its children waited for: a case's
// cost when the solver is a program (z3, cvc5) or in process (the API).
func userCPU() time.Duration {
	var self, kids syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil || syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) != nil {
		return 0
	}
	return time.Duration(self.Utime.Nano() + kids.Utime.Nano())
}
