#!/usr/bin/env python3
"""make_dedup_corpus.py — synthetic dedup corpus of N documents built from real texts.

Reads the sentences of a JSONL corpus (default: neardup-dev's corpus.jsonl, read at run
time, never copied into the project) and writes N JSONL documents:
  - 75 % "distinct": 6-14 sentences drawn at random from the pool (real word statistics;
    two such documents share a sentence now and then, as pages of one site do),
  - 20 % near-duplicates of an earlier document: 1-5 % of the words dropped, doubled or
    replaced, sometimes cut at a sentence end or wrapped in a boilerplate line,
  - 5 % exact copies of an earlier document.
Deterministic for a seed. Prints the counts of each kind on stderr.

usage: make_dedup_corpus.py N OUT.jsonl [--source corpus.jsonl] [--seed 1]
"""
import argparse
import json
import random
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--source", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pool = []
    with open(a.source, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text", "")
            for s in re.split(r"(?<=[.!?])\s+|\n+", text):
                if len(s.split()) >= 5:
                    pool.append(s.strip())
    pool = sorted(set(pool))
    rng.shuffle(pool)
    keep = []  # recent documents available as originals (bounded: memory stays small)
    counts = {"distinct": 0, "near": 0, "exact": 0}
    boiler = ["Share this article", "Read more:", "Advertisement", "Subscribe to our newsletter",
              "Back to top", "All rights reserved."]
    with open(a.out, "w", encoding="utf-8") as out:
        for i in range(a.n):
            r = rng.random()
            if keep and r < 0.05:
                text = rng.choice(keep)
                counts["exact"] += 1
            elif keep and r < 0.25:
                words = rng.choice(keep).split(" ")
                n_ed = max(1, int(len(words) * rng.uniform(0.01, 0.05)))
                for _ in range(n_ed):
                    j = rng.randrange(len(words))
                    op = rng.random()
                    if op < 0.4 and len(words) > 10:
                        del words[j]
                    elif op < 0.7:
                        words.insert(j, words[j])
                    else:
                        words[j] = rng.choice(pool).split(" ")[0]
                text = " ".join(words)
                if rng.random() < 0.2:
                    text = rng.choice(boiler) + "\n" + text + "\n" + rng.choice(boiler)
                counts["near"] += 1
            else:
                k = rng.randint(6, 14)
                text = "\n".join(pool[rng.randrange(len(pool))] for _ in range(k))
                counts["distinct"] += 1
            if len(keep) < 20000:
                keep.append(text)
            else:
                keep[rng.randrange(len(keep))] = text
            out.write(json.dumps({"id": f"syn-{i:07d}", "text": text}, ensure_ascii=False))
            out.write("\n")
    print(f"{a.n} documents from {len(pool)} sentences: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
