#!/usr/bin/env bash
# test_filter.sh — `tamis filter` end to end: reasons with values, every failing rule,
# thresholds from --set, from flags and from a config file, per-language overrides,
# --remove-lines, `tamis config --default`, and the keep decision on human-labelled web
# text (dclm-quality-labels, when $TAMIS_SHARED has it).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2], got [$3]"; fails=$((fails + 1)); fi
}
field() { python3 -c "import json,sys; d=json.loads(sys.stdin.readline()); print($1)"; }

good="The committee met on Tuesday to discuss the budget for the coming year. Members agreed that the library and the two parks need more money than they received last year. The proposal will go to the full council next month, where it is expected to pass. Residents who want to speak about it can sign up at the town hall. The meeting was calm and ended early."
printf '{"text":"%s"}\n{"text":"Buy now\\nBuy now\\nBuy now"}\n' "$good" >"$tmp/in.jsonl"

"$TAMIS" filter -q "$tmp/in.jsonl" >"$tmp/kept.jsonl"
check "exit code" 0 $?
check "one document kept" 1 "$(wc -l <"$tmp/kept.jsonl")"
check "kept has signals" 67 "$(field 'd["signals"]["word_count"]' <"$tmp/kept.jsonl")"

"$TAMIS" filter -q --keep-dropped "$tmp/in.jsonl" >"$tmp/all.jsonl"
sed -n 2p "$tmp/all.jsonl" >"$tmp/bad.jsonl"
check "dropped decision" drop "$(field 'd["decision"]' <"$tmp/bad.jsonl")"
check "first reason with value and threshold" "gopher_min_words: 6 < 50" \
    "$(field 'd["reasons"][0]' <"$tmp/bad.jsonl")"
check "every failing rule" 1 "$(field 'int(all(any(r.startswith(k + ":") for r in d["reasons"]) for k in ["gopher_min_stop_words", "gopher_max_dup_line_frac", "c4_min_sentences", "fineweb_char_dup_ratio"]))' <"$tmp/bad.jsonl")"

# thresholds: --set, a flag, a config file; each filter can be switched off
"$TAMIS" filter -q --set filter.gopher_min_words=100 "$tmp/in.jsonl" >"$tmp/o1.jsonl"
check "--set raises min words" 0 "$(wc -l <"$tmp/o1.jsonl")"
"$TAMIS" filter -q --min-words 100 "$tmp/in.jsonl" >"$tmp/o2.jsonl"
check "--min-words flag" 0 "$(wc -l <"$tmp/o2.jsonl")"
printf '[filter]\ngopher_min_words = 100\n' >"$tmp/cfg.ini"
"$TAMIS" filter -q --config "$tmp/cfg.ini" "$tmp/in.jsonl" >"$tmp/o3.jsonl"
check "config file" 0 "$(wc -l <"$tmp/o3.jsonl")"
"$TAMIS" filter -q --gopher false --repetition false --c4 false --fineweb false "$tmp/in.jsonl" >"$tmp/o4.jsonl"
check "all filters off keeps everything" 2 "$(wc -l <"$tmp/o4.jsonl")"
"$TAMIS" filter -q --set filter.no_such_rule=1 "$tmp/in.jsonl" >/dev/null 2>"$tmp/err"
check "unknown parameter exit code" 2 $?

# per-language overrides (the document's metadata.lang comes from `tamis lang`)
printf '{"text":"%s"}\n' "$good" | "$TAMIS" lang -q - >"$tmp/lang.jsonl" 2>/dev/null
check "lang stage labels en" en "$(field 'd["metadata"]["lang"]' <"$tmp/lang.jsonl")"
"$TAMIS" filter -q --set 'filter.lang_overrides=en.gopher_min_words=100' "$tmp/lang.jsonl" >"$tmp/o5.jsonl"
check "override for en applies" 0 "$(wc -l <"$tmp/o5.jsonl")"
"$TAMIS" filter -q --set 'filter.lang_overrides=de.gopher_min_words=100' "$tmp/lang.jsonl" >"$tmp/o6.jsonl"
check "override for de does not" 1 "$(wc -l <"$tmp/o6.jsonl")"
printf '[filter]\nlang_overrides = en.gopher_min_words=100; en.c4=false\n' >"$tmp/cfg2.ini"
"$TAMIS" filter -q --config "$tmp/cfg2.ini" "$tmp/lang.jsonl" >"$tmp/o7.jsonl"
check "override from a config file" 0 "$(wc -l <"$tmp/o7.jsonl")"
# the natural forms: --set filter.lang.LANG.KEY=V and a [filter.lang.LANG] section; they
# add to the default overrides (zh/ja/... mean word length) instead of replacing them
"$TAMIS" filter -q --keep-dropped --set filter.lang.en.gopher_min_words=100 "$tmp/lang.jsonl" >"$tmp/o10.jsonl"
check "--set filter.lang.en.KEY" "gopher_min_words: 67 < 100" "$(field 'd["reasons"][0]' <"$tmp/o10.jsonl")"
"$TAMIS" filter -q --set filter.lang.de.gopher_min_words=100 "$tmp/lang.jsonl" >"$tmp/o11.jsonl"
check "--set filter.lang.de.KEY leaves en alone" 1 "$(wc -l <"$tmp/o11.jsonl")"
printf '[filter]
gopher_min_words = 100

[filter.lang.en]
gopher_min_words = 60
c4 = false
' >"$tmp/cfg3.ini"
"$TAMIS" filter -q --config "$tmp/cfg3.ini" "$tmp/lang.jsonl" >"$tmp/o12.jsonl"
check "[filter.lang.en] section lowers en's threshold" 1 "$(wc -l <"$tmp/o12.jsonl")"
"$TAMIS" filter -q --config "$tmp/cfg3.ini" "$tmp/in.jsonl" >"$tmp/o13.jsonl"
check "[filter] threshold still applies without a language" 0 "$(wc -l <"$tmp/o13.jsonl")"
"$TAMIS" filter -q --set filter.lang.en.gopher_min_words=abc "$tmp/lang.jsonl" 2>"$tmp/err2" >/dev/null
check "bad per-language value exit code" 2 $?
check "bad per-language value message" "tamis: filter.lang.en.gopher_min_words: 'abc' is not a valid int" "$(cat "$tmp/err2")"
"$TAMIS" filter -q --set filter.lang.en.languages=de "$tmp/lang.jsonl" 2>/dev/null >/dev/null
check "string parameter per language refused" 2 $?
"$TAMIS" filter -q --languages de,fr "$tmp/lang.jsonl" >"$tmp/o8.jsonl"
check "--languages drops en" 0 "$(wc -l <"$tmp/o8.jsonl")"

# C4 line removal: the kept text loses its menu lines, counted by rule
printf '{"text":"Home\\nAbout us\\n%s\\nPlease enable JavaScript to view the comments.\\nSee more..."}\n' "$good" >"$tmp/menu.jsonl"
"$TAMIS" filter -q --remove-lines --fineweb false "$tmp/menu.jsonl" >"$tmp/o9.jsonl"
check "remove-lines text" "$good" "$(field 'd["text"]' <"$tmp/o9.jsonl")"
check "removed_lines counts" "{'c4_terminal_punct': 3, 'c4_javascript': 1}" "$(field 'd.get("removed_lines")' <"$tmp/o9.jsonl")"

# every threshold is printed by `tamis config --default`
"$TAMIS" config --default --stage filter >"$tmp/def.ini"
check "config lists thresholds" 3 "$(grep -c -E '^(gopher_min_words = 50|fineweb_line_punct_thr = 0.12|gopher_max_dup_10gram = 0.10)$' "$tmp/def.ini")"

# human-labelled web text: the default decision must beat keeping everything
if [ -f "${TAMIS_SHARED:-}/data/dclm-quality-labels/majority_data.jsonl" ]; then
    d=$TAMIS_SHARED/data/dclm-quality-labels
    "$TAMIS" filter -q --keep-dropped "$d/majority_data.jsonl" >"$tmp/dclm.jsonl"
    python3 "$TAMIS_SRC/scripts/eval_quality.py" majority "$d/majority_data.jsonl" "$tmp/dclm.jsonl" >"$tmp/eval.md"
    row=$(grep '^| tamis default' "$tmp/eval.md")
    p=$(echo "$row" | cut -d'|' -f4 | tr -d ' ')
    r=$(echo "$row" | cut -d'|' -f5 | tr -d ' ')
    check "dclm precision >= 0.70 (keep-all: 0.537)" 1 "$(python3 -c "print(int($p >= 0.70))")"
    check "dclm recall >= 0.65" 1 "$(python3 -c "print(int($r >= 0.65))")"
    echo "     dclm majority: precision $p recall $r"
fi
[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
