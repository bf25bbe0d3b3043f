// Package certio writes certificates and networks in the JSON form of format certify/v1
// (docs/format.md). It is the producers' side and is not trusted: nothing it writes is
// believed, the kernel (package cert) reads it back like any other input. Its output is
// deterministic: the same certificate gives the same bytes (canonical rationals "p/q" in
// lowest terms, fixed field order, no timestamps, arrays of numbers on one line).
package certio
