package cert_test

import (
	"os"
	"testing"

	"certify/cert"
	"certify/theorems"
)

// TestMain gives the fixture harness the theorem table, as certify check does.
func TestMain(m *testing.M) {
	cert.SetFixtureTheorems(theorems.Table)
	os.Exit(m.Run())
}
