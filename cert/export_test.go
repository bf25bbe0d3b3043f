package cert

// fixtureTheorems is the theorem table the fixture harness checks theorem claims with.
// The kernel cannot import the table (package certify/theorems imports the kernel), so
// the external test package sets it in TestMain (table_test.go).
var fixtureTheorems Theorems

// SetFixtureTheorems sets the table for the tests of this package.
func SetFixtureTheorems(t Theorems) { fixtureTheorems = t }
