#!/bin/sh
# The Slurm check of CI (as root on a Debian machine): a one-node cluster (cluster.sh), a
# job array of NSHARDS tasks (exists.sbatch) running a sharded split search, certify merge,
# and a comparison with the one-machine run: the same answer and the same proof script,
# byte for byte; then a job array (check-smt.sbatch) running a sharded check --smt of a
# certificate, merged and compared with check --smt on one machine (the same report,
# solver time and query count aside, and the same exit code). Every wait is bounded; any
# failure (Slurm not starting included) exits 1.
#   ci.sh [CERTIFY]   (default: builds ./certify)
set -eu
cd "$(dirname "$0")/../.."
HERE=$PWD/scripts/slurm
NSHARDS=${NSHARDS:-3}
WIDTHS=${WIDTHS:-1,2} N=${N:-4} SOLVER=${SOLVER:-cvc5}
# Passed to the tasks through the environment (--export=ALL): a value with a comma
# cannot go in sbatch's --export list.
export WIDTHS N SOLVER
fail() { echo "slurm ci: FAIL: $*" >&2; exit 1; }
if [ -n "${1:-}" ]; then CERTIFY=$(realpath "$1"); else
  go build -o certify ./cmd/certify || fail "go build"; CERTIFY=$PWD/certify; fi
WORK=$(mktemp -d /tmp/certify-slurm-ci.XXXXXX)
STATE=$WORK/cluster
export STATE
trap 'cd /; sh "$HERE/cluster.sh" stop; rm -rf "$WORK"' EXIT
timeout 180 sh $HERE/cluster.sh || fail "the Slurm cluster did not start"
export SLURM_CONF=$STATE/slurm.conf

# One machine.
(cd "$WORK" && mkdir single && cd single && timeout 300 "$CERTIFY" smt exists --widths "$WIDTHS" --alternating "$N" \
  --encoding split --solver "$SOLVER" --timeout 4m --smt2 proof.smt2 -o witness.json > out.txt) || fail "the single run"
# The job array: sbatch --wait returns when every task has ended (with the worst exit code).
cd "$WORK"
CERTIFY=$CERTIFY TIMEOUT=4m SHARDS=$WORK/shards timeout 300 sbatch --wait --array=1-"$NSHARDS" --chdir="$WORK" \
  --export=ALL "$HERE/exists.sbatch" || { cat "$WORK"/certify-exists-*.out >&2 2>/dev/null; fail "the job array (sbatch --wait)"; }
cat "$WORK"/certify-exists-*.out
"$CERTIFY" merge "$WORK/shards" -o "$WORK/merged" > "$WORK/merged.txt" || fail "certify merge"
cat "$WORK/merged.txt"
head -1 "$WORK/single/out.txt" | cut -d' ' -f1 > "$WORK/a1"
head -1 "$WORK/merged.txt" | cut -d' ' -f1 > "$WORK/a2"
cmp -s "$WORK/a1" "$WORK/a2" || fail "answers differ: single $(cat "$WORK/a1"), merged $(cat "$WORK/a2")"
if [ -f "$WORK/single/proof.smt2" ]; then
  cmp "$WORK/single/proof.smt2" "$WORK/merged/proof.smt2" || fail "proof scripts differ"
fi
echo "slurm ci: ok: $NSHARDS shards of widths $WIDTHS, N = $N on Slurm, merged = single run ($(cat "$WORK/a1"))"

# check --smt: one point per query, so that the shards share the points.
CERT=${CERT:-$PWD/testdata/certs/valid/theorem_yun_classify.json}
mask() { sed -E 's/"time_ns": [0-9]+|"queries": [0-9]+/…/g; s/[0-9]+ queries, [0-9.]+[a-zµ]+/…/' "$1"; }
code=0; timeout 300 "$CERTIFY" check --smt --json --smt-chunk 1 "$CERT" > "$WORK/check-single.json" || code=$?
[ "$code" -le 1 ] || fail "check --smt on one machine: exit $code"
CERTIFY=$CERTIFY CERT=$CERT CHUNK=1 JSON=1 SHARDS=$WORK/check-shards timeout 300 sbatch --wait --array=1-"$NSHARDS" \
  --chdir="$WORK" --export=ALL "$HERE/check-smt.sbatch" || { cat "$WORK"/certify-check-smt-*.out >&2 2>/dev/null; fail "the check --smt job array"; }
cat "$WORK"/certify-check-smt-*.out
mcode=0; "$CERTIFY" merge "$WORK/check-shards" > "$WORK/check-merged.json" || mcode=$?
[ "$mcode" = "$code" ] || fail "merged check --smt exits $mcode, the single run $code"
mask "$WORK/check-single.json" > "$WORK/c1"; mask "$WORK/check-merged.json" > "$WORK/c2"
cmp "$WORK/c1" "$WORK/c2" || { diff "$WORK/c1" "$WORK/c2" >&2; fail "check --smt reports differ"; }
echo "slurm ci: ok: check --smt of $(basename "$CERT") in $NSHARDS shards on Slurm, merged = single run (exit $code)"
