#!/usr/bin/env python3
"""bench/make_corpus.py — assemble benchmark inputs from ../shared/data (never committed).

  make_corpus.py warc OUT.warc.gz HTML_DIR... [--repeat N]   HTML files as WARC response
                                                              records, one gzip member each
  make_corpus.py wet OUT.warc.wet.gz TEXT_DIR... [--repeat N] text files as WET conversion records
  make_corpus.py jsonl OUT.jsonl.gz JSONL_GZ... [--repeat N]  JSONL files concatenated

Records are numbered so that repeats have distinct URLs and ids (the dedup stage sees the
repeats as exact duplicates, as it should)."""
import gzip, hashlib, io, os, sys, uuid

def warc_record(rtype, uri, block, content_type, n):
    rid = uuid.UUID(bytes=hashlib.md5(f"{uri}#{n}".encode()).digest())
    head = (f"WARC/1.1\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"

def files(dirs):
    out = []
    for d in dirs:
        out += sorted(os.path.join(d, f) for f in os.listdir(d))
    return out

def main():
    kind, out, *rest = sys.argv[1:]
    repeat = 1
    if "--repeat" in rest:
        i = rest.index("--repeat")
        repeat = int(rest[i + 1])
        rest = rest[:i] + rest[i + 2:]
    n = 0
    with open(out, "wb") as f:
        if kind == "jsonl":
            with gzip.open(f, "wb", compresslevel=6) as g:
                for r in range(repeat):
                    for path in rest:
                        with gzip.open(path, "rb") as src:
                            g.write(src.read())
            return
        for r in range(repeat):
            for path in files(rest):
                body = open(path, "rb").read()
                name = os.path.basename(path)
                if kind == "warc":
                    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                    rec = warc_record("response", f"http://bench.example/{r}/{name}", http,
                                      "application/http; msgtype=response", n)
                else:
                    rec = warc_record("conversion", f"http://bench.example/{r}/{name}", body,
                                      "text/plain", n)
                f.write(gzip.compress(rec, compresslevel=6))
                n += 1

if __name__ == "__main__":
    main()
