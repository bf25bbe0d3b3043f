#!/bin/sh
# Issue 8's measurements: Vardi et al. and Park et al. on Fashion-MNIST subsets.
#   sh scripts/deep_sizes.sh [OUT_DIR]
# For each construction and N it builds the certificate, checks it with the kernel and
# records depth, sizes, build and check time and peak RSS (/usr/bin/time -v), then writes
# the sizes table of every construction and its log-log plot (sizes.svg).
# CERTIFY_FASHION_DIR overrides the Debian location of the IDX files; DEEP_N the sizes.
set -e
OUT=${1:-deep-sizes}
F=${CERTIFY_FASHION_DIR:-/usr/share/datasets/fashion-mnist}
NS=${DEEP_N:-"1000 3000 10000 30000 60000"}
mkdir -p "$OUT"
go build -o "$OUT/certify" ./cmd/certify
IMG="$F/train-images-idx3-ubyte.gz"
LAB="$F/train-labels-idx1-ubyte.gz"
for m in vardi park; do
	for n in $NS; do
		/usr/bin/time -v "$OUT/certify" construct $m --data "$IMG" --labels "$LAB" --limit $n \
			-o "$OUT/$m$n.json" --json >"$OUT/$m$n.summary.json" 2>"$OUT/$m$n.time"
		printf '%s N=%s: %s peak RSS %s kB\n' $m $n \
			"$(grep -E '"(depth|parameters|nonzero_weights|max_bits|build_seconds|check_seconds|verdict)"' "$OUT/$m$n.summary.json" | tr -d ' \n')" \
			"$(grep 'Maximum resident' "$OUT/$m$n.time" | awk '{print $6}')"
		rm -f "$OUT/$m$n.json"
	done
done
NSC=$(echo 100 300 $NS | tr ' ' ',')
"$OUT/certify" sizes --data "$IMG" --labels "$LAB" --n "$NSC" --shallow-max-n 10000 --check-max-n 3000 \
	--plot "$OUT/sizes.svg" | tee "$OUT/sizes.txt"
"$OUT/certify" capacity park --imagenet | tee "$OUT/imagenet.txt"
