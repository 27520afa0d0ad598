#!/bin/bash
# bench_lang.sh — language-ID speed of the lang stage (one core, CPU time, best of 3 runs
# as the machine may be shared) for each backend on lingua-testdata sentences (51
# languages), next to the fastText CLI and langdetect in the same run; MB/s on web
# documents (cc-text-samples, paragraph labels on); then a time budget per MB on
# adversarial inputs (one 20 MB word, only emoji, only digits, mixed scripts, invalid
# UTF-8, many tiny paragraphs).
#
#   bench/bench_lang.sh [BUILD_DIR]        (default: $TAMIS_BUILD, else ./build)
#   env: TAMIS_SHARED (../shared), ADV_MB (size of each adversarial input, 20),
#        BUDGET_S_PER_MB (0.2), LANGDETECT_N (sentences for langdetect, 2000),
#        RUNS (CPU-time runs per backend, best kept: 5), INSTR (1: also count
#        instructions per sentence with callgrind on every 4th sentence, when valgrind is
#        installed; 0: skip). Instruction counts do not depend on the machine's load.
# Prints ratios; exits 1 only if an adversarial input exceeds its time budget (a
# pathological slowdown, not a timing regression), 77 if the shared data is absent.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${TAMIS_BUILD:-$SRC/build}}
SHARED=${TAMIS_SHARED:-$SRC/../shared}
ADV_MB=${ADV_MB:-20}
BUDGET=${BUDGET_S_PER_MB:-0.2}
LD_N=${LANGDETECT_N:-2000}
RUNS=${RUNS:-5}
INSTR=${INSTR:-1}
export TAMIS_DATA_DIR=${TAMIS_DATA_DIR:-$SRC/data}
MODEL=$TAMIS_DATA_DIR/models/lid.176.ftz
[ -d "$SHARED/data/lingua-testdata" ] || { echo "skip: $SHARED/data not found"; exit 77; }
[ -f "$BUILD/libtamis.so" ] || { echo "no $BUILD/libtamis.so: build first"; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -I"$SRC/include" "$SRC/bench/bench_lang.c" -L"$BUILD" -ltamis \
    -Wl,-rpath,"$BUILD" -o "$TMP/bench_lang"

LANGS="af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja ko lt lv mk
mr nb nl pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh"
for l in $LANGS; do cat "$SHARED/data/lingua-testdata/sentences/$l.txt"; done > "$TMP/s.txt"
tr '\n' '\0' < "$TMP/s.txt" > "$TMP/s.nul"
N=$(wc -l < "$TMP/s.txt")
echo "corpus: $N lingua-testdata sentences, 51 languages, $(wc -c < "$TMP/s.txt") bytes"

rate() { sed -n 's/.*texts_per_s \([0-9]*\).*/\1/p'; }
# (bench_lang's second stderr line is the stage report: how often CLD2 and fastText ran)
# Runs interleave the backends, so that a change in the machine's load hits all of them.
declare -A R
for b in cld2 fasttext ensemble; do R[$b]=0; done
for run in $(seq "$RUNS"); do
    for b in cld2 fasttext ensemble; do
        r=$("$TMP/bench_lang" $b "$TMP/s.nul" 2>&1 >/dev/null | rate)
        [ "$r" -gt "${R[$b]}" ] && R[$b]=$r
    done
done
for b in cld2 fasttext ensemble; do
    printf '  tamis %-9s %8s sentences/s (CPU time, 1 core, best of %s)\n' "$b" "${R[$b]}" "$RUNS"
done
# Instructions per sentence inside the stage's process call (model load excluded), a
# measure the shared machine's load does not move: the ensemble against CLD2 alone.
if [ "$INSTR" = 1 ] && command -v valgrind >/dev/null; then
    awk 'NR % 4 == 1' "$TMP/s.txt" | tr '\n' '\0' > "$TMP/s4.nul"
    N4=$(awk 'NR % 4 == 1' "$TMP/s.txt" | wc -l)
    declare -A I
    for b in cld2 ensemble; do
        I[$b]=$(valgrind --tool=callgrind --toggle-collect=lang_process \
            --callgrind-out-file=/dev/null "$TMP/bench_lang" $b "$TMP/s4.nul" 2>&1 >/dev/null |
            sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
        printf '  tamis %-9s %8s instructions/sentence (callgrind, %s sentences)\n' "$b" \
            "$((I[$b] / N4))" "$N4"
    done
    python3 -c "print('  instructions ensemble/cld2 %.3f' % (${I[ensemble]} / ${I[cld2]}))"
fi
if command -v fasttext >/dev/null && [ -f "$MODEL" ]; then
    # model load measured on a one-line input and subtracted
    echo x > "$TMP/one.txt"
    t0=$(date +%s.%N); fasttext predict "$MODEL" "$TMP/one.txt" 1 >/dev/null; t1=$(date +%s.%N)
    fasttext predict "$MODEL" "$TMP/s.txt" 1 >/dev/null; t2=$(date +%s.%N)
    FT=$(python3 -c "print(round($N/max(1e-9,($t2-$t1)-($t1-$t0))))")
    printf '  fasttext CLI    %8s sentences/s (wall, model load subtracted)\n' "$FT"
fi
if /usr/bin/python3 -c 'import langdetect' 2>/dev/null; then
    LD=$(head -n "$LD_N" "$TMP/s.txt" | /usr/bin/python3 -c '
import sys, time
from langdetect import DetectorFactory, detect
DetectorFactory.seed = 0
lines = sys.stdin.read().splitlines()
detect("warm up")
t = time.process_time()
for l in lines:
    try: detect(l)
    except Exception: pass
print(round(len(lines) / (time.process_time() - t)))')
    printf '  langdetect      %8s sentences/s (CPU time, first %s sentences)\n' "$LD" "$LD_N"
fi
python3 - "${R[cld2]}" "${R[fasttext]}" "${R[ensemble]}" "${LD:-0}" <<'PY'
import sys
c, f, e, ld = (float(x) for x in sys.argv[1:])
print("ratios: ensemble/cld2 %.2f, ensemble/fasttext %.2f, ensemble/target(100000) %.2f%s"
      % (e / c, e / f, e / 100000, ", ensemble/langdetect %.0fx" % (e / ld) if ld else ""))
PY

# Web documents (cc-text-samples, JSONL "text"): MB/s with paragraph labels on.
if [ -d "$SHARED/data/cc-text-samples" ]; then
    python3 - "$SHARED/data/cc-text-samples" "$TMP/cc.nul" <<'PY'
import glob, gzip, json, os, sys
docs = []
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl.gz"))):
    with gzip.open(p, "rt", encoding="utf-8") as f:
        docs += [json.loads(l)["text"] for l in f if l.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\0".join(d.replace("\0", "") for d in docs))
PY
    for b in cld2 ensemble; do
        line=$("$TMP/bench_lang" $b "$TMP/cc.nul" paragraphs 2>&1 >/dev/null)
        printf '  web docs %-9s %s\n' "$b" "$(echo "$line" | head -1 | sed 's/.*texts_per_s/docs\/s/')"
    done
fi

# Adversarial inputs, ADV_MB each, one document per file.
python3 - "$TMP" "$ADV_MB" <<'PY'
import os, random, sys
tmp, mb = sys.argv[1], int(sys.argv[2])
n = mb << 20
rnd = random.Random(7)
def write(name, data):
    with open(os.path.join(tmp, "adv_" + name), "wb") as f:
        f.write(data[:n])
write("one_word", b"abcdefghij" * (n // 10 + 1))
write("emoji", "\U0001F600\U0001F389 ".encode() * (n // 9 + 1))
write("digits", b"0123456789 " * (n // 11 + 1))
pool = "aéжλאعअ中あ한ไ" + " "
write("mixed_scripts", "".join(rnd.choice(pool) for _ in range(n // 2)).encode() * 2)
write("invalid_utf8", bytes(rnd.getrandbits(8) for _ in range(n)))
write("tiny_paragraphs", b"ab\n\nxy\n\n" * (n // 8 + 1))
write("many_paragraphs", ("Le comit\u00e9 publiera son rapport final au printemps.\n\n"
                          "The committee will publish its final report next spring.\n\n")
      .encode() * (n // 114 + 1))
PY
fail=0
for f in "$TMP"/adv_*; do
    name=${f##*/adv_}
    line=$("$TMP/bench_lang" ensemble "$f" labels paragraphs one 2>&1 >"$TMP/out") || {
        echo "  $name: CRASH or error: $line"; fail=1; continue; }
    secs=$(echo "$line" | sed -n 's/.*cpu_seconds \([0-9.]*\).*/\1/p')
    label=$(cut -f1 "$TMP/out")
    verdict=$(python3 -c "s=$secs/$ADV_MB; print('%.4f s/MB %s' % (s, 'ok' if s <= $BUDGET else 'OVER BUDGET'))")
    printf '  adversarial %-16s lang=%-4s %s (budget %s s/MB)\n' "$name" "$label" "$verdict" "$BUDGET"
    case $verdict in *OVER*) fail=1 ;; esac
done
exit $fail
