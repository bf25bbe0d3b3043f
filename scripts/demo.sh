#!/bin/sh
# The main job on built-in data: audit the seeds' published claims, re-check a refutation on
# its own, build a construction on real data and check it, and check the shipped certificates.
set -e
BIN=${1:-./certify}
cd "$(dirname "$0")/.."
OUT=${CERTIFY_DEMO_OUT:-audit-out}
echo "== certify audit: the seeds' claims, as the papers state them and as seed 000 prints them"
$BIN audit --budget 2m -o "$OUT" --quiet
echo
for f in $(sed -n 's/^ *"counterexample": "\(.*\)",$/\1/p' "$OUT/report.json"); do
  echo "== certify check $f: the counterexample verifies on its own"
  $BIN check "$f"
done
echo
echo "== certify construct: Yun et al.'s Prop 3.2 classifier on the 1797 digits, then checked exactly"
$BIN construct yun-classify --data testdata/data/digits.csv.gz -o "$OUT/digits_yun_classify.json"
$BIN check --data-root testdata/data "$OUT/digits_yun_classify.json"
echo
echo "== certify check: a broken twin (one label changed) is refuted, exit code 1"
if $BIN check testdata/certs/invalid/tent_wrong_label.json >/dev/null; then
  echo "BUG: a false certificate verified" >&2; exit 1
fi
echo "refuted, as it must be"
echo
echo "== all shipped certificates"
# (the fixtures name their data files relative to testdata/certs, allowed with --data-root;
# a check that does not verify stops the demo)
for f in testdata/certs/valid/*.json; do
  line=$($BIN check --data-root testdata/certs "$f") || { echo "$line" >&2; echo "BUG: $f does not verify" >&2; exit 1; }
  echo "$line" | head -1
done
