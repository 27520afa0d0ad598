#!/usr/bin/env bash
# test_cat_fixtures.sh — golden test of `tamis cat` on every file of the shared
# warc-fixtures: record counts, skipped (bad) records, one stderr message per bad record,
# URLs in order, and in = written + dropped + skipped in --stats.
# The golden files come from tests/golden/fixture_truth.py, which reads the fixtures
# without tamis; TAMIS_UPDATE_GOLDEN=1 regenerates them from that script (never from
# tamis's own output).
set -u
FIX="${TAMIS_SHARED:-../shared}/data/warc-fixtures"
GOLD="$TAMIS_SRC/tests/golden/warc-fixtures"
[ -d "$FIX" ] || { echo "skip: $FIX not found"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
if [ "${TAMIS_UPDATE_GOLDEN:-0}" = 1 ]; then
    python3 "$TAMIS_SRC/tests/golden/fixture_truth.py" "$TAMIS_SHARED" "$GOLD"
    exit $?
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for f in $(cd "$FIX" && find . -type f ! -name README.md | sed 's|^\./||' | sort); do
    g="$GOLD/${f//\//__}.golden"
    if [ ! -f "$g" ]; then
        echo "FAIL $f: no golden file $g"
        fail=$((fail + 1))
        continue
    fi
    timeout 60 "$TAMIS" cat --no-payload --stats "$tmp/stats.json" "$FIX/$f" \
        >"$tmp/out.jsonl" 2>"$tmp/err.txt"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $f: exit code $rc"; cat "$tmp/err.txt"
        fail=$((fail + 1))
        continue
    fi
    # Actual summary in the golden layout, from tamis's output, stats and stderr.
    python3 - "$tmp/out.jsonl" "$tmp/stats.json" "$tmp/err.txt" >"$tmp/actual" <<'PY'
import json, sys
out, stats, err = sys.argv[1:4]
docs = [json.loads(l) for l in open(out)]
st = json.load(open(stats))
msgs = sum(1 for l in open(err) if l.rstrip().endswith("(skipped)"))
print("in %d" % st["records_in"])
print("written %d" % st["written"])
print("skipped %d" % st["skipped"])
for d in docs:
    print("url %s" % d["metadata"].get("url", "-"))
if st["records_in"] != st["written"] + st["dropped"] + st["skipped"]:
    print("ACCOUNTING in != written + dropped + skipped")
if msgs != st["skipped"]:
    print("MESSAGES %d stderr messages for %d skipped records" % (msgs, st["skipped"]))
if len(docs) != st["written"]:
    print("LINES %d output lines for %d written" % (len(docs), st["written"]))
PY
    if diff -u "$g" "$tmp/actual" >"$tmp/diff"; then
        pass=$((pass + 1))
    else
        echo "FAIL $f:"; head -30 "$tmp/diff"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 20 ]
