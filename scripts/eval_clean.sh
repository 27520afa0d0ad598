#!/usr/bin/env bash
# eval_clean.sh — scores `tamis clean` on aeb-wetlike (whole-page text of 136 news pages,
# article-body ground truth) with the benchmark's own metric, and prints before/after
# statistics on cc-text-samples. Usage: scripts/eval_clean.sh [TAMIS_BINARY] [extra tamis args]
# Env: TAMIS_SHARED (default ../shared next to the repo), KEEP_PRED=DIR to keep predictions.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TAMIS=${1:-${TAMIS:-$here/build/tamis}}
shift || true
SHARED=${TAMIS_SHARED:-$here/../shared}
export TAMIS_DATA_DIR=${TAMIS_DATA_DIR:-$here/data}
data=$SHARED/data/aeb-wetlike
[ -d "$data" ] || { echo "eval_clean: $data not found" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pred=${KEEP_PRED:-$work/pred}
mkdir -p "$pred"

# One input per page: works with every reader (a .txt file is one text document).
"$TAMIS" clean -q -j1 "$@" --keep-dropped "$data"/text/*.txt > "$work/out.jsonl"
python3 - "$work/out.jsonl" "$pred" <<'PY'
import json, os, sys
out, pred = sys.argv[1], sys.argv[2]
n = 0
for line in open(out, encoding="utf-8"):
    d = json.loads(line)
    src = (d.get("source") or {}).get("file") or d.get("id") or ""
    name = os.path.basename(src)
    if not name.endswith(".txt"):
        name += ".txt"
    text = "" if d.get("decision") == "drop" else d.get("text", "")
    with open(os.path.join(pred, name), "w", encoding="utf-8") as f:
        f.write(text)
    n += 1
print("eval_clean: %d predictions" % n, file=sys.stderr)
PY
echo "== aeb-wetlike (article body, 4-gram shingle F1; keep-all 0.657, C4 rules 0.830)"
python3 "$SHARED/tools/score_extraction.py" --bench aeb --data "$data" --pred "$pred" \
    ${PER_PAGE:+--per-page "$PER_PAGE"}
