package cert

import "encoding/json"

// Claim kinds that are checked once for the whole certificate rather than point by point
// (pieces of a 1-D restriction, theorem instances, …) live in their own files of this
// package and register here. The set is fixed at build time: the kernel still refuses any
// kind it does not know.

// wholeClaim is a claim checked as a whole.
type wholeClaim interface {
	Claim
	// check verifies the claim; index is its position in the certificate's claims (for
	// paths). It returns the status, the number of obligations discharged, a short detail
	// line for reports, and the first failure when the status is not Verified.
	check(c *Certificate, index int, s Sizes) (st Status, checked int, detail string, f *Failure)
	// wire returns the claim's JSON form (a struct or map with a "kind" field).
	wire() any
}

// wholeKind decodes a registered kind. raw is the claim's JSON object; path is
// "claims[i]". Unknown fields must be refused (use strictUnmarshal).
type wholeKind func(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error)

var wholeKinds = map[string]wholeKind{}

func registerWholeKind(kind string, dec wholeKind) {
	if _, dup := wholeKinds[kind]; dup {
		panic("cert: claim kind registered twice: " + kind)
	}
	wholeKinds[kind] = dec
}
