#!/usr/bin/env python3
"""Write a random float32 MLP as an nn.Sequential-style .npz, for timing certify against NumPy.

    /usr/bin/python3 scripts/random_mlp.py [--dims 784,256,256,10] [--seed 5] [--scale 1/255] -o mlp.npz
    certify import mlp.npz -o mlp.json
    /usr/bin/python3 scripts/numpy_baseline.py --net mlp.json --data IMAGES --labels LABELS --certify ./certify

Weights are He-initialised (normal, variance 2/fan_in) times --scale (1/255 by default, so
that raw pixel bytes play the part of inputs in [0, 1]), biases normal with deviation 0.01,
all rounded to float32. The network is untrained: its accuracy is chance; it has the size and
the bit complexity (float32 weights, ~78 bits after import) of a trained one.
"""
import argparse
from fractions import Fraction

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dims", default="784,256,256,10")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--scale", default="1/255")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    dims = [int(d) for d in args.dims.split(",")]
    scale = float(Fraction(args.scale))
    r = np.random.default_rng(args.seed)
    arrays = {}
    for i in range(len(dims) - 1):
        w = r.standard_normal((dims[i + 1], dims[i])) * np.sqrt(2 / dims[i]) * scale
        arrays["%d.weight" % (2 * i)] = w.astype(np.float32)
        arrays["%d.bias" % (2 * i)] = (r.standard_normal(dims[i + 1]) * 0.01).astype(np.float32)
    np.savez(args.out, **arrays)


if __name__ == "__main__":
    main()
