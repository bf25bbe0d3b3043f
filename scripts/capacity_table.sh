#!/bin/sh
# The exact capacity on alternating data (x_i = i, y_i = i mod 2) of every ReLU architecture
# with one input and at most four hidden units, with certificates both ways, written to
# testdata/capacity/<widths>/ (make capacity). Solver no-fit proofs are gzipped there;
# `certify check --smt` reads the .gz and re-runs it. Two-hidden-layer no-fits are Farkas
# case trees the kernel checks alone, written gzipped when over 2 MiB. The (2,2) row takes
# about 10 minutes (its N = 7: the solver's answer, then the adaptive Farkas search); the
# others seconds to minutes each.
set -e
BIN=${1:-./certify}
cd "$(dirname "$0")/.."
OUT=${CERTIFY_CAPACITY_OUT:-testdata/capacity}
TIMEOUT=${CERTIFY_CAPACITY_TIMEOUT:-15m}
for w in 1 2 3 4 1,1 1,2 2,1 1,3 3,1 2,2 1,1,1 1,1,2 1,2,1 2,1,1 1,1,1,1; do
  dir="$OUT/$(echo "$w" | tr , -)"
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== widths $w"
  $BIN capacity --widths "$w" --family alternating --max-n 16 --timeout "$TIMEOUT" -o "$dir" | tee "$dir/table.txt"
  for f in "$dir"/*.smt2; do
    [ -f "$f" ] && gzip -9 -n "$f"
  done
done
