#!/usr/bin/env bash
# bench/bench_run.sh — `tamis run` end to end (issue 6): a corpus assembled from
# ../shared/data (WARC of the AEB and trafilatura-eval pages, WET-like text, cc-text-samples
# JSONL) repeated to >= 1 GB uncompressed; MB/s with -j1 and -j2 (scaling ratio), peak RSS
# at the default memory budget and at a small one (MEM_SMALL, default 160 MB, which puts
# dedup's records on disk), share of time per stage; then the kill test (SIGKILL at random
# points, resumed output byte-identical to an uninterrupted run).
# Run by hand: [REPEAT=6] [KILLS=10] [MEM_SMALL=160] bench/bench_run.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
TAMIS="$BUILD/tamis"
SHARED="${TAMIS_SHARED:-$ROOT/../shared}"
W="${BENCH_DIR:-/tmp/tamis-bench-run}"
REPEAT="${REPEAT:-6}"
KILLS="${KILLS:-10}"
MEM_SMALL="${MEM_SMALL:-160}"
mkdir -p "$W/in"
D="$SHARED/data"
if [ ! -f "$W/in/.done-$REPEAT" ]; then
  rm -rf "$W/in"/*
  echo "bench: assembling the corpus (repeat $REPEAT)"
  python3 "$ROOT/bench/make_corpus.py" warc "$W/in/aeb.warc.gz" "$D/article-extraction-benchmark/html" --repeat "$REPEAT"
  python3 "$ROOT/bench/make_corpus.py" warc "$W/in/traf.warc.gz" "$D/trafilatura-eval/html" --repeat "$REPEAT"
  python3 "$ROOT/bench/make_corpus.py" wet "$W/in/aeb.warc.wet.gz" "$D/aeb-wetlike/text" --repeat "$((REPEAT * 10))"
  python3 "$ROOT/bench/make_corpus.py" jsonl "$W/in/cc.jsonl.gz" "$D"/cc-text-samples/*.jsonl.gz --repeat "$((REPEAT * 10))"
  touch "$W/in/.done-$REPEAT"
fi
raw=0
for f in "$W"/in/*.gz; do raw=$((raw + $(zcat "$f" | wc -c))); done
echo "bench: corpus $(du -ch "$W"/in/*.gz | tail -1 | cut -f1) compressed, $((raw / 1000000)) MB uncompressed"

t0=$(date +%s.%N); zcat "$W"/in/*.gz > /dev/null; t1=$(date +%s.%N)
zsec=$(echo "$t1 - $t0" | bc)
echo "bench: floor: zcat of all inputs $zsec s ($(echo "$raw / 1000000 / $zsec" | bc) MB/s)"

# Wall time is what a user waits, but on a shared machine it mostly measures the load.
# So each run also samples every thread's CPU time (/proc/PID/task/*/stat, every 0.2 s):
# the main thread reads, writes and calls observe() in order while the workers run the
# stages; on two idle cores a run takes about max(main thread, all CPU / 2), the
# load-independent estimate of the -j2 speed-up printed below.
run() { # name, tamis run options...
  local name=$1; shift
  rm -rf "$W/out$name"
  python3 - "$W/cpu$name.txt" "$TAMIS" run -q "$@" "$W"/in/*.gz -o "$W/out$name" 2> "$W/err$name.txt" <<'PY'
import os, resource, subprocess, sys, time
p = subprocess.Popen(sys.argv[2:])
tick, last = os.sysconf("SC_CLK_TCK"), {}
while p.poll() is None:
    try:
        for tid in os.listdir("/proc/%d/task" % p.pid):
            f = open("/proc/%d/task/%s/stat" % (p.pid, tid)).read().rsplit(")", 1)[1].split()
            last[int(tid)] = (int(f[11]) + int(f[12])) / tick
    except OSError:
        pass
    time.sleep(0.2)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
main = last.get(p.pid, 0.0)
open(sys.argv[1], "w").write("%.2f %.2f %d\n" % (ru.ru_utime + ru.ru_stime, main, ru.ru_maxrss))
sys.exit(p.returncode)
PY
  local sec cpu main rss
  sec=$(python3 -c "import json;print(json.load(open('$W/out$name/stats.json'))['seconds'])")
  read -r cpu main rss < "$W/cpu$name.txt"
  echo "bench: $*: $sec s wall, $cpu s CPU ($main s on the main thread), $(python3 -c "print(round($raw/1e6/$sec,1))") MB/s wall, $(python3 -c "print(round($raw/1e6/$cpu,1))") MB/s per CPU second, peak RSS $((rss / 1024)) MB"
  eval "sec$name=$sec cpu$name=$cpu main$name=$main"
}
run 1 -j1
run 2 -j2
echo "bench: scaling -j2 vs -j1: $(python3 -c "print(round($sec1/$sec2,2))")x wall; on 2 idle cores about $(python3 -c "print(round($cpu1/max($main2,$cpu2/2),2))")x (-j1 CPU / max(-j2 main thread, -j2 CPU / 2))"
run s -j2 --mem-mb "$MEM_SMALL" -v
grep -o '"records_on_disk":[0-9]*' "$W/errs.txt" | sed 's/^/bench: small budget: dedup /'
python3 - "$W/out1/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
tot = sum(x["seconds"] for x in s["stages"]) or 1
print("bench: records in %d, written %d, dropped %d, skipped %d" % (s["records_in"], s["written"], s["dropped"], s["skipped"]))
print("bench: share of stage time (-j1): " + ", ".join("%s %.0f%%" % (x["name"], 100 * x["seconds"] / tot) for x in s["stages"]))
PY
cmp <(for f in "$W"/out1/part-*; do zstdcat "$f"; done | md5sum) <(for f in "$W"/out2/part-*; do zstdcat "$f"; done | md5sum) \
  && echo "bench: -j1 and -j2 outputs are byte-identical" || echo "bench: -j1 and -j2 outputs DIFFER"
cmp <(for f in "$W"/out1/part-*; do zstdcat "$f"; done | md5sum) <(for f in "$W"/outs/part-*; do zstdcat "$f"; done | md5sum) \
  && echo "bench: --mem-mb $MEM_SMALL output is byte-identical" || echo "bench: --mem-mb $MEM_SMALL output DIFFERS"

# Kill test on a smaller corpus: many shards, SIGKILL at a random point, resume, compare.
mkdir -p "$W/kin"
for i in $(seq -w 1 12); do
  [ -f "$W/kin/a$i.warc.gz" ] || python3 "$ROOT/bench/make_corpus.py" warc "$W/kin/a$i.warc.gz" "$D/article-extraction-benchmark/html"
done
rm -rf "$W/kref"; "$TAMIS" run -q "$W"/kin/*.gz -o "$W/kref"
ref=$(for f in "$W"/kref/part-*; do zstdcat "$f"; done | md5sum)
ok=0
for k in $(seq 1 "$KILLS"); do
  rm -rf "$W/kk"
  "$TAMIS" run -q "$W"/kin/*.gz -o "$W/kk" & pid=$!
  sleep "$(python3 -c "import random;print(round(random.uniform(0.05,3.0),2))")"
  kill -KILL $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  "$TAMIS" run -q "$W"/kin/*.gz -o "$W/kk"
  got=$(for f in "$W"/kk/part-*; do zstdcat "$f"; done | md5sum)
  [ "$got" = "$ref" ] && ok=$((ok + 1))
done
echo "bench: kill test: $ok of $KILLS resumed runs byte-identical to the uninterrupted run"
