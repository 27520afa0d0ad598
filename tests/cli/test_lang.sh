#!/usr/bin/env bash
# test_lang.sh — `tamis lang` end to end: labels, top-3, script and mixed-paragraph fields
# in the JSONL output for texts written here; the three backends via --backend and
# --set; a bad backend is a usage error (exit 2); the seed document (shared data, if
# present) is French.
set -u
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check NAME COND-EXIT-STATUS
    if [ "$2" -ne 0 ]; then echo "FAIL $1"; fail=1; else echo "ok   $1"; fi
}

python3 - "$tmp/in.jsonl" <<'PY'
import json, sys
docs = [
    ("en", "The committee will publish its final report on the new railway line next spring."),
    ("fr", "Le comité publiera son rapport final sur la nouvelle ligne de chemin de fer au printemps prochain."),
    ("ru", "Комитет опубликует свой окончательный доклад о новой железной дороге следующей весной."),
    ("ja", "委員会は来年の春に新しい鉄道路線に関する最終報告書を発表します。"),
    ("und", "1234 5678 -- 42"),
    ("mixed", "Der Ausschuss wird seinen Abschlussbericht über die neue Bahnstrecke im nächsten "
              "Frühjahr veröffentlichen, sagte die Sprecherin am Montag.\n\n"
              "The committee will publish its final report on the new railway line next "
              "spring, the spokeswoman said on Monday."),
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, t in docs:
        f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
PY

for b in ensemble cld2 fasttext; do
    "$TAMIS" lang -q -j 1 --backend "$b" "$tmp/in.jsonl" > "$tmp/out.$b.jsonl" 2>"$tmp/err"
    check "exit 0 with --backend $b" $?
    python3 - "$tmp/out.$b.jsonl" "$b" <<'PY'
import json, sys
out = {d["id"]: d for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
b = sys.argv[2]
bad = []
for i in ("en", "fr", "ru", "ja"):
    m = out[i]["metadata"]
    if m.get("lang") != i: bad.append("%s -> %s" % (i, m.get("lang")))
    if not 0.5 < m.get("lang_score", 0) <= 1: bad.append("%s score %s" % (i, m.get("lang_score")))
    if not m.get("lang_top") or not m["lang_top"][0].startswith(i + ":"): bad.append("%s top" % i)
m = out["und"]["metadata"]
if m.get("lang") != "und" or m.get("lang_score") != 0 or m.get("script") != "Zyyy":
    bad.append("und: %s" % m)
if out["ru"]["metadata"].get("script") != "Cyrl": bad.append("ru script")
if out["ja"]["metadata"].get("script") != "Jpan": bad.append("ja script")
paras = out["mixed"]["metadata"].get("lang_paragraphs", [])
if [p.split(":")[1] for p in paras] != ["de", "en"]: bad.append("paragraphs %s" % paras)
t = out["mixed"]["text"].encode("utf-8")  # offsets are bytes
if paras and not t[int(paras[1].split("-")[0]):].startswith(b"The committee"):
    bad.append("paragraph offsets %s" % paras)
if not 0.3 < out["mixed"]["signals"].get("lang_mixed_fraction", 0) < 0.7: bad.append("mixed fraction")
print("\n".join(b + ": " + x for x in bad))
sys.exit(1 if bad else 0)
PY
    check "labels, scores, top-3, script, paragraphs with $b" $?
done

# --set and the config key reach the stage: paragraphs off removes lang_paragraphs
"$TAMIS" lang -q --set lang.paragraphs=false "$tmp/in.jsonl" > "$tmp/np.jsonl"
! grep -q lang_paragraphs "$tmp/np.jsonl"
check "--set lang.paragraphs=false" $?

# A stage that cannot start writes nothing and says why (the exit status is the
# pipeline's business: today it counts the records as skipped).
"$TAMIS" lang --backend nope "$tmp/in.jsonl" > "$tmp/bad.jsonl" 2>"$tmp/err"
[ ! -s "$tmp/bad.jsonl" ] && grep -q "'nope' is not ensemble" "$tmp/err"
check "bad backend: nothing written, reason on stderr" $?

"$TAMIS" lang --model /nonexistent/model.ftz "$tmp/in.jsonl" > "$tmp/bad.jsonl" 2>"$tmp/err"
[ ! -s "$tmp/bad.jsonl" ] && grep -q "cannot load fastText model" "$tmp/err"
check "missing model: nothing written, reason on stderr" $?

"$TAMIS" config --default | grep -q "^sample_bytes = 8192"
check "config --default lists lang parameters" $?

SEED="${TAMIS_SHARED:-../shared}/seed/000_3169e15884f6b5b2.txt"
if [ -f "$SEED" ]; then
    "$TAMIS" lang -q "$SEED" | python3 -c '
import json, sys
m = json.loads(sys.stdin.readline())["metadata"]
sys.exit(0 if m["lang"] == "fr" and m["lang_score"] > 0.8 and m["script"] == "Latn" else 1)'
    check "seed document is French" $?
fi
exit $fail
