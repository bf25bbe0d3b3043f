#!/bin/sh
# certify's exact evaluation beside NumPy (OpenBLAS) on the same network and data, in one run:
#
#   sh scripts/bench_numpy.sh [./certify]        (or: make bench-numpy)
#
# 1. a float32 784-256-256-10 MLP (scripts/random_mlp.py, He-initialised, untrained) is
#    written as .npz and imported (`certify import`, timed);
# 2. scripts/numpy_baseline.py times NumPy's float32 and float64 forward passes on the 60 000
#    Fashion-MNIST training images and `certify eval` (exact, argmax counted) on the same net
#    and data, and prints the ratios, in wall and in CPU seconds;
# 3. the tier each layer ran in (int64, int128, int192, int256, big) and the exact engine's
#    points per second without the file reading: go test's BenchmarkNetworkFashion;
# 4. a 10 MB float32 model (784-2048-512-10) is imported, timed;
# 5. with BENCH_YUN=1, the yun-classify certificate on the same images is built and
#    `certify check` timed against NumPy on its network.
#
# Needs python3-numpy and libopenblas0 (Debian), and Fashion-MNIST in
# /usr/share/datasets/fashion-mnist (or FASHION=DIR). OpenBLAS uses every core. On a shared
# machine wall times follow the load: the load average is printed, and CPU seconds beside.
set -e
# the kernel's AVX-512 lanes in the go test step, as make build has them (GOEXPERIMENT= for none)
export GOEXPERIMENT="${GOEXPERIMENT-simd}"
BIN=${1:-./certify}
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
F=${FASHION:-/usr/share/datasets/fashion-mnist}
IMG=$F/train-images-idx3-ubyte.gz
LAB=$F/train-labels-idx1-ubyte.gz
OUT=${BENCH_OUT:-bench-out}
mkdir -p "$OUT"
case "$OUT" in /*) ;; *) OUT="$(pwd)/$OUT" ;; esac # go test runs in cert/
t() { /usr/bin/time -f "  %e s wall, %U s user, %S s sys, %M KB peak" "$@"; }
echo "== load: $(cat /proc/loadavg)"
echo "== the 784-256-256-10 float32 MLP"
$PY scripts/random_mlp.py --dims 784,256,256,10 -o "$OUT/mlp.npz"
t $BIN import "$OUT/mlp.npz" -o "$OUT/mlp.json"
echo "== NumPy and certify eval on the 60 000 images"
$PY scripts/numpy_baseline.py --net "$OUT/mlp.json" --certify-net "$OUT/mlp.npz" \
  --data "$IMG" --labels "$LAB" --certify "$BIN" --repeat 3
echo "== the exact engine alone: tiers per layer, points per second"
CERTIFY_BENCH_NET="$OUT/mlp.json" go test ./cert -run '^$' -bench NetworkFashion -benchtime 1x -v |
  grep -E 'tiers|points/s'
echo "== import of a 10 MB float32 model"
$PY scripts/random_mlp.py --dims 784,2048,512,10 -o "$OUT/mlp10.npz"
ls -l "$OUT/mlp10.npz"
t $BIN import "$OUT/mlp10.npz" -o "$OUT/mlp10.json"
if [ -n "$BENCH_YUN" ]; then
  echo "== yun-classify on the 60 000 images: certify check against NumPy on its network"
  t $BIN construct yun-classify --data "$IMG" --labels "$LAB" -o "$OUT/fashion_yun.json"
  $PY scripts/numpy_baseline.py --net "$OUT/fashion_yun.json" --data "$IMG" --labels "$LAB" \
    --certify "$BIN" --check "$OUT/fashion_yun.json" --repeat 3
fi
echo "== load: $(cat /proc/loadavg)"
