package modelio

// Options tune the readers. The zero value is ready to use.
type Options struct {
	// MaxElements bounds the elements of any one tensor and of any matrix the reader
	// builds (default 100 000 000, the kernel's default parameter limit).
	MaxElements int64
	// Constants binds ONNX graph inputs by name to constant tensors (the model's data
	// input is then the one input left unbound).
	Constants map[string]*Tensor
	// Activations, for formats that do not store them (safetensors, npz, npy): one
	// activation for every hidden layer, or one per layer (the last included), in the
	// kernel's names ("relu", "leaky-relu:1/100", "hard-tanh", "identity", "step").
	// Empty: relu for hidden layers, identity for the last.
	Activations []string
	// Layers, for safetensors and npz: the tensor-name prefixes of the layers in order
	// (default: the naming convention of docs/import.md).
	Layers []string
	// ClampInputs, for NNet: clamp each input to the file's [min, max] as NNet's reference
	// evaluator does, with a hard-tanh layer put in front (ClampNNetInputs).
	ClampInputs bool
	// External, for ONNX: reads the external data file a tensor names (its
	// external_data "location"). The reader passes bare file names only — a location
	// with a folder part is refused — and the caller decides where the file is and
	// whether it is trusted (certify import: beside the model, pinned by SHA-256). nil:
	// external data is refused.
	External func(location string) ([]byte, error)
}

func (o *Options) maxElements() int64 {
	if o == nil || o.MaxElements <= 0 {
		return 100_000_000
	}
	return o.MaxElements
}
