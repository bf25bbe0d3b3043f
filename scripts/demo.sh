#!/bin/sh
# The main job on built-in data: check the shipped certificates, show a refutation.
set -e
BIN=${1:-./certify}
cd "$(dirname "$0")/.."
echo "== certify check: a valid certificate (XOR, exact and by threshold)"
$BIN check testdata/certs/valid/xor_index.json
echo
echo "== certify check: the one-hot gadget of Yun et al. Prop 3.2, argmax margin 1, distinct patterns"
$BIN check testdata/certs/valid/onehot_argmax.json
echo
echo "== certify check: a broken twin (one label changed) is refuted, exit code 1"
if $BIN check testdata/certs/invalid/tent_wrong_label.json; then
  echo "BUG: a false certificate verified" >&2; exit 1
fi
echo
echo "== all shipped certificates"
for f in testdata/certs/valid/*.json; do $BIN check "$f" | head -1; done
