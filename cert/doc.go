// Package cert is certify's trusted kernel: the certificate format, strict decoding, exact
// evaluation of networks, and the checks of every claim a certificate can make.
//
// # Trust
//
// Everything a verdict rests on is recomputed here from the network and the dataset; no
// number a producer computed is believed. A certificate's claims are statements to be
// checked (this network outputs the label at every point; these are its activation
// patterns; it has these sizes), never hints. Producers — the constructions, the searches,
// a user's training script — are untrusted.
//
// The package imports the standard library only and uses no floating point: numbers are
// math/big rationals, or int64 integers over a common denominator where a bound computed
// in math/big proves that no intermediate value can overflow. Every value the network
// computes is exact; there is no tolerance anywhere.
//
// # Numbers
//
// In files every number is a JSON string holding an exact rational: an integer ("-3"), a
// fraction ("7/12"), or a finite decimal ("0.125", meaning exactly 1/8). Exponents, NaN,
// infinities and bare JSON numbers are refused. Limits bounds the digits of one number,
// the bytes of one file, the points of a dataset and the parameters of a network, so that
// hostile input is refused rather than allowed to exhaust time or memory.
//
// # Reading input
//
// Certificates and networks are read by certify/internal/strictjson, part of the kernel,
// so that a file has one reading: exact-case keys, no duplicate keys, no null, integer
// literals for integers, valid UTF-8; the input is validated as it is read, within
// Limits.MaxFileBytes, and the parameter and point limits are checked before anything is
// decoded. Dataset files are read by Load, each once: hashed and checked against the
// certificate's SHA-256 before they are parsed, decompressed within the same limit. A
// certificate's data paths resolve only inside its own folder or Limits.DataRoots (LoadRef).
//
// # Verdicts and errors
//
// Check returns a Report: Verified when every claim holds, Refuted with the first false
// obligation (a Failure with a stable Code, a path to the element, and the stated and
// computed values), Undecided when a limit stopped it. An error is returned only for input
// that cannot be read or does not fit together (a *MalformedError naming the field, or
// an I/O error): a false claim is a verdict, not an error.
//
// # Activation states
//
// A unit whose pre-activation lies exactly on a breakpoint of its activation is assigned a
// state by a fixed rule (see Activation.State): the piece whose formula gives the unit's
// value, and the flat piece where both do. So a ReLU unit with pre-activation 0 is
// inactive ('0') and a STEP unit with pre-activation 0 is on ('1').
//
// The format is specified in docs/format.md and cert.schema.json at the repository root.
package cert
