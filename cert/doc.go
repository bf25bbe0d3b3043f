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
// math/big rationals, or int64 or fixed-width 128 to 256-bit integers over a common
// denominator where a bound computed in math/big proves that no value can overflow. Every value the network
// computes is exact; there is no tolerance anywhere. Built with GOEXPERIMENT=simd (as make
// build does), sum_simd.go also uses simd/archsimd, the experimental package of the Go
// distribution, for AVX-512 integer lanes whose operands the same bounds keep from ever
// wrapping; without the experiment sum_scalar.go keeps the scalar loops.
//
// # Numbers
//
// In files every number is a JSON string holding an exact rational: an integer ("-3"), a
// fraction ("7/12"), or a finite decimal ("0.125", meaning exactly 1/8). Exponents, NaN,
// infinities and bare JSON numbers are refused. Limits bounds the digits of one number,
// the bytes of one file, the points of a dataset and the parameters of a network, so that
// hostile input is refused rather than allowed to exhaust time or memory.
//
// Numbers that grow with the steps of a computation, rather than being fixed by the
// numbers read, are bounded by Options.MaxValueBits: a network's values layer after layer
// (every engine), the affine maps of a pieces claim's region walk, the entries of the
// elimination that decides a hyperplane's affine independence (quotients of minors,
// growing with each pivot), a no-fit claim's bound ∏(1 + (p−1)·m_l) (one factor per
// layer) and the sums of a Farkas leaf (a new denominator with each row). Past the bound
// a claim is Undecided (limit-reached). The other numbers are bounded by the size of what
// was read: a Farkas row combines one data point with small integers, a point's side of a
// hyperplane is one dot product of the normal with the point, and a theorem claim
// compares sizes, counts and the data's squared distances, whose largest (2^L, 4^k) have
// as many bits as the network has layers or the data have bits.
//
// # Reading input
//
// Certificates and networks are read by certify/internal/strictjson, part of the kernel,
// so that a file has one reading: exact-case keys, no duplicate keys, no null, integer
// literals for integers, valid UTF-8; the input is validated as it is read, within
// Limits.MaxFileBytes (decompressed first when it is gzip, within the same limit), and the
// parameter and point limits are checked before anything is decoded. Dataset files are read by Load, each once: hashed and checked against the
// certificate's SHA-256 before they are parsed, decompressed within the same limit. A
// certificate's data paths resolve only inside its own folder or Limits.DataRoots (LoadRef).
//
// # Verdicts and errors
//
// Check returns a Report: Verified when every claim holds, Refuted with the first false
// obligation (a Failure with a stable Code, a path to the element, and the stated and
// computed values), Undecided when the kernel could not decide (a limit stopped it, a
// solver's answer it cannot re-prove, a theorem claim without the theorem table). The
// codes are listed in codes.go, each with a fixture that produces it. An error is
// returned only for input that cannot be read or does not fit together (a
// *MalformedError naming the field, or an I/O error): a false claim is a verdict, not an
// error.
//
// # Claim kinds
//
// The set of claim kinds is closed: one table (claimKinds in claims.go) lists every kind
// with what it needs (the network, the dataset) and its decoder; Claim has an unexported
// method, so no other package can add a kind, and Check refuses with an error any claim
// value whose type is not the kernel's. A kind's claim without what it needs is refused,
// naming the missing field ("network", "dataset"). Nothing registers itself at start-up.
//
// The zero Status is Undecided and every result starts Undecided: a claim becomes
// Verified only when its check ran to the end and held.
//
// # Theorems and the writer live outside
//
// Theorem claims state numbers (the instance, both sides of each comparison of the
// hypothesis, the promised and built sizes), and the kernel compares numbers; prose in a
// claim is informative. The theorems' formulas are not in this package: package
// certify/theorems has the table, and a caller passes it as Options.Theorems (certify
// check does). Without it a theorem claim's other obligations are still checked and the
// claim is Undecided (code theorem-formulas-unchecked). When it is given, a theorem
// claim's verdict rests on that package too. Certificates are written by package
// certify/certio, which is untrusted: what it writes is read back like any input.
//
// # Activation states
//
// A unit whose pre-activation lies exactly on a breakpoint of its activation is assigned a
// state by a fixed rule (see Activation.State): the piece whose formula gives the unit's
// value, and the flat piece where both do. So a ReLU unit with pre-activation 0 is
// inactive ('0') and a STEP unit with pre-activation 0 is on ('1').
//
// # Files
//
// What a verdict rests on, with line counts (TestDocListsFiles keeps this list true).
// The core (2688 lines) — every verdict rests on it, whichever claims, data and engine;
// with the data readers, the fast engines and the kinds below, 10311 lines:
//
//	doc.go          153  this contract
//	verdict.go      100  statuses, reports, failures, malformed-input errors
//	codes.go        111  the stable codes of refuted and undecided claims
//	claims.go       172  the claim types and the closed table of kinds
//	num.go          103  exact rationals from strings
//	network.go      268  networks, residual layers, activations, states, sizes
//	eval.go          60  the reference evaluator (plain rational arithmetic)
//	dataset.go      476  datasets: compact storage, duplicates and conflicts, limits
//	format.go       527  strict decoding of certificates
//	validate.go     182  what must fit together before any check
//	check.go        536  Check: the point-wise claims, sizes, the dispatch of the others
//
// Data files — a verdict on a certificate whose dataset is a "source" rests on files.go
// and the reader of the source's format:
//
//	files.go        358  reading a data file once: where it may be, its SHA-256, gzip, limits
//	csv.go          234  the CSV reader
//	idx.go           90  the IDX reader (MNIST, Fashion-MNIST): pixels kept as bytes
//
// The fast engines — a verdict on point-wise claims rests on the one the report names:
//
//	engine.go       159  the engine choice (auto, big, reference) and the work budget
//	fast.go         766  int64 and big-integer evaluation over common denominators
//	wide.go         812  128, 192 and 256-bit tiers between them, points in blocks
//	rank1.go        304  rank-one layers; the layer after one as a table in the projection
//	limb.go         106  128-bit sums from int64 inputs as four int64 limb sums
//	sum_simd.go     140  the int64 and limb sums in AVX-512 lanes (GOEXPERIMENT=simd)
//	sum_scalar.go    13  the scalar loops alone (without the experiment)
//	fast_checked.go 144  checked int64 evaluation of residual networks, math/big fallback
//
// The int64 and multi-word arithmetic of fast.go, wide.go and pieces.go is checked by
// package certify/internal/exactint (exactint.go and wide.go, about 290 lines), part of what
// those verdicts rest on; its modp.go (about 160 lines, arithmetic modulo 2^61 − 1) is part
// of what a hyperplanes verdict rests on.
//
// The kinds checked as a whole — a verdict on a claim of the kind rests on its file:
//
//	pieces.go       954  pieces: regions and affine pieces on a segment
//	hyperplanes.go  351  hyperplanes through chosen points
//	nofit.go        457  no-fit: piece counting, monotonicity, the zigzag argument
//	zigzag.go       238  no-fit: one wide layer, the cases of its slopes with Farkas leaves
//	farkas.go       836  no-fit: case splits (one or two layers) with exact Farkas leaves
//	farkas_branch.go 453 no-fit: the adaptive form (outputs, act, v, t splits) of two layers
//	farkas_mirror.go 135 no-fit: first-layer cases refuted by their mirror image
//	theorem.go      434  theorem instances (with the formulas of certify/theorems)
//	floatbound.go   423  float claims: the rounding-error bound in an IEEE format
//	floatcheck.go   216  float claims: the verdict, the exact plain-order simulation
//
// A float claim also rests on package certify/internal/ieee (ieee.go, about 121 lines):
// the exact rounding of rationals to IEEE formats, with integers.
//
// Reading rests on package certify/internal/strictjson (one reading of JSON: exact-case
// keys, no duplicates, no null; strictjson.go, about 910 lines). A theorem claim checked
// with the table also rests on package certify/theorems (its table.go, deep.go,
// resnet.go and yun2019.go, about 1315 lines).
//
// The format is specified in docs/format.md and cert.schema.json at the repository root.
package cert
