#!/usr/bin/env bash
# bench_parse.sh — libxml2 (as tamis drives it, bare SAX, DOM) next to gumbo on the
# article-extraction-benchmark and trafilatura-eval pages, in the same run: CPU time,
# pages/s, MB/s, visible words and pages > 5 % off the DOM's words (bench_parse.c); then
# the ceilings: depth reached on a 10 000-deep <div> nesting and time + peak RSS on a
# 50 MB page (aeb pages' bodies concatenated). Never fails on timings; exit 77 without the
# shared data.
#   bench/bench_parse.sh [BUILD_DIR] [REPS]     env: TAMIS_SHARED
# gumbo is only a benchmark peer (tamis does not link it): Debian's libgumbo-dev is
# installed here when missing, the way bench_extract.sh brings its peers.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${TAMIS_BUILD:-$SRC/build}}
REPS=${2:-3}
SHARED=${TAMIS_SHARED:-$SRC/../shared}
AEB=$SHARED/data/article-extraction-benchmark/html
TRAF=$SHARED/data/trafilatura-eval/html
[ -d "$AEB" ] && [ -d "$TRAF" ] || { echo "skip: $SHARED/data not found"; exit 77; }
[ -f "$BUILD/libtamis.a" ] || { echo "no $BUILD/libtamis.a: build first"; exit 2; }
if ! pkg-config --exists gumbo; then
    echo "installing libgumbo-dev (benchmark peer only)" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y libgumbo-dev >/dev/null
    else sudo apt-get install -y libgumbo-dev >/dev/null; fi
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# the static library: bench_parse calls the parser adapter (src/html), not the public API
cc -O2 -D_GNU_SOURCE -I"$SRC/src" -I"$SRC/include" $(pkg-config --cflags libxml-2.0 gumbo) \
    "$SRC/bench/bench_parse.c" "$BUILD/libtamis.a" -o "$TMP/bench_parse" \
    $(pkg-config --libs libxml-2.0 zlib libzstd libxxhash libutf8proc icu-uc icu-i18n \
        uchardet libisal libbrotlidec fasttext gumbo) -lcld2 -lstdc++ -lpthread -lm
B=$TMP/bench_parse

echo "== aeb (136 pages) + trafilatura-eval (742 pages), one thread"
nice -n 5 "$B" pages "$REPS" "$AEB" "$TRAF"
echo
echo "== aeb only"
nice -n 5 "$B" pages "$REPS" "$AEB"

echo
echo "== 10 000-deep <div> nesting (then one <p> after it)"
for p in tamis dom gumbo; do "$B" deep 10000 "$p" || echo "$p: exit $?"; done

# 50 MB of real markup: the aeb pages' <body> parts, one after the other, in one page
python3 - "$AEB" "$TMP/big.html" <<'PY'
import glob, re, sys
bodies = []
for f in sorted(glob.glob(sys.argv[1] + "/*")):
    s = open(f, "rb").read()
    m = re.search(rb"<body[^>]*>(.*)</body>", s, re.S | re.I)
    if m:
        bodies.append(m.group(1))
with open(sys.argv[2], "wb") as out:
    out.write(b"<!doctype html><html><head><meta charset=utf-8><title>big</title></head><body>")
    n = 0
    while n < 50_000_000:
        for b in bodies:
            out.write(b)
            n += len(b)
            if n >= 50_000_000:
                break
    out.write(b"</body></html>")
PY
echo
echo "== one 50 MB page (tamis: the extract stage's 16 MiB ceiling applies); peak RSS"
for p in tamis dom gumbo; do
    /usr/bin/time -f "$p peak RSS %M KB" "$B" big "$TMP/big.html" "$p" 2>&1 || echo "$p: exit $?"
done
echo "tamis without the ceiling (extract.max_bytes = 0):"
NO_CEILING=1 /usr/bin/time -f "tamis peak RSS %M KB" "$B" big "$TMP/big.html" tamis 2>&1
