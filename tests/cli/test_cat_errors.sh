#!/usr/bin/env bash
# test_cat_errors.sh — `tamis cat` / `tamis stats` on hand-made bad input: one stderr
# message per bad record naming file, offset and record; exit 0 (1 with --strict);
# in = written + dropped + skipped; stats JSON counts; output compression by name.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2], got [$3]"; fails=$((fails + 1)); fi
}
printf '{"text":"one"}\n{"text": nope\n{"text":"three"}\nnot json\n{"text":"five"}\n' >"$tmp/in.jsonl"
"$TAMIS" cat --no-payload --stats "$tmp/st.json" "$tmp/in.jsonl" >"$tmp/out.jsonl" 2>"$tmp/err"
check "exit code" 0 $?
check "written lines" 3 "$(wc -l <"$tmp/out.jsonl")"
check "one message per bad line" 2 "$(grep -c '(skipped)' "$tmp/err")"
check "message names file, offset, line" 1 \
    "$(grep -c "in.jsonl: offset 15, record 2: malformed record" "$tmp/err")"
check "stats in" 1 "$(grep -c '"records_in":5,"written":3,"dropped":0,"skipped":2' "$tmp/st.json")"
"$TAMIS" cat -q --strict "$tmp/in.jsonl" >/dev/null 2>&1
check "--strict exit code" 1 $?

# Truncated gzip WARC: the good record comes out, the cut one is one TRUNCATED message.
rec() { printf 'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://t.test/%s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' "$1" "${#2}" "$2"; }
{ rec a "first body" | gzip -c; rec b "$(head -c 3000 /dev/zero | tr '\0' x)" | gzip -c | head -c 60; } >"$tmp/cut.warc.gz"
"$TAMIS" cat --no-payload "$tmp/cut.warc.gz" >"$tmp/out2.jsonl" 2>"$tmp/err2"
check "cut gzip exit code" 0 $?
check "cut gzip records" 1 "$(wc -l <"$tmp/out2.jsonl")"
check "cut gzip message" 1 "$(grep -c 'record 2: truncated input' "$tmp/err2")"
"$TAMIS" stats "$tmp/cut.warc.gz" >"$tmp/stats.json" 2>/dev/null
check "stats json" 1 "$(grep -c '"records_in":2,"delivered":1,"skipped":1' "$tmp/stats.json")"
check "stats by type" 1 "$(grep -c '"by_warc_type":{"resource":1}' "$tmp/stats.json")"

# Output compressed by its name, readable again.
"$TAMIS" cat -q "$tmp/in.jsonl" -o "$tmp/o.jsonl.gz" 2>/dev/null
check "gzip output" 3 "$(zcat "$tmp/o.jsonl.gz" | wc -l)"
"$TAMIS" cat -q "$tmp/o.jsonl.gz" -o "$tmp/o2.jsonl.zst" 2>/dev/null
check "re-read gzip, zstd output" 3 "$(zstd -dc "$tmp/o2.jsonl.zst" | grep -c '"text":"')"
"$TAMIS" cat -q /nonexistent/file.warc >/dev/null 2>&1
check "missing input exit code" 3 $?
[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]
