#!/usr/bin/env python3
"""eval_quality.py — precision and recall of tamis's keep decision against human labels.

Reads the labelled JSONL (dclm-quality-labels: {"text", "label"}, 1 = good) and the
output of `tamis filter --keep-dropped` on it (same order; ids end in "#<line>"), and
prints, for the default decision, for each filter alone (a document is kept by a filter
when none of its rules is among the reasons) and for each rule: kept documents, precision
and recall of "keep" against label 1, and how many of the documents a rule drops are
labelled bad.
"""
import json
import sys

GROUPS = {
    "gopher_quality": lambda r: r.startswith("gopher_") and not r.startswith(
        ("gopher_max_dup_", "gopher_max_top_")),
    "gopher_repetition": lambda r: r.startswith(("gopher_max_dup_", "gopher_max_top_")),
    "c4": lambda r: r.startswith("c4_"),
    "fineweb": lambda r: r.startswith("fineweb_"),
}


def load(labels_path, out_path):
    labels = [json.loads(l)["label"] for l in open(labels_path, encoding="utf-8") if l.strip()]
    rules = [None] * len(labels)
    for line in open(out_path, encoding="utf-8"):
        d = json.loads(line)
        idx = int(d["id"].rsplit("#", 1)[1]) - 1
        rules[idx] = [r.split(":", 1)[0] for r in d.get("reasons", [])]
    missing = sum(r is None for r in rules)
    if missing:
        sys.exit(f"{out_path}: {missing} documents missing from the output")
    return labels, rules


def score(labels, keep):
    tp = sum(1 for y, k in zip(labels, keep) if k and y == 1)
    fp = sum(1 for y, k in zip(labels, keep) if k and y == 0)
    fn = sum(1 for y, k in zip(labels, keep) if not k and y == 1)
    tn = sum(1 for y, k in zip(labels, keep) if not k and y == 0)
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * p * r / (p + r) if p + r else float("nan")
    acc = (tp + tn) / len(labels)
    return tp + fp, p, r, f1, acc


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: eval_quality.py NAME LABELS.jsonl TAMIS_OUTPUT.jsonl")
    name, labels_path, out_path = sys.argv[1:]
    labels, rules = load(labels_path, out_path)
    n, good = len(labels), sum(labels)
    print(f"\n## {name}: {n} documents, {good} labelled good ({good / n:.1%})\n")
    print("| decision | kept | precision | recall | F1 | accuracy |")
    print("|---|---|---|---|---|---|")
    rows = [("keep everything", [True] * n), ("tamis default (all filters)", [not r for r in rules])]
    for g, match in GROUPS.items():
        rows.append((f"{g} alone", [not any(match(x) for x in r) for r in rules]))
    for label, keep in rows:
        k, p, r, f1, acc = score(labels, keep)
        print(f"| {label} | {k} | {p:.3f} | {r:.3f} | {f1:.3f} | {acc:.3f} |")
    print("\n| rule | drops | of which labelled bad |")
    print("|---|---|---|")
    counts = {}
    for y, r in zip(labels, rules):
        for x in set(r):
            c = counts.setdefault(x, [0, 0])
            c[0] += 1
            c[1] += y == 0
    for x, (d, bad) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
        print(f"| {x} | {d} | {bad} ({bad / d:.0%}) |")


if __name__ == "__main__":
    main()
