// Package floatsim evaluates a network the way a float32 or float64 framework would —
// IEEE 754 binary32 or binary64, round to nearest, ties to even, every operation rounded
// — so that the exact result can be shown beside what the usual float check says.
//
// # Not a verdict
//
// Nothing here is trusted and nothing here enters a verdict: package cert decides with
// exact rationals and never imports this package. floatsim only reports what a float
// evaluation would have answered, for comparison. (The kernel's float claim simulates the
// same order itself, exactly with integers — cert.FloatEval, on certify/internal/ieee —
// and is tested to agree with Go's float32 and float64 in this order bit for bit.)
//
// # The arithmetic, exactly
//
// Every weight, bias and leaky-ReLU slope, and every input coordinate, is rounded once
// from its exact rational to the nearest value of the arithmetic (ties to even; a
// magnitude beyond the largest finite value becomes an infinity). A dense layer then
// computes, for each output unit j, in this order:
//
//	acc = 0
//	for k = 0, 1, …, in-1:  acc = round(acc + round(w[j][k] · x[k]))
//	z = round(acc + b[j])
//	a[j] = σ(z)
//
// that is the plain loop of x·Wᵀ followed by "+ b" (NumPy's x @ W.T + b, PyTorch's
// nn.Linear without a BLAS): products summed in index order starting from zero, the bias
// added last. Each product is rounded before it is added (no fused multiply-add): the
// code writes every intermediate through an explicit conversion to its type, which the
// Go specification says rounds and forbids fusing across. A BLAS (OpenBLAS, MKL) is free
// to block, vectorise, reorder and fuse the sum, so its results can differ from these in
// the last bits; the order here is the one a reader can redo by hand.
//
// The activations in the arithmetic: relu z ≤ 0 ? 0 : z; leaky-relu z ≤ 0 ? round(s·z) :
// z; hard-tanh z > 1 ? 1 : z < −1 ? −1 : z; step z ≥ 0 ? 1 : 0; identity z. A NaN (from
// ∞ − ∞ once a weight or a sum overflowed) passes through every one of them but step, as
// it does through NumPy's maximum.
//
// Outputs are returned as float64 (a float32 widens to float64 exactly), so that the
// caller can compare them with rationals exactly (big.Rat.SetFloat64).
package floatsim
