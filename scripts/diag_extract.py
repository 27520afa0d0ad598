#!/usr/bin/env python3
"""diag_extract.py — per-page diagnostic of `tamis extract` on trafilatura-eval.

Reads the per-page outputs that `KEEP=DIR scripts/eval_extract.sh traf` leaves in DIR/traf
and lists, page by page (most errors first), the "with" snippets the output misses and the
"without" snippets it leaks, matched as the shared scorer does (whitespace runs collapsed,
case-sensitive substring). The last line counts pages, misses and leaks.

usage: scripts/diag_extract.py DIR [--top N]
  env TAMIS_SHARED (default ../shared next to the repository)
"""
import argparse
import json
import os
import re
import sys

SPACES = re.compile(r"\s+")


def norm(text):
    return SPACES.sub(" ", text).strip()


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="the KEEP directory of scripts/eval_extract.sh")
    ap.add_argument("--top", type=int, default=0, help="only the N worst pages (0: all)")
    args = ap.parse_args()
    shared = os.environ.get("TAMIS_SHARED", os.path.join(here, "..", "shared"))
    data = os.path.join(shared, "data", "trafilatura-eval", "evaldata.json")
    if not os.path.isfile(data):
        print("no trafilatura-eval data at %s" % data, file=sys.stderr)
        return 77
    with open(data, encoding="utf-8") as f:
        evaldata = json.load(f)
    rows = []
    for item in evaldata.values():
        path = os.path.join(args.dir, "traf", item["file"] + ".txt")
        out = ""
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                out = norm(f.read())
        miss = [s for s in item["with"] if norm(s) not in out]
        leak = [s for s in item["without"] if norm(s) in out]
        if miss or leak:
            rows.append((len(miss) + len(leak), item["file"], miss, leak, len(out)))
    rows.sort(key=lambda r: (-r[0], r[1]))
    for n, name, miss, leak, length in rows[: args.top or None]:
        print("== %s errors=%d output=%d chars" % (name, n, length))
        for s in miss:
            print("  MISS: " + norm(s)[:120])
        for s in leak:
            print("  LEAK: " + norm(s)[:120])
    print("%d pages with errors, %d missed, %d leaked" %
          (len(rows), sum(len(r[2]) for r in rows), sum(len(r[3]) for r in rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
