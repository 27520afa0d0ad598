#!/usr/bin/env bash
# eval_metadata.sh — title/author/date accuracy of `tamis extract` on trafilatura-eval
# (dev split), scored with the shared score_metadata.py (normalised exact match).
#
# usage: scripts/eval_metadata.sh [extra tamis args...]
#   env TAMIS (binary, default build/tamis), TAMIS_SHARED (default ../shared),
#   KEEP=DIR keeps the predictions and per-page rows in DIR.
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
