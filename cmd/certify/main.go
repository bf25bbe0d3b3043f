// Command certify checks, builds and audits exact certificates that ReLU networks
// memorise data. See README.md.
package main

import "os"

func main() { os.Exit(Main()) }
