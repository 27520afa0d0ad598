#!/usr/bin/env python3
"""fixture_truth.py — the true content of every file in $TAMIS_SHARED/data/warc-fixtures,
derived without tamis: python's zlib for gzip members, then a structural scan (records
start at a "WARC/<version>" line at the start of the stream or after a blank line; ARC
records at a header line "URL IP 14-digit-date type length" after a blank line), so a
wrong Content-Length cannot hide a record. Writes one golden file per fixture:

    in N          records tamis must account for (written + skipped)
    written N     records delivered (every WARC/ARC record type: `tamis cat` shows all)
    skipped N     records reported as bad
    url U         one line per delivered record, in order ("-" when it has none)

and checks the counts against the fixture README's own record counts.
usage: fixture_truth.py SHARED_DIR OUT_DIR
"""
import os
import re
import sys
import zlib


def decompress(data):
    """Concatenated gzip members -> (bytes, truncated?)."""
    if data[:2] != b"\x1f\x8b":
        return data, False
    out, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 2] != b"\x1f\x8b":
            break  # trailing bytes
        d = zlib.decompressobj(31)
        out.append(d.decompress(data[pos:]))
        if not d.eof:
            return b"".join(out), True
        pos = len(data) - len(d.unused_data)
    return b"".join(out), False


def norm_url(u):
    u = u.strip()
    if u.startswith("<") and u.endswith(">"):
        u = u[1:-1]
    return "".join("%%%02X" % ord(c) if ord(c) <= 0x20 or ord(c) == 0x7F else c for c in u)


WARC_START = re.compile(rb"(?:\A|\n\r?\n)(WARC/[0-9][0-9.]*\r?\n)")


def warc_truth(data, truncated):
    starts = [m.start(1) for m in WARC_START.finditer(data)]
    recs = []
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[s:end]
        sep = re.search(rb"\r?\n\r?\n", chunk)
        head = chunk[:sep.start()] if sep else chunk
        body_len = len(chunk) - (sep.end() if sep else len(chunk))
        fields = {}
        for line in head.split(b"\n")[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                fields[k.strip().lower()] = v.strip().decode("utf-8", "replace")
        cl = int(fields.get(b"content-length", "0") or 0)
        last = i + 1 == len(starts)
        # Only the last record can be cut short; in a cut gzip stream that is an error.
        bad = last and truncated and body_len < cl
        url = fields.get(b"warc-target-uri")
        recs.append((bad, norm_url(url) if url else "-"))
    return recs


ARC_HEAD = re.compile(rb"^(\S.*) (\S+) ([0-9]{14,}) (\S+) (\S+)\r?$")


def arc_truth(data):
    recs = []
    lines = data.split(b"\n")
    prev_blank = True
    for ln in lines:
        m = ARC_HEAD.match(ln)
        if m and prev_blank and b":" in m.group(1):
            url = m.group(1).decode("utf-8", "replace")
            recs.append((False, "-" if url.startswith("filedesc://") else norm_url(url)))
        prev_blank = ln.strip(b"\r") == b""
    return recs


# Record counts the fixture README states (total records, all types).
README_COUNTS = {
    "resiliparse/warcfile.warc.gz": 50, "dolma/sample-0000.warc.gz": 48,
    "dolma/sample-0001.warc.gz": 34, "whirlwind/whirlwind.warc.gz": 4,
    "whirlwind/whirlwind.warc.wet.gz": 2, "whirlwind/whirlwind.warc.wat.gz": 2,
    "jwarc/cc.warc.gz": 1, "resiliparse/block-sized-records.warc.gz": 3,
    "jwarc/gzip_extra_sl.warc.gz": 1, "cc_net/sample.warc.txt": 4,
    "resiliparse/clipped.warc.gz": 1, "resiliparse/clueweb-quirk.warc.gz": 30,
    "warcio/example-trunc.warc": 4, "warcio/bad.arc": 4,
}


def main():
    shared, out = sys.argv[1], sys.argv[2]
    root = os.path.join(shared, "data", "warc-fixtures")
    ok = True
    for d in sorted(os.listdir(root)):
        if not os.path.isdir(os.path.join(root, d)):
            continue
        for f in sorted(os.listdir(os.path.join(root, d))):
            rel = d + "/" + f
            data, trunc = decompress(open(os.path.join(root, rel), "rb").read())
            recs = arc_truth(data) if data.startswith(b"filedesc://") else warc_truth(data, trunc)
            n_bad = sum(1 for b, _ in recs if b)
            want = README_COUNTS.get(rel)
            if want is not None and want != len(recs):
                print("MISMATCH with README: %s: %d records, README says %d" % (rel, len(recs), want))
                ok = False
            with open(os.path.join(out, rel.replace("/", "__") + ".golden"), "w") as g:
                g.write("in %d\nwritten %d\nskipped %d\n" % (len(recs), len(recs) - n_bad, n_bad))
                for bad, url in recs:
                    if not bad:
                        g.write("url %s\n" % url)
            print("%-45s %3d records, %d bad" % (rel, len(recs), n_bad))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
