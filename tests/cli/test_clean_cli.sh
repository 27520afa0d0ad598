#!/usr/bin/env bash
# test_clean_cli.sh — `tamis clean` from the command line: --explain lists every line of
# the seed with KEEP/DROP, the same output for -j1 and -j2, --corpus drops the sidebar
# lines the two advocatesaz.org pages of the dolma dedup fixture share, an empty and an
# only-boilerplate record are dropped with clean_empty and counted, a 50 MB line passes.
set -u
: "${TAMIS:?}" "${TAMIS_SHARED:?}"
[ -f "$TAMIS_SHARED/seed/000_3169e15884f6b5b2.txt" ] || { echo "skip: no shared data"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() { if eval "$1"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2" >&2; fi; }
field() { python3 -c "import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l); print(eval(sys.argv[2]))" "$1" "$2"; }

SEED=$TAMIS_SHARED/seed/000_3169e15884f6b5b2.txt
"$TAMIS" clean -q --explain "$SEED" > "$T/explain.jsonl"; rc=$?
check "[ $rc -eq 0 ]" "--explain exit code $rc"
field "$T/explain.jsonl" "d['text']" > "$T/explain.txt"
nonblank=$(grep -c . "$SEED")
check "[ $(grep -c '^KEEP ' "$T/explain.txt") -eq 6 ]" "explain: 6 KEEP lines"
check "[ $(grep -c '^DROP ' "$T/explain.txt") -eq $((nonblank - 6)) ]" "explain: every other line DROP"
check "grep -q '^DROP related' '$T/explain.txt' && grep -q '^DROP byline' '$T/explain.txt'" \
    "explain names the rules"

# Same bytes whatever the thread count.
"$TAMIS" clean -q -j1 "$TAMIS_SHARED"/data/aeb-wetlike/text/*.txt > "$T/j1.jsonl"
"$TAMIS" clean -q -j2 "$TAMIS_SHARED"/data/aeb-wetlike/text/*.txt > "$T/j2.jsonl"
check "cmp -s '$T/j1.jsonl' '$T/j2.jsonl'" "-j1 and -j2 differ"
check "[ $(wc -l < "$T/j1.jsonl") -eq 136 ]" "136 aeb pages written"

# Corpus mode on real crawl text: the two advocatesaz.org pages share sidebar lines. The
# per-document list rule would remove those sidebars too; it is off so that corpus mode is
# tested on its own.
DD=$TAMIS_SHARED/data/cc-text-samples/dolma-deduper/documents-000.json.gz
NOLIST="--set clean.list_run=0 --set clean.list_run_edge=0"
"$TAMIS" clean -q --keep-dropped $NOLIST "$DD" > "$T/plain.jsonl"
"$TAMIS" clean -q --keep-dropped --corpus --corpus-min-docs 2 $NOLIST "$DD" > "$T/corpus.jsonl"; rc=$?
check "[ $rc -eq 0 ]" "--corpus exit code $rc"
check "[ \"$(field "$T/plain.jsonl" "d.get('removed_lines',{}).get('corpus_repeated',0)" | sort -u)\" = 0 ]" \
    "no corpus_repeated without --corpus"
rep=$(field "$T/corpus.jsonl" "d.get('removed_lines',{}).get('corpus_repeated',0)" | head -2 | tr '\n' ' ')
check "[ \"$rep\" = '2 2 ' ]" "corpus mode: 2 shared lines removed from docs 1 and 2 (got $rep)"

# Bad input: empty text, only boilerplate, invalid UTF-8, one 50 MB line.
printf '{"id":"empty","text":""}\n{"id":"bp","text":"Skip to content\\nMenu\\nShare this\\n[ad_1]\\nBack to top"}\n' > "$T/bad.jsonl"
printf 'The council met on Tuesday evening to discuss the budget, which has been delayed twice since spring. \xff\xfe\n' >> "$T/bad.txt"
"$TAMIS" clean -q --keep-dropped --stats "$T/stats.json" "$T/bad.jsonl" > "$T/bad.out"; rc=$?
check "[ $rc -eq 0 ]" "bad input exit code $rc"
check "[ \"$(field "$T/bad.out" "d['decision'] + ' ' + d['reasons'][0].split(':')[0]" | sort -u)\" = 'drop clean_empty' ]" \
    "empty and boilerplate-only records dropped as clean_empty"
check "python3 -c \"import json; s=json.load(open('$T/stats.json')); assert s['records_in']==2 and s['dropped']==2, s\"" \
    "stats account for both records"
"$TAMIS" clean -q "$T/bad.txt" > "$T/utf8.out"; rc=$?
check "[ $rc -eq 0 ] && python3 -c \"import json; d=json.loads(open('$T/utf8.out').readline()); assert '\ufffd' in d['text']\"" \
    "invalid UTF-8 replaced, exit $rc"
python3 -c "import sys; sys.stdout.write('The committee will publish its report in the spring and invite comments from residents. ' * 560000)" > "$T/huge.txt"
"$TAMIS" clean -q "$T/huge.txt" > "$T/huge.out"; rc=$?
check "[ $rc -eq 0 ] && [ $(stat -c %s "$T/huge.out") -gt 45000000 ]" "50 MB line kept, exit $rc"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
