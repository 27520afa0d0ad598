#!/usr/bin/env bash
# scripts/quickstart.sh — the README's first command: install what is missing (Debian +
# npm), build tamis, and run its main job (`tamis run`) on the bundled example data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
echo "quickstart: building (Release) in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
if ! cmake --build build -j"$(nproc)" >build/build.log 2>&1; then
  tail -n 40 build/build.log
  echo "quickstart: build failed (full log: build/build.log)"
  exit 1
fi
OUT="$ROOT/out/example-run"
rm -rf "$OUT"
echo "quickstart: tamis run examples/pages.warc.gz examples/articles.jsonl.gz -o out/example-run"
./build/tamis run examples/pages.warc.gz examples/articles.jsonl.gz -o "$OUT"
echo
echo "quickstart: output files:"
ls -l "$OUT"
echo
echo "quickstart: first kept document (part-00000):"
zstdcat "$OUT/part-00000.jsonl.zst" 2>/dev/null | head -n 1 | cut -c1-1200 || true
echo
echo "quickstart: statistics: $OUT/stats.json   report: $OUT/report.html"
