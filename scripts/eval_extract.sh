#!/usr/bin/env bash
# eval_extract.sh — main-content accuracy of `tamis extract` on the two public benchmarks
# (article-extraction-benchmark dev split, trafilatura-eval dev split), scored with the
# shared scorer. Prints the scorer's summary line per benchmark.
#
# usage: scripts/eval_extract.sh [aeb|traf|all] [extra tamis args...]
#   env TAMIS (binary, default build/tamis), TAMIS_SHARED (default ../shared),
#   KEEP=DIR keeps the per-page outputs and per-page scores in DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TAMIS=$(readlink -f "${TAMIS:-$here/build/tamis}")
SHARED=${TAMIS_SHARED:-$here/../shared}
which=${1:-all}
shift || true
[ -d "$SHARED/data" ] || { echo "no shared data at $SHARED" >&2; exit 77; }
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# Runs tamis over every page of $1/html and writes one <file>.txt per page into $2.
extract_dir() {
    local data=$1 pred=$2
    rm -rf "$pred"
    mkdir -p "$pred"
    (cd "$data/html" && find . -maxdepth 1 -type f -printf '%f\0' | sort -z |
        xargs -0 "$TAMIS" extract -q -j 1 --keep-dropped -o "$pred.jsonl" "$@")
    python3 - "$pred.jsonl" "$pred" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        name = os.path.basename((d.get("source") or {}).get("file") or d.get("id"))
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as g:
            g.write(d.get("text") or "")
EOF
}

if [ "$which" = aeb ] || [ "$which" = all ]; then
    d=$SHARED/data/article-extraction-benchmark
    extract_dir "$d" "$work/aeb" "$@"
    python3 "$SHARED/tools/score_extraction.py" --bench aeb --data "$d" --pred "$work/aeb" \
        --per-page "$work/aeb.tsv"
fi
if [ "$which" = traf ] || [ "$which" = all ]; then
    d=$SHARED/data/trafilatura-eval
    extract_dir "$d" "$work/traf" "$@"
    python3 "$SHARED/tools/score_extraction.py" --bench traf --data "$d" --pred "$work/traf" \
        --per-page "$work/traf.tsv"
fi
