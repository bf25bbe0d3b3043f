//go:build !unix

package search

import "time"

// userCPU is not measured here.
func userCPU() time.Duration { return 0 }
