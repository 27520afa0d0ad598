#!/usr/bin/env bash
# eval_metadata.sh — title/author/date accuracy of `tamis extract` on trafilatura-eval
# (dev split), scored with the shared score_metadata.py (normalised exact match).
#
# usage: scripts/eval_metadata.sh [extra tamis args...]
#   env TAMIS (binary, default build/tamis), TAMIS_SHARED (default ../shared),
#   KEEP=DIR keeps the predictions and per-page rows in DIR,
#   MISSES=1 also prints every miss, classified: missing (no value), extra (our names
#   include the gold one and more), format (equal but for punctuation, case, accents or
#   the joining of several names), wrong.
# The gold dates are calendar dates (YYYY-MM-DD); tamis writes ISO 8601 and keeps the
# time of day when the page gives one, so the date part (first 10 characters) is compared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TAMIS=$(readlink -f "${TAMIS:-$here/build/tamis}")
SHARED=${TAMIS_SHARED:-$here/../shared}
[ -d "$SHARED/data" ] || { echo "no shared data at $SHARED" >&2; exit 77; }
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
d=$SHARED/data/trafilatura-eval
(cd "$d/html" && find . -maxdepth 1 -type f -printf '%f\0' | sort -z |
    xargs -0 "$TAMIS" extract -q -j 1 --keep-dropped -o "$work/meta.jsonl" "$@")
python3 - "$work/meta.jsonl" "$work/pred.jsonl" <<'PY'
import json, os, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as g:
    for line in f:
        d = json.loads(line)
        m = d.get("metadata") or {}
        name = os.path.basename((d.get("source") or {}).get("file") or d.get("id"))
        g.write(json.dumps({"file": name, "title": m.get("title"), "author": m.get("author"),
                            "date": (m.get("date") or "")[:10] or None}, ensure_ascii=False) + "\n")
PY
python3 "$SHARED/tools/score_metadata.py" --data "$d" --pred "$work/pred.jsonl" \
    --per-page "$work/meta.tsv"
[ -n "${MISSES:-}" ] || exit 0
python3 - "$work/meta.tsv" <<'PY'
import collections, re, sys, unicodedata
def loose(v):
    v = unicodedata.normalize("NFKD", v)
    v = "".join(c for c in v if not unicodedata.combining(c))
    v = re.sub(r"\b(und|and|y|et)\b", ";", v)
    return re.sub(r"[^\w;]+", "", v.replace(",", ";"))
kinds = collections.Counter()
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    page, field, ok, gold, ours = line.rstrip("\n").split("\t")
    if ok == "1":
        continue
    if not ours:
        kind = "missing"
    elif loose(gold) == loose(ours):
        kind = "format"
    elif field == "author" and gold in [n.strip() for n in ours.split(";")]:
        kind = "extra"
    else:
        kind = "wrong"
    kinds[field, kind] += 1
    rows.append((field, kind, page, gold, ours))
for field, kind, page, gold, ours in sorted(rows):
    print("%-6s %-7s %s\tgold=%s\tours=%s" % (field, kind, page, gold, ours))
for (field, kind), n in sorted(kinds.items()):
    print("misses %s %s: %d" % (field, kind, n))
PY
