#!/usr/bin/env bash
# test_run.sh — `tamis run` end to end on the bundled examples: same bytes whatever -j,
# every record accounted for, resume after SIGKILL gives identical output, the same bytes
# under a small memory budget with dedup's records on disk, SIGINT leaves no
# complete-looking partial shard, unwritable OUTDIR is a clear error, and the report
# page renders in headless Chromium with the numbers of stats.json.
set -u
: "${TAMIS:?}" "${TAMIS_SRC:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

EX="$TAMIS_SRC/examples"
IN=("$EX/pages.warc.gz" "$EX/articles.jsonl.gz")

# Parses a number out of stats.json without jq.
stat() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
digest() { for f in "$1"/part-*.jsonl.zst; do zstdcat "$f"; done | md5sum | cut -d' ' -f1; }

"$TAMIS" run -q -j1 "${IN[@]}" -o "$T/j1"; rc=$?
check "[ $rc -eq 0 ]" "run -j1 exit code $rc"
"$TAMIS" run -q -j2 "${IN[@]}" -o "$T/j2"; rc=$?
check "[ $rc -eq 0 ]" "run -j2 exit code $rc"
check "[ \"$(digest "$T/j1")\" = \"$(digest "$T/j2")\" ]" "-j1 and -j2 outputs differ"
check "[ -f '$T/j1/part-00000.jsonl.zst' ] && [ -f '$T/j1/part-00001.jsonl.zst' ]" "one part per input"
check "[ -s '$T/j1/stats.json' ] && [ -s '$T/j1/report.html' ]" "stats.json and report.html written"

in=$(stat "$T/j1/stats.json" records_in)
w=$(stat "$T/j1/stats.json" written)
d=$(stat "$T/j1/stats.json" dropped)
s=$(stat "$T/j1/stats.json" skipped)
check "[ $in -eq $((w + d + s)) ]" "accounting: in=$in written=$w dropped=$d skipped=$s"
# 12 response records in the WARC + 16 JSONL documents (examples/README.md).
check "[ $in -eq 28 ]" "records_in is $in, expected 28"
lines=$(for f in "$T/j1"/part-*.jsonl.zst; do zstdcat "$f"; done | wc -l)
check "[ $lines -eq $w ]" "written=$w but $lines lines in the parts"

# The printed default configuration, fed back, gives the same output as no configuration;
# an unknown key is a usage error naming file, line and key.
"$TAMIS" config --default > "$T/default.ini"
"$TAMIS" run -q --config "$T/default.ini" "${IN[@]}" -o "$T/cfg"
check "[ \"$(digest "$T/cfg")\" = \"$(digest "$T/j1")\" ]" "config --default round trip changed the output"
printf '[filter]\nno_such_key = 1\n' > "$T/bad.ini"
"$TAMIS" run -q --config "$T/bad.ini" "${IN[@]}" -o "$T/bad" 2>"$T/bad.err"; rc=$?
check "[ $rc -eq 2 ] && grep -q 'bad.ini:2' '$T/bad.err' && grep -q no_such_key '$T/bad.err'" "bad config: exit $rc, $(cat "$T/bad.err")"

# Resume: a second run over a finished OUTDIR changes nothing.
before=$(digest "$T/j1")
"$TAMIS" run -q "${IN[@]}" -o "$T/j1"
check "[ \"$(digest "$T/j1")\" = \"$before\" ]" "rerun over a finished run changed the output"

# Kill test: many shards so that a kill lands mid-run; resumed output is identical.
mkdir -p "$T/many"
for i in $(seq -w 1 30); do
  cp "$EX/articles.jsonl.gz" "$T/many/a$i.jsonl.gz"
  cp "$EX/pages.warc.gz" "$T/many/p$i.warc.gz"
done
"$TAMIS" run -q "$T/many"/* -o "$T/ref"
ref=$(digest "$T/ref")
for k in 1 2 3; do
  rm -rf "$T/k"
  "$TAMIS" run -q "$T/many"/* -o "$T/k" &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  # Nothing incomplete may carry a final name: every part must decompress.
  for f in "$T/k"/part-*.jsonl.zst; do
    [ -e "$f" ] || continue
    zstd -tq "$f" || bad "killed run left a broken $f"
  done
  "$TAMIS" run -q "$T/many"/* -o "$T/k"
  check "[ \"$(digest "$T/k")\" = \"$ref\" ]" "resumed run $k differs from the uninterrupted run"
done

# Memory budget: the smallest budget, with dedup's records all on disk (dedup.mem_mb=0),
# gives the same bytes for -j1 and -j2 as the default run, and the same verified pairs.
"$TAMIS" run -v --set dedup.pairs="$T/pairs-mem.tsv" "$T/many"/* -o "$T/mem" 2>"$T/mem.err"
# The dedup report without the figures that depend on where records are.
ddrep() { grep -o '"documents".*"lines_removed":[0-9]*' "$1" | sed 's/"candidate_pairs":[0-9]*,//'; }
check "grep -q '\"records_on_disk\":0' '$T/mem.err'" "default budget: $(grep dedup "$T/mem.err")"
check "[ \"$(digest "$T/mem")\" = \"$ref\" ]" "pairs run differs from the reference"
for j in 1 2; do
  "$TAMIS" run -v -j$j --mem-mb 160 --set dedup.mem_mb=0 --set dedup.pairs="$T/pairs-disk$j.tsv" \
    "$T/many"/* -o "$T/disk$j" 2>"$T/disk$j.err"; rc=$?
  check "[ $rc -eq 0 ]" "--mem-mb 160 -j$j exit code $rc"
  check "[ \"$(digest "$T/disk$j")\" = \"$ref\" ]" "records on disk, -j$j: output differs"
  check "cmp -s '$T/pairs-mem.tsv' '$T/pairs-disk$j.tsv'" "records on disk, -j$j: pairs differ"
  check "grep -Eq '\"records_on_disk\":[1-9]' '$T/disk$j.err' && [ \"$(ddrep "$T/disk$j.err")\" = \"$(ddrep "$T/mem.err")\" ]" \
    "records on disk, -j$j: report $(grep dedup "$T/disk$j.err") vs $(grep dedup "$T/mem.err")"
done
# The many inputs are 30 copies of two files: every document dedup sees is in a cluster
# of a multiple of 30 copies, so every verified pair count is 30*29/2 per cluster or more.
python3 - "$T/mem.err" "$T/pairs-mem.tsv" <<'PY' && ok || bad "dedup of 30 copies: $(grep dedup "$T/mem.err")"
import json, re, sys
r = json.loads(re.search(r"dedup: (\{.*\})", open(sys.argv[1]).read()).group(1))
pairs = sum(1 for _ in open(sys.argv[2]))
assert r["documents"] % 30 == 0 and r["documents"] == r["documents_in_clusters"], r
assert r["dropped_exact"] + r["dropped_near"] == r["documents"] - r["clusters"], r
assert r["verified_pairs"] == pairs >= r["clusters"] * 435, (r, pairs)
PY
# A kill while the records are on disk, then resume: same bytes.
rm -rf "$T/kd"
"$TAMIS" run -q --mem-mb 160 --set dedup.mem_mb=0 "$T/many"/* -o "$T/kd" &
pid=$!
sleep "0.$((RANDOM % 9 + 1))"
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
"$TAMIS" run -q --mem-mb 160 --set dedup.mem_mb=0 "$T/many"/* -o "$T/kd"
check "[ \"$(digest "$T/kd")\" = \"$ref\" ]" "resumed run with records on disk differs"
check "[ -z \"$(ls "$T/kd/.tamis" | grep -v -E '^level[0-9]+-[0-9]+\.stats$')\" ]" "files left in .tamis: $(ls "$T/kd/.tamis")"
# The budget from a config file; a budget below the minimum is a usage error.
printf '[run]\nmem_mb = 200\n' > "$T/mem.ini"
"$TAMIS" run -q --config "$T/mem.ini" "${IN[@]}" -o "$T/memcfg"; rc=$?
check "[ $rc -eq 0 ] && [ \"$(digest "$T/memcfg")\" = \"$(digest "$T/j1")\" ]" "[run] mem_mb: exit $rc or output differs"
"$TAMIS" run -q --mem-mb 10 "${IN[@]}" -o "$T/memlow" 2>"$T/memlow.err"; rc=$?
check "[ $rc -eq 2 ] && grep -q mem-mb '$T/memlow.err'" "--mem-mb 10: exit $rc, $(cat "$T/memlow.err")"

# SIGINT: exits 130, says so, and leaves no partial shard under a final name.
rm -rf "$T/int"
"$TAMIS" run "$T/many"/* -o "$T/int" 2>"$T/int.err" &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ]; then
  check "grep -q interrupted '$T/int.err'" "SIGINT message"
  check "[ ! -f '$T/int/stats.json' ]" "interrupted run wrote stats.json"
else
  check "[ $rc -eq 0 ]" "SIGINT run exit code $rc" # finished before the signal
fi

# Unwritable output directory: exit 4 with a message naming it.
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
  "$TAMIS" run -q "${IN[@]}" -o "$T/ro/out" 2>"$T/ro.err"; rc=$?
  check "[ $rc -eq 4 ]" "unwritable OUTDIR exit code $rc"
fi
echo x > "$T/afile"
"$TAMIS" run -q "${IN[@]}" -o "$T/afile" 2>"$T/file.err"; rc=$?
check "[ $rc -eq 4 ] && grep -q afile '$T/file.err'" "OUTDIR that is a file: exit $rc, $(cat "$T/file.err")"

# The report renders in headless Chromium, has its charts, and shows stats.json's numbers.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROME" ]; then
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$T/chrome" --dump-dom "file://$T/j1/report.html" >"$T/dom.html" 2>/dev/null
  charts=$(grep -o 'class="chart"' "$T/dom.html" | wc -l)
  check "[ $charts -ge 5 ]" "report has $charts charts, expected >= 5"
  python3 - "$T/dom.html" "$T/j1/stats.json" <<'PY' && ok || bad "report numbers differ from stats.json"
import json, re, sys
dom = open(sys.argv[1]).read()
st = json.load(open(sys.argv[2]))
for key in ("records_in", "written", "dropped", "skipped"):
    m = re.search(r'data-stat="%s">([0-9,]+)<' % key, dom)
    assert m, key
    assert int(m.group(1).replace(",", "")) == st[key], (key, m.group(1), st[key])
for reason, n in st["dropped_by_reason"].items():
    assert re.search(r'data-label="%s" data-value="%d"' % (re.escape(reason), n), dom), reason
PY
else
  echo "skip: chromium not installed (scripts/setup.sh --with-test-tools)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
