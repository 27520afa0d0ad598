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

# Before/after on real Common Crawl text without labels: documents, lines and bytes kept,
# lines removed by rule, and one sample document.
cc=$SHARED/data/cc-text-samples
if [ -d "$cc" ]; then
    echo "== cc-text-samples (no labels): before/after"
    for f in "$cc"/*.jsonl.gz "$cc"/dolma-deduper/documents-000.json.gz; do
        "$TAMIS" clean -q --keep-dropped "$@" "$f" > "$work/cc.jsonl"
        python3 - "$f" "$work/cc.jsonl" <<'PY'
import collections, gzip, json, os, sys
src, out = sys.argv[1], sys.argv[2]
before = [json.loads(l) for l in gzip.open(src, "rt", encoding="utf-8")]
after = [json.loads(l) for l in open(out, encoding="utf-8")]
lin = sum(len([x for x in d["text"].split("\n") if x.strip()]) for d in before)
bin_ = sum(len(d["text"].encode()) for d in before)
kept = [d for d in after if d.get("decision") != "drop"]
lout = sum(len([x for x in d["text"].split("\n") if x.strip()]) for d in kept)
bout = sum(len(d["text"].encode()) for d in kept)
why = collections.Counter()
for d in after:
    why.update(d.get("removed_lines", {}))
meta = collections.Counter(k for d in kept for k in d.get("metadata", {}) if k in
                           ("title", "author", "date", "site", "category", "dateline",
                            "reading_time", "related", "modified"))
print("%s: docs %d -> %d kept (%d clean_empty); lines %d -> %d (%.0f%%); bytes %.2f MB -> %.2f MB (%.0f%%)"
      % (os.path.basename(src), len(before), len(kept), len(after) - len(kept), lin, lout,
         100.0 * lout / max(lin, 1), bin_ / 1e6, bout / 1e6, 100.0 * bout / max(bin_, 1)))
print("  removed lines by rule: " + ", ".join("%s %d" % kv for kv in why.most_common(10)))
print("  metadata found in kept docs: " + (", ".join("%s %d" % kv for kv in meta.most_common()) or "none"))
PY
    done
fi
