#!/usr/bin/env python3
"""Train a small MLP on iris and save it as an nn.Sequential-style safetensors file.

Pure Python (no NumPy, no PyTorch), deterministic (fixed seed), so anyone can rerun it:

    python3 scripts/train_iris_mlp.py testdata/data/iris.csv testdata/models/iris_mlp.safetensors

The network is 4-8-3 (ReLU), trained by full-batch gradient descent on softmax cross-entropy
over standardised inputs x' = (x - m)/s, with m and s per feature rounded to one decimal.
It prints the flags that give certify the same standardisation (--input-scale 1/s,
--input-shift -m/s, as exact rationals) and the number of training points the float32
weights classify correctly by argmax in float64 arithmetic, for comparison with certify's
exact count.
"""
import json
import math
import random
import struct
import sys
from fractions import Fraction


def load(path):
    xs, ys = [], []
    with open(path) as f:
        for i, line in enumerate(f):
            parts = line.strip().split(",")
            if i == 0 and not parts[-1].isdigit():
                continue
            if len(parts) < 2:
                continue
            try:
                row = [Fraction(p) for p in parts[:-1]]
            except ValueError:
                continue  # a header line
            xs.append(row)
            ys.append(int(parts[-1]))
    return xs, ys


def f32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def main():
    src, out = sys.argv[1], sys.argv[2]
    xs, ys = load(src)
    d, k, h = len(xs[0]), max(ys) + 1, 8
    n = len(xs)
    # Per-feature mean and standard deviation, rounded to one decimal (exact Fractions).
    m = [Fraction(round(float(sum(x[j] for x in xs) / n), 1)).limit_denominator(10) for j in range(d)]
    s = []
    for j in range(d):
        var = sum((float(x[j]) - float(m[j])) ** 2 for x in xs) / n
        s.append(Fraction(round(math.sqrt(var), 1)).limit_denominator(10))
    z = [[float((x[j] - m[j]) / s[j]) for j in range(d)] for x in xs]

    rng = random.Random(7)
    W1 = [[rng.gauss(0, 0.5) for _ in range(d)] for _ in range(h)]
    b1 = [0.0] * h
    W2 = [[rng.gauss(0, 0.5) for _ in range(h)] for _ in range(k)]
    b2 = [0.0] * k
    lr = 0.1
    for epoch in range(400):
        gW1 = [[0.0] * d for _ in range(h)]
        gb1 = [0.0] * h
        gW2 = [[0.0] * h for _ in range(k)]
        gb2 = [0.0] * k
        for x, y in zip(z, ys):
            pre = [sum(W1[i][j] * x[j] for j in range(d)) + b1[i] for i in range(h)]
            a = [max(p, 0.0) for p in pre]
            o = [sum(W2[c][i] * a[i] for i in range(h)) + b2[c] for c in range(k)]
            mx = max(o)
            e = [math.exp(v - mx) for v in o]
            tot = sum(e)
            g = [e[c] / tot - (1.0 if c == y else 0.0) for c in range(k)]
            for c in range(k):
                gb2[c] += g[c]
                for i in range(h):
                    gW2[c][i] += g[c] * a[i]
            for i in range(h):
                if pre[i] <= 0:
                    continue
                gi = sum(g[c] * W2[c][i] for c in range(k))
                gb1[i] += gi
                for j in range(d):
                    gW1[i][j] += gi * x[j]
        for i in range(h):
            b1[i] -= lr * gb1[i] / n
            for j in range(d):
                W1[i][j] -= lr * gW1[i][j] / n
        for c in range(k):
            b2[c] -= lr * gb2[c] / n
            for i in range(h):
                W2[c][i] -= lr * gW2[c][i] / n

    # Stored as float32; the float check uses the stored values.
    W1 = [[f32(v) for v in r] for r in W1]
    b1 = [f32(v) for v in b1]
    W2 = [[f32(v) for v in r] for r in W2]
    b2 = [f32(v) for v in b2]
    correct = 0
    for x, y in zip(z, ys):
        a = [max(sum(W1[i][j] * x[j] for j in range(d)) + b1[i], 0.0) for i in range(h)]
        o = [sum(W2[c][i] * a[i] for i in range(h)) + b2[c] for c in range(k)]
        if max(range(k), key=lambda c: o[c]) == y and sorted(o)[-2] < o[y]:
            correct += 1

    tensors = [("0.weight", [h, d], [v for r in W1 for v in r]), ("0.bias", [h], b1),
               ("2.weight", [k, h], [v for r in W2 for v in r]), ("2.bias", [k], b2)]
    header, data = {}, b""
    for name, shape, vals in sorted(tensors):
        raw = struct.pack("<%df" % len(vals), *vals)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    hb = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + data)
    scale = ",".join(str(1 / v) for v in s)
    shift = ",".join(str(-mv / sv) for mv, sv in zip(m, s))
    print("--input-scale %s --input-shift %s" % (scale, shift))
    print("float64 argmax correct: %d of %d" % (correct, n))


if __name__ == "__main__":
    main()
