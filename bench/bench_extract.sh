#!/usr/bin/env bash
# bench_extract.sh — single-thread extraction speed of `tamis extract` next to
# readability-lxml (Debian python3-readability) and Readability.js (npm
# @mozilla/readability + linkedom) on the same pages in the same run, and next to the
# physical floor of libxml2's HTML parser alone (xmllint --html --noout would print; here
# the python lxml parse of the same bytes). Prints pages/s, MB/s and tamis/peer ratios.
#
# usage: bench/bench_extract.sh [aeb|traf] [repeats]
#   env TAMIS (binary, default build/tamis), TAMIS_SHARED (default ../shared).
# Never fails on timings: exit 0 unless a tool is missing (77 = skipped, no data).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TAMIS=$(readlink -f "${TAMIS:-$here/build/tamis}")
SHARED=${TAMIS_SHARED:-$here/../shared}
which=${1:-aeb}
reps=${2:-3}
case $which in
    aeb) dir=$SHARED/data/article-extraction-benchmark/html ;;
    traf) dir=$SHARED/data/trafilatura-eval/html ;;
    *) echo "usage: $0 [aeb|traf] [repeats]" >&2; exit 2 ;;
esac
[ -d "$dir" ] || { echo "no data at $dir" >&2; exit 77; }
mapfile -d '' files < <(find "$dir" -maxdepth 1 -type f -print0 | sort -z)
n=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)
py=/usr/bin/python3 # Debian's python, where python3-readability and python3-lxml live

best() { sort -n | head -1; }
rate() { awk -v n="$n" -v b="$bytes" -v s="$1" 'BEGIN{printf "%8.1f pages/s %7.2f MB/s (%.3f s)", n/s, b/s/1e6, s}'; }

# tamis: wall time of the whole command (reading files included), best of $reps.
cat "${files[@]}" > /dev/null # warm the page cache for every tool alike
t_tamis=$(for _ in $(seq "$reps"); do
    s=$(date +%s.%N); "$TAMIS" extract -q -j 1 -o /dev/null "${files[@]}"; e=$(date +%s.%N)
    echo "$e - $s" | bc; done | best)

t_lxml=$("$py" - "${files[@]}" <<'PY'
import sys, time
import lxml.html
pages = [open(f, "rb").read() for f in sys.argv[1:]]
t = time.perf_counter()
for p in pages:
    try:
        lxml.html.document_fromstring(p)
    except Exception:
        pass
print("%.3f" % (time.perf_counter() - t))
PY
)

t_rl=$("$py" - "${files[@]}" <<'PY'
import sys, time, logging
logging.disable(logging.CRITICAL)
from readability import Document
pages = [open(f, "rb").read() for f in sys.argv[1:]]
t = time.perf_counter()
for p in pages:
    try:
        Document(p).summary()
    except Exception:
        pass
print("%.3f" % (time.perf_counter() - t))
PY
)

t_rjs=
if [ -d "$here/node_modules/@mozilla/readability" ] && [ -d "$here/node_modules/linkedom" ]; then
    t_rjs=$(cd "$here" && node bench/bench_extract_readability.js "${files[@]}" | awk '{print $2}')
fi

echo "bench_extract: $which, $n pages, $bytes bytes, one thread"
echo "  tamis extract      $(rate "$t_tamis")"
echo "  lxml parse only    $(rate "$t_lxml")   (libxml2 DOM via lxml: parser floor, no extraction)"
echo "  readability-lxml   $(rate "$t_rl")"
[ -n "$t_rjs" ] && echo "  Readability.js     $(rate "$t_rjs")"
awk -v a="$t_tamis" -v b="$t_rl" 'BEGIN{printf "  ratio tamis/readability-lxml = %.1fx\n", b/a}'
[ -n "$t_rjs" ] && awk -v a="$t_tamis" -v b="$t_rjs" 'BEGIN{printf "  ratio tamis/Readability.js  = %.1fx\n", b/a}'
awk -v a="$t_tamis" -v b="$t_lxml" 'BEGIN{printf "  ratio tamis/lxml-parse-only = %.2fx\n", b/a}'
