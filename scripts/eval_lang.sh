#!/bin/bash
# eval_lang.sh — language-ID accuracy (per set and macro average) and speed of tamis's
# CLD2, fastText and ensemble backends next to langdetect and the fastText CLI, in one run,
# on lingua-testdata and udhr (51 languages every peer supports; docs/lang.md).
#
#   scripts/eval_lang.sh [BUILD_DIR]     (default: $TAMIS_BUILD, else ./build)
#   env: TAMIS_SHARED (../shared), LANGDETECT_MAX (texts per language and set for
#        langdetect, which runs at ~500 texts/s; 0 = all, the default)
# Prints a Markdown table. Exits 77 if the shared data is absent.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${TAMIS_BUILD:-$SRC/build}}
SHARED=${TAMIS_SHARED:-$SRC/../shared}
export TAMIS_DATA_DIR=${TAMIS_DATA_DIR:-$SRC/data}
MODEL=$TAMIS_DATA_DIR/models/lid.176.ftz
[ -d "$SHARED/data/lingua-testdata" ] && [ -f "$SHARED/data/udhr/udhr.jsonl" ] || {
    echo "skip: $SHARED/data not found"; exit 77; }
[ -f "$BUILD/libtamis.so" ] || { echo "no $BUILD/libtamis.so: build first"; exit 2; }
[ -f "$MODEL" ] || { echo "no $MODEL: run scripts/setup.sh"; exit 2; }
command -v fasttext >/dev/null || { echo "no fasttext CLI (Debian package fasttext)"; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -I"$SRC/include" "$SRC/bench/bench_lang.c" -L"$BUILD" -ltamis \
    -Wl,-rpath,"$BUILD" -o "$TMP/bench_lang"
# langdetect is the Debian package: use the system interpreter that has it.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" "$SRC/scripts/eval_lang.py" "$TMP/bench_lang" "$SHARED" "$MODEL"
