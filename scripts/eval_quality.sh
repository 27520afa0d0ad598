#!/bin/bash
# eval_quality.sh — tamis's quality filters against human keep/drop judgements
# (dclm-quality-labels): precision and recall of the default keep decision and of each
# filter alone. Extra arguments go to `tamis filter` (e.g. --set filter.c4=false).
#
#   scripts/eval_quality.sh [BUILD_DIR] [-- TAMIS_FILTER_ARGS...]
#   env: TAMIS_SHARED (default ../shared)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TAMIS_BUILD:-$SRC/build}
if [ $# -gt 0 ] && [ "$1" != "--" ]; then BUILD=$1; shift; fi
[ "${1:-}" = "--" ] && shift
SHARED=${TAMIS_SHARED:-$SRC/../shared}
DATA=$SHARED/data/dclm-quality-labels
[ -f "$DATA/majority_data.jsonl" ] || { echo "skip: $DATA not found"; exit 77; }
TAMIS=$BUILD/tamis
export TAMIS_DATA_DIR=${TAMIS_DATA_DIR:-$SRC/data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "# tamis filter vs human labels (dclm-quality-labels); tamis filter args: ${*:-(defaults)}"
for set in majority agreement; do
    "$TAMIS" filter -q --keep-dropped "$@" "$DATA/${set}_data.jsonl" -o "$TMP/$set.jsonl"
    python3 "$SRC/scripts/eval_quality.py" "$set" "$DATA/${set}_data.jsonl" "$TMP/$set.jsonl"
done
