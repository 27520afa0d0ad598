#!/bin/bash
# bench_filter.sh — throughput of the filter stage (all quality signals + every rule, one
# core) on real web text from cc-text-samples and aeb-wetlike, next to `wc -w` on the same
# bytes in the same run; then a time budget per MB on adversarial inputs.
#
#   bench/bench_filter.sh [BUILD_DIR]      (default: $TAMIS_BUILD, else ./build)
#   env: TAMIS_SHARED (../shared), REPEAT (corpus copies, 8), PASSES (best of, 5),
#        ADV_MB (size of each adversarial input, 20), BUDGET_S_PER_MB (0.5: 2 MB/s, about 20 times below
#        the rate on web text; a quadratic step would miss it by orders of magnitude),
#        CALLGRIND=1: instead, instructions (valgrind --tool=callgrind) of one pass over
#        one copy of the corpus (4.1 MB), whole run and inside tamis_stage_process,
#        and the stage's share of a second pass: figures the machine's load does not move
# Prints ratios; exits 1 only if an adversarial input exceeds its time budget (a
# pathological slowdown, not a timing regression), 77 if the shared data is absent.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${TAMIS_BUILD:-$SRC/build}}
SHARED=${TAMIS_SHARED:-$SRC/../shared}
REPEAT=${REPEAT:-8}
ADV_MB=${ADV_MB:-20}
BUDGET=${BUDGET_S_PER_MB:-0.5}
[ -d "$SHARED/data/cc-text-samples" ] && [ -d "$SHARED/data/aeb-wetlike" ] || {
    echo "skip: $SHARED/data not found"; exit 77; }
[ -f "$BUILD/libtamis.a" ] || { echo "no $BUILD/libtamis.a: build first"; exit 2; }
export TAMIS_DATA_DIR=${TAMIS_DATA_DIR:-$SRC/data}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Static library, as the tamis CLI links it; its dependencies from the build's tamis.pc.
deps=$(sed -n 's/^Requires.private: //p' "$BUILD/tamis.pc")
cc -O2 -I"$SRC/include" "$SRC/bench/bench_filter.c" "$BUILD/libtamis.a" \
    $(pkg-config --libs $deps) -Wl,--no-as-needed -lcld2_full -Wl,--as-needed -lcld2 \
    -lstdc++ -lpthread -lm -o "$TMP/bench_filter"

# Corpus: every text of cc-text-samples (JSONL "text") and aeb-wetlike, NUL-separated,
# REPEAT times (so that the run lasts long enough to time).
python3 - "$SHARED/data" "$TMP/corpus" "$REPEAT" <<'PY'
import glob, gzip, json, os, sys
root, out, rep = sys.argv[1], sys.argv[2], int(sys.argv[3])
docs = []
for p in sorted(glob.glob(os.path.join(root, "cc-text-samples", "*.jsonl.gz"))):
    with gzip.open(p, "rt", encoding="utf-8") as f:
        docs += [json.loads(l)["text"] for l in f if l.strip()]
for p in sorted(glob.glob(os.path.join(root, "aeb-wetlike", "text", "*.txt"))):
    with open(p, encoding="utf-8") as f:
        docs.append(f.read())
blob = "\0".join(d.replace("\0", "") for d in docs).encode("utf-8")
with open(out, "wb") as f:
    for _ in range(rep):
        f.write(blob + b"\0")
print(f"corpus: {len(docs)} documents x {rep} = {len(blob) * rep / 1e6:.1f} MB")
PY

if [ "${CALLGRIND:-0}" = 1 ]; then
    head -c "$(($(stat -c %s "$TMP/corpus") / REPEAT))" "$TMP/corpus" >"$TMP/corpus1"
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" \
        "$TMP/bench_filter" docs "$TMP/corpus1" 1 >/dev/null 2>"$TMP/cg.log"
    total=$(sed -n 's/.*Collected : //p' "$TMP/cg.log")
    stage=$(callgrind_annotate --inclusive=yes "$TMP/cg.out" 2>/dev/null |
        awk '/:tamis_stage_process / && !n++ {gsub(",", "", $1); print $1}')
    echo "callgrind, one pass over $(stat -c %s "$TMP/corpus1") bytes: $total instructions," \
        "$stage in tamis_stage_process"
    # Two passes: the second one's share of the stage is the steady state, without what
    # a process does once (ICU loads its dictionary engines on first use, about 15 M;
    # class tables and per-thread scratch fill up), which the CPU-time figure, the best
    # of three passes, does not see either.
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg2.out" \
        "$TMP/bench_filter" docs "$TMP/corpus1" 2 >/dev/null 2>"$TMP/cg2.log"
    stage2=$(callgrind_annotate --inclusive=yes "$TMP/cg2.out" 2>/dev/null |
        awk '/:tamis_stage_process / && !n++ {gsub(",", "", $1); print $1}')
    echo "callgrind, second pass: $((stage2 - stage)) instructions in tamis_stage_process"
    exit 0
fi

# CPU seconds (user + system) of a command, best of PASSES (default 5): the machine may
# be shared (on this VM the same pass moves by 20-40 % with the host's load, and three
# passes were sometimes all slowed), and bench_filter also reports its best pass.
export PASSES=${PASSES:-5}
secs() {
    python3 - "$@" <<'PY'
import os, resource, subprocess, sys
best = None
for _ in range(int(os.environ["PASSES"])):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = t if best is None else min(best, t)
print(best)
PY
}
MB=$(stat -c %s "$TMP/corpus" | awk '{print $1 / 1e6}')
out=$("$TMP/bench_filter" docs "$TMP/corpus" "$PASSES")
tam=$(echo "$out" | sed 's/.*MB\/s=//')
wc_c=$(secs env LC_ALL=C wc -w "$TMP/corpus")
wc_u=$(secs env LC_ALL=C.UTF-8 wc -w "$TMP/corpus")
echo "tamis filter (1 core): $out"
printf 'wc -w (LC_ALL=C)       %.1f MB/s\n' "$(echo "$MB / $wc_c" | bc -l)"
printf 'wc -w (LC_ALL=C.UTF-8) %.1f MB/s\n' "$(echo "$MB / $wc_u" | bc -l)"
printf 'ratio tamis / wc -w (C.UTF-8): %.2f   target: >= 50 MB/s per core\n' \
    "$(echo "$tam / ($MB / $wc_u)" | bc -l)"

# Adversarial inputs, one document each.
python3 - "$TMP" "$ADV_MB" <<'PY'
import os, random, sys
d, mb = sys.argv[1], int(sys.argv[2])
n = mb * 1000 * 1000
rnd = random.Random(7)
def fill(unit):
    u = unit.encode("utf-8")
    return (u * (n // len(u) + 1))[:n]
inputs = {
    "empty": b"",
    "one_word": b"a" * n,
    "only_emoji": fill("\U0001F600\U0001F389 "),
    "only_digits": fill("0123456789 42 7\n"),
    "mixed_scripts": fill("Hello Привет 你好世界 مرحبا नमस्ते שלום Γειά "),
    "invalid_utf8": rnd.randbytes(n),
    # every n-gram repeats and the vocabulary is huge: the hash tables' worst case
    "repeated_block": rnd.randbytes(n // 8) * 8,
    "repeated_sentence": fill("The same sentence again and again. "),
    "unique_words": " ".join(f"w{rnd.getrandbits(40):x}" for _ in range(n // 12)).encode()[:n],
    "only_newlines": b"\n" * n,
    "long_lines_no_spaces": fill("x" * 5000 + "\n"),
}
for k, v in inputs.items():
    with open(os.path.join(d, "adv_" + k), "wb") as f:
        f.write(v)
PY
fail=0
for f in "$TMP"/adv_*; do
    name=${f##*/adv_}
    line=$("$TMP/bench_filter" one "$f" 1)
    bytes=$(echo "$line" | sed 's/.*bytes=\([0-9]*\).*/\1/')
    s=$(echo "$line" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
    per=$(echo "if ($bytes > 0) $s / ($bytes / 1000000) else 0" | bc -l)
    verdict=ok
    if [ "$(echo "$per > $BUDGET" | bc -l)" = 1 ]; then verdict=EXCEEDED; fail=1; fi
    printf '%-22s %9.1f MB %8.3f s %8.4f s/MB (budget %s) %s\n' "$name" \
        "$(echo "$bytes / 1000000" | bc -l)" "$s" "$per" "$BUDGET" "$verdict"
done
exit $fail
