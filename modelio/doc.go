// Package modelio reads trained networks from the files people keep them in — ONNX,
// NNet (the ACAS Xu text format), safetensors, and NumPy .npy/.npz — and turns them into
// a *cert.Network whose every weight is the exact rational its stored bits denote.
//
// # Trust
//
// modelio is untrusted, like every producer: a bug here can make a network that is not
// the one in the file, never a false verdict about the network it makes, because the
// kernel (package cert) recomputes everything it says. It lives outside cert/ and may
// use whatever it needs (the ONNX decoder uses google.golang.org/protobuf/encoding/protowire,
// with no generated code: the field numbers of onnx.proto are written down here).
//
// # Exactness
//
// A float32, float64, float16 or bfloat16 weight becomes the dyadic rational m·2^e that
// its bits denote (no decimal round trip); integer tensors become integers; a decimal
// written in a text format (NNet) becomes the decimal it spells. NaN and infinities are
// refused with the tensor's name and the element's index. Folding — input normalisation
// (Sub/Div/Mul by constants, NNet's means and ranges, --input-scale/--input-shift),
// Gemm's alpha and beta, consecutive affine maps — is exact rational arithmetic, so the
// network computes exactly the real-number function the file describes.
//
// # Refusals
//
// Anything the reader cannot represent exactly as a chain of affine maps and the
// kernel's activations is refused with an error that names the node (its name and
// op_type), the tensor, or the field: unknown operators, graphs that are not a chain,
// dynamic shapes, external data (unless Options.External reads it: bare file names
// only), truncated or garbage bytes. Sizes promised by a file are
// checked against the bytes actually present and against Options.MaxElements before
// anything is allocated. No input makes it panic or loop.
//
// The networks returned share rationals between entries (every zero weight may be one
// *big.Rat): treat them as immutable, as package cert does.
//
// The formats, the supported operators and the tensor-naming convention are documented
// in docs/import.md.
package modelio
