#!/usr/bin/env bash
# test_extract.sh — `tamis extract` end to end: a hand-written page against hand-written
# expected text (plain and Markdown) and metadata; the per-record outcome of an empty page;
# WARC input with windows-1251 and EUC-JP responses (shared warc-fixtures); and accuracy
# on five article-extraction-benchmark pages against their gold article body (scored by
# the shared scorer, every page must keep precision and recall >= 0.9).
set -u
G="$TAMIS_SRC/tests/golden/extract"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=$((fail + 1)); fi; }
json() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print($2)" "$1"; }

# 1. hand-written page: text, Markdown, metadata
"$TAMIS" extract -q "$G/article.html" -o "$tmp/a.jsonl"
check "exit code 0" "[ $? -eq 0 ]"
json "$tmp/a.jsonl" "d['text']" > "$tmp/a.txt"
check "plain text equals article.expected.txt" "diff -u '$G/article.expected.txt' '$tmp/a.txt'"
"$TAMIS" extract -q --markdown "$G/article.html" | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['text'])" > "$tmp/a.md"
check "markdown equals article.expected.md" "diff -u '$G/article.expected.md' '$tmp/a.md'"
check "title" "[ \"\$(json $tmp/a.jsonl \"d['metadata']['title']\")\" = 'Harbour bridge reopens after repairs' ]"
check "author" "[ \"\$(json $tmp/a.jsonl \"d['metadata']['author']\")\" = 'Sam Rivers' ]"
check "date" "[ \"\$(json $tmp/a.jsonl \"d['metadata']['date']\")\" = '2024-05-06T07:30:00+02:00' ]"
check "site" "[ \"\$(json $tmp/a.jsonl \"d['metadata']['site']\")\" = 'Coastal Courier' ]"
"$TAMIS" extract -q --comments "$G/article.html" | grep -q "waiting for this bridge"
check "--comments keeps the comment section" "[ $? -eq 0 ]"

# 2. empty page: dropped with extract_empty, counted in --stats
"$TAMIS" extract -q --keep-dropped --stats "$tmp/stats.json" "$G/empty.html" "$G/article.html" -o "$tmp/e.jsonl"
check "empty page dropped as extract_empty" "grep -q '\"extract_empty: ' '$tmp/e.jsonl'"
check "stats: 2 in, 1 dropped" "python3 -c \"import json,sys; s=json.load(open('$tmp/stats.json')); sys.exit(not ('2' in json.dumps(s) and 'extract_empty' in json.dumps(s)))\""

# 3. WARC input with legacy charsets (skipped when the shared data is absent)
R="${TAMIS_SHARED:-../shared}/data/warc-fixtures/resiliparse"
if [ -d "$R" ]; then
    "$TAMIS" extract -q --keep-dropped "$R/warcfile.warc.gz" "$R/clueweb-quirk.warc.gz" -o "$tmp/w.jsonl"
    check "warc: windows-1251 page decoded" "grep -q 'Стратегия пожарной безопасности' '$tmp/w.jsonl'"
    check "warc: EUC-JP page decoded" "grep -q 'アイテム詳細情報' '$tmp/w.jsonl'"
    python3 - "$tmp/w.jsonl" > "$tmp/w.count" <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
print(len(docs), sum("\ufffd" in d.get("text", "") for d in docs))
PY
    read -r n_docs n_bad < "$tmp/w.count"
    check "warc: one output per HTML response (45)" "[ '$n_docs' -eq 45 ]"
    check "warc: no U+FFFD in any text" "[ '$n_bad' -eq 0 ]"
else
    echo "skip warc checks: $R not found"
fi

# 4. accuracy on five benchmark pages (gold article bodies), via the shared scorer
A="${TAMIS_SHARED:-../shared}/data/article-extraction-benchmark"
S="${TAMIS_SHARED:-../shared}/tools/score_extraction.py"
if [ -d "$A" ] && [ -f "$S" ]; then
    mkdir -p "$tmp/aeb/pred" "$tmp/aeb/data"
    ids="042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856 098bb3e96c0acdf36efdcde45fb9cca3f8c82c7cb2071b76097a1b96155f1eb2 0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2 14cc2a0ca59c62a8c9f205a171e9ccf4ef4cf69b0c642f51c8c65c051b39024f 1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892"
    python3 - "$A/ground-truth.json" "$tmp/aeb/data/ground-truth.json" $ids <<'PY'
import json, sys
gt = json.load(open(sys.argv[1]))
json.dump({i: gt[i] for i in sys.argv[3:]}, open(sys.argv[2], "w"))
PY
    for i in $ids; do
        "$TAMIS" extract -q "$A/html/$i.html" | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['text'])" > "$tmp/aeb/pred/$i.txt"
    done
    python3 "$S" --bench aeb --data "$tmp/aeb/data" --pred "$tmp/aeb/pred" --per-page "$tmp/aeb/pp.tsv" > "$tmp/aeb/score"
    cat "$tmp/aeb/score"
    check "aeb: every page P and R >= 0.9" "awk -F'\t' 'NR>1 && (\$2 < 0.9 || \$3 < 0.9) {bad=1; print} END {exit bad}' '$tmp/aeb/pp.tsv'"
else
    echo "skip aeb checks: $A not found"
fi

[ $fail -eq 0 ] && echo "all passed" || echo "$fail failed"
exit $((fail > 0))
