#!/usr/bin/env bash
# bench_read.sh — read-layer throughput against physical floors, in the same run:
#   1. WARC.gz iteration: `tamis stats FILE` (every record decompressed, parsed, HTTP
#      decoded) vs `zcat FILE > /dev/null` (decompression alone). Target ratio >= 1.0.
#      Also the same with TAMIS_INFLATE=zlib, to show what ISA-L buys.
#   2. JSONL parse + write: `tamis cat --no-payload FILE -o /dev/null` vs `wc -w FILE`.
#      Target: no slower than wc -w (ratio >= 1.0).
#   3. Peak RSS of `tamis stats` on two WARC sizes (should be flat).
# Run by hand: bench/bench_read.sh [BUILD_DIR] [MB]. Prints MB/s and ratios; never fails on
# timings. Needs $TAMIS_SHARED (default ../shared) for the source pages.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
mb=${2:-400}
tamis=$build/tamis
export TAMIS_SHARED=${TAMIS_SHARED:-$here/../../shared}
[ -x "$tamis" ] || { echo "no tamis binary at $tamis"; exit 2; }
[ -d "$TAMIS_SHARED/data/article-extraction-benchmark" ] || { echo "skip: no shared data"; exit 77; }
work=${BENCH_DIR:-$(mktemp -d)}
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT

small=$((mb / 4))
[ -f "$work/big.warc.gz" ] || python3 "$here/make_read_corpus.py" warc "$work/big.warc.gz" "$mb"
[ -f "$work/small.warc.gz" ] || python3 "$here/make_read_corpus.py" warc "$work/small.warc.gz" "$small"
[ -f "$work/big.jsonl" ] || python3 "$here/make_read_corpus.py" jsonl "$work/big.jsonl" "$mb"

# best-of-3 wall time of a command, in seconds
best() {
    local b=999999
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        e=$(date +%s.%N)
        b=$(echo "$e - $s" | bc -l | awk -v b="$b" '{print ($1 < b) ? $1 : b}')
    done
    echo "$b"
}
mbs() { awk -v s="$1" -v f="$2" 'BEGIN{printf "%.0f", (f/1e6)/s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

w=$work/big.warc.gz
wsz=$(stat -c %s "$w")
echo "== WARC.gz iteration ($((wsz / 1000000)) MB compressed, $(nproc) cores)"
t_zcat=$(best sh -c "zcat '$w' > /dev/null")
t_tamis=$(best "$tamis" stats -q "$w")
t_zlib=$(best env TAMIS_INFLATE=zlib "$tamis" stats -q "$w")
echo "zcat > /dev/null          ${t_zcat}s  $(mbs "$t_zcat" "$wsz") MB/s (compressed)"
echo "tamis stats (ISA-L)       ${t_tamis}s  $(mbs "$t_tamis" "$wsz") MB/s"
echo "tamis stats (zlib)        ${t_zlib}s  $(mbs "$t_zlib" "$wsz") MB/s"
echo "ratio zcat/tamis (ISA-L)  $(ratio "$t_zcat" "$t_tamis")   (target >= 1.0)"
echo "ratio zcat/tamis (zlib)   $(ratio "$t_zcat" "$t_zlib")"

j=$work/big.jsonl
jsz=$(stat -c %s "$j")
echo "== JSONL parse + write ($((jsz / 1000000)) MB)"
t_wc=$(best wc -w "$j")
t_cat=$(best "$tamis" cat -q --no-payload "$j" -o /dev/null)
echo "wc -w                     ${t_wc}s  $(mbs "$t_wc" "$jsz") MB/s"
echo "tamis cat -o /dev/null    ${t_cat}s  $(mbs "$t_cat" "$jsz") MB/s"
echo "ratio wc/tamis            $(ratio "$t_wc" "$t_cat")   (target >= 1.0)"

echo "== peak RSS of tamis stats (flat in input size)"
for f in "$work/small.warc.gz" "$w"; do
    rss=$(/usr/bin/time -v "$tamis" stats -q "$f" 2>&1 >/dev/null | awk '/Maximum resident/{print $6}')
    echo "$(($(stat -c %s "$f") / 1000000)) MB input: ${rss} KB"
done
