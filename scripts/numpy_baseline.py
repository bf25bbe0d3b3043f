#!/usr/bin/env python3
"""The usual float check of a certify network, with NumPy (OpenBLAS), beside certify's exact one.

    python3 scripts/numpy_baseline.py --net NET.json --data DATA [--labels LABELS] [--limit N]
        [--certify ./certify] [--check CERT.json] [--certify-net MODEL] [--repeat 3]

NET is a network JSON object or a certificate (its "network" field). DATA is a CSV file (one
point per line, the integer class label last; .gz allowed; a header line of non-numbers is
skipped) or IDX images with --labels IDX labels, read as certify reads them (pixels as the
integers 0..255, no scaling).

Every weight, bias and input is the nearest float64 to its exact rational (Fraction -> float,
correctly rounded); float32 values are that float64 rounded again to float32, which can differ
from the nearest float32 in a rare double-rounding tie. A layer is `a @ W.T + b` followed by
the activation, all in the arithmetic's dtype: NumPy hands the product to its BLAS (OpenBLAS
on Debian), which blocks, vectorises and may fuse the sums, so its last bits can differ from
certify eval --float64's plain loop. Argmax counts NumPy's argmax (the first maximum) against
the label; for one output, class 1 iff f >= 1/2.

With --certify the same run also times certify's exact answer on the same net and data —
`certify check CERT` when --check is given, else `certify eval --net NET --data DATA` — and
prints the ratio of its wall time to NumPy's forward pass (the network read into arrays once,
outside the timing; best of --repeat runs). --certify-net gives certify eval another file for
the same network (the model file NET.json was imported from, which it reads faster). On a
shared machine wall times follow the load; the CPU seconds (all threads: OpenBLAS's and
certify's workers) are printed beside them, and their ratio too.

Debian: apt-get install python3-numpy libopenblas0. OpenBLAS uses every core unless
OPENBLAS_NUM_THREADS says otherwise; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, if set in the
environment, change its kernels.
"""
import argparse
import gzip
import json
import os
import resource
import struct
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np


def rat(s):
    return float(Fraction(s))


def load_net(path):
    with open(path) as f:
        obj = json.load(f)
    net = obj.get("network", obj)
    layers = []
    for i, l in enumerate(net["layers"]):
        W = np.array([[rat(w) for w in row] for row in l["weights"]], dtype=np.float64)
        b = np.array([rat(v) for v in l["biases"]], dtype=np.float64)
        acts = l.get("activations") or [l["activation"]] * len(b)
        if len(set(acts)) != 1:
            sys.exit("layer %d: per-unit activations differ; this script handles one per layer" % i)
        layers.append((W, b, acts[0]))
    return net["input_dim"], layers


def opener(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def load_idx(images, labels, limit):
    with opener(images) as f:
        raw = f.read()
    zero, dtype, nd = struct.unpack(">HBB", raw[:4])
    dims = struct.unpack(">" + "I" * nd, raw[4:4 + 4 * nd])
    if zero != 0 or dtype != 0x08:
        sys.exit("%s: not IDX unsigned bytes" % images)
    n, d = dims[0], int(np.prod(dims[1:]))
    X = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(n, d)
    with opener(labels) as f:
        lraw = f.read()
    y = np.frombuffer(lraw, dtype=np.uint8, offset=8).astype(np.int64)
    if limit:
        X, y = X[:limit], y[:limit]
    return X.astype(np.float64), y


def load_csv(path, limit):
    xs, ys = [], []
    with opener(path) as f:
        for i, line in enumerate(f.read().decode().splitlines()):
            parts = [p.strip() for p in line.split(",")]
            if not line.strip():
                continue
            try:
                row = [rat(p) for p in parts[:-1]]
                lab = int(parts[-1])
            except (ValueError, ZeroDivisionError):
                if i == 0:
                    continue  # a header
                raise
            xs.append(row)
            ys.append(lab)
            if limit and len(xs) == limit:
                break
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.int64)


def forward(layers, X, dtype):
    a = X.astype(dtype)
    for W, b, act in layers:
        z = a @ W.T + b
        if act == "relu":
            a = np.maximum(z, dtype(0))
        elif act == "identity":
            a = z
        elif act.startswith("leaky-relu:"):
            s = dtype(rat(act.split(":", 1)[1]))
            a = np.where(z > 0, z, s * z)
        elif act == "hard-tanh":
            a = np.clip(z, dtype(-1), dtype(1))
        elif act == "step":
            a = (z >= 0).astype(dtype)
        else:
            sys.exit("unknown activation %r" % act)
    return a


def correct(out, y):
    if out.shape[1] == 1:
        return int(np.sum((out[:, 0] >= 0.5) == (y == 1)))
    return int(np.sum(np.argmax(out, axis=1) == y))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--net", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--labels")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--certify", help="certify binary: also time its exact answer on the same net and data")
    ap.add_argument("--check", help="a certificate for the same net and data: time `certify check` on it")
    ap.add_argument("--certify-net", help="the file certify eval reads the network from (default: --net)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    d, layers = load_net(args.net)
    t_net = time.perf_counter() - t0
    X, y = load_idx(args.data, args.labels, args.limit) if args.labels else load_csv(args.data, args.limit)
    if X.shape[1] != d:
        sys.exit("the data have dimension %d, the network reads %d" % (X.shape[1], d))
    print("numpy %s; %d points, dimension %d; network read in %.2f s" % (np.__version__, len(y), d, t_net))
    times, cpus = {}, {}
    for dtype in (np.float32, np.float64):
        ls = [(W.astype(dtype), b.astype(dtype), act) for W, b, act in layers]
        best, bestcpu, out = None, None, None
        for _ in range(max(1, args.repeat)):
            t0, c0 = time.perf_counter(), time.process_time()
            out = forward(ls, X, dtype)
            t, c = time.perf_counter() - t0, time.process_time() - c0
            best = t if best is None else min(best, t)
            bestcpu = c if bestcpu is None else min(bestcpu, c)
        times[dtype], cpus[dtype] = best, bestcpu
        finite = int(np.sum(np.all(np.isfinite(out), axis=1)))
        c = correct(out, y)
        print("%s: correct %d / %d (%.2f %%), finite %d, forward %.3f s, %.3f CPU s (best of %d)" % (
            np.dtype(dtype).name, c, len(y), 100.0 * c / len(y), finite, best, bestcpu, max(1, args.repeat)))
    if args.certify:
        if args.check:
            # the certificate names its data files; allow their folder
            cmd = [args.certify, "check", "--data-root", os.path.dirname(os.path.abspath(args.data)), args.check]
        else:
            cmd = [args.certify, "eval", "--net", args.certify_net or args.net, "--data", args.data]
            if args.labels:
                cmd += ["--labels", args.labels]
            if args.limit:
                cmd += ["--limit", str(args.limit)]
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        t = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        print("certify (exact): %s -> exit %d, %.2f s, %.2f CPU s" % (" ".join(cmd), r.returncode, t, cpu))
        for line in r.stdout.splitlines()[:8]:
            print("  " + line)
        print("ratio exact / numpy float64: %.1f; exact / numpy float32: %.1f (wall)" % (
            t / times[np.float64], t / times[np.float32]))
        print("ratio exact / numpy float64: %.1f; exact / numpy float32: %.1f (CPU seconds)" % (
            cpu / cpus[np.float64], cpu / cpus[np.float32]))
        print("load average: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
