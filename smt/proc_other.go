//go:build !linux

package smt

import "os/exec"

// dieWithParent has no portable equivalent off Linux: the context's kill is the bound.
func dieWithParent(cmd *exec.Cmd) {}
