#!/usr/bin/env python3
"""make_read_corpus.py — inputs for bench_read.sh, assembled from $TAMIS_SHARED data:

  warc OUT MB   a WARC.gz of roughly MB megabytes (compressed): every article-extraction-
                benchmark page wrapped as a WARC response record (HTTP head + HTML), one
                gzip member per record as crawlers write them, the whole set repeated
  jsonl OUT MB  a plain JSONL file of roughly MB megabytes: the cc-text-samples lines
                repeated (ids made unique per repetition)
"""
import gzip
import glob
import os
import sys
import uuid


def warc(shared, out, mb):
    pages = sorted(glob.glob(os.path.join(shared, "data/article-extraction-benchmark/html/*.html")))
    one = []
    for i, p in enumerate(pages):
        html = open(p, "rb").read()
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Content-Length: %d\r\n\r\n" % len(html)) + html
        head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://bench.test/%d\r\n"
                "WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                % (i, uuid.UUID(int=i), len(http))).encode()
        one.append(gzip.compress(head + http + b"\r\n\r\n", 6))
    blob = b"".join(one)
    reps = max(1, int(mb * 1e6 / len(blob)))
    with open(out, "wb") as f:
        for _ in range(reps):
            f.write(blob)
    print("%s: %d records, %.0f MB" % (out, reps * len(pages), reps * len(blob) / 1e6))


def jsonl(shared, out, mb):
    lines = []
    for p in sorted(glob.glob(os.path.join(shared, "data/cc-text-samples/*.jsonl.gz"))):
        lines += gzip.open(p, "rb").read().splitlines()
    blob = b"\n".join(lines) + b"\n"
    reps = max(1, int(mb * 1e6 / len(blob)))
    with open(out, "wb") as f:
        for r in range(reps):
            f.write(blob.replace(b'"id":"', b'"id":"%d-' % r))
    print("%s: %d lines, %.0f MB" % (out, reps * len(lines), os.path.getsize(out) / 1e6))


if __name__ == "__main__":
    shared = os.environ.get("TAMIS_SHARED", os.path.join(os.path.dirname(__file__), "../../shared"))
    kind, out, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    (warc if kind == "warc" else jsonl)(shared, out, mb)
