#!/usr/bin/env bash
# test_dedup_cli.sh — `tamis dedup`: the sharded steps give the same output as the
# all-in-one command and as the corpus stage; spilled sort runs change nothing; thread
# count changes nothing; parameter mismatches between steps are refused.
set -u
: "${TAMIS:?}" "${TAMIS_SHARED:?}"
corpus="$TAMIS_SHARED/data/neardup-dev/corpus.jsonl"
[ -r "$corpus" ] || { echo "skip: $corpus not found"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

# two shards: the first 2000 documents and the rest
head -n 2000 "$corpus" > "$t/s0.jsonl"
tail -n +2001 "$corpus" > "$t/s1.jsonl"

# 1. all in one
"$TAMIS" dedup -q --pairs "$t/pairs.tsv" -o "$t/all.jsonl" "$t/s0.jsonl" "$t/s1.jsonl" \
  || bad "all-in-one exit $?"
n_all=$(wc -l < "$t/all.jsonl")
n_pairs=$(wc -l < "$t/pairs.tsv")
# 4301 documents, 1293 sources: survivors between the source count and the input
if [ "$n_all" -ge 1293 ] && [ "$n_all" -lt 4301 ]; then ok "all-in-one keeps $n_all"; else bad "all-in-one keeps $n_all"; fi
if [ "$n_pairs" -gt 9000 ] && awk -F'\t' 'NF != 3 || $3 < 0.8 || $3 > 1 { exit 1 }' "$t/pairs.tsv"; then
  ok "pairs: $n_pairs lines of id, id, similarity >= 0.8"
else
  bad "pairs file ($n_pairs lines)"
fi

# 2. sharded steps, 3 partitions, two shards
set -e
"$TAMIS" dedup signatures -q -j 1 --shard 0 -o "$t/0.sig" "$t/s0.jsonl"
"$TAMIS" dedup signatures -q --shard 1 -o "$t/1.sig" "$t/s1.jsonl"
for p in 0 1 2; do
  "$TAMIS" dedup buckets -q --partitions 3 --partition $p -o "$t/e$p.tsv" "$t/0.sig" "$t/1.sig"
done
"$TAMIS" dedup cluster -q --pairs "$t/pairs2.tsv" --edges "$t/e0.tsv" --edges "$t/e1.tsv" \
  --edges "$t/e2.tsv" -o "$t/clusters.tsv" "$t/0.sig" "$t/1.sig"
"$TAMIS" dedup filter -q --clusters "$t/clusters.tsv" --shard 0 -o "$t/out0.jsonl" "$t/s0.jsonl"
"$TAMIS" dedup filter -q --clusters "$t/clusters.tsv" --shard 1 -o "$t/out1.jsonl" "$t/s1.jsonl"
set +e
# signatures are computed by threads over batches: the file does not depend on -j
"$TAMIS" dedup signatures -q -j 3 --shard 0 -o "$t/0j3.sig" "$t/s0.jsonl"
cmp -s "$t/0.sig" "$t/0j3.sig" && ok "signatures -j1 == -j3" || bad "signatures depend on -j"
if cat "$t/out0.jsonl" "$t/out1.jsonl" | cmp -s - "$t/all.jsonl"; then ok "sharded == all-in-one"; else bad "sharded output differs"; fi
if cmp -s <(sort "$t/pairs.tsv") <(sort "$t/pairs2.tsv"); then ok "sharded pairs == all-in-one pairs"; else bad "pairs differ"; fi
head -c 200 "$t/e0.tsv" | grep -q '^#tamis-dedup-edges' && ok "edges header" || bad "edges header"
grep -q $'^#shard\tseq\tid\tcluster\tsize\tkeep\texact' "$t/clusters.tsv" && ok "clusters header" || bad "clusters header"

# 3. a 1 MB sort buffer in one partition spills runs (64 k entries): same result
"$TAMIS" dedup -q --partitions 1 --mem-mb 1 -o "$t/spill.jsonl" "$t/s0.jsonl" "$t/s1.jsonl" \
  && cmp -s "$t/spill.jsonl" "$t/all.jsonl" && ok "external sort == in-memory sort" || bad "spilled runs differ"

# 4. the corpus stage (through the pipeline) gives the same clusters; -j does not matter
for j in 1 2; do
  "$TAMIS" dedup -q -j $j --lines --set dedup.line_threshold=1000000000 -o "$t/stage$j.jsonl" \
    "$t/s0.jsonl" "$t/s1.jsonl" || bad "stage mode -j $j exit $?"
done
cmp -s "$t/stage1.jsonl" "$t/all.jsonl" && ok "corpus stage == sharded steps" || bad "stage output differs"
cmp -s "$t/stage1.jsonl" "$t/stage2.jsonl" && ok "-j1 == -j2" || bad "thread count changes output"

# 5. annotations: every dropped document names a kept representative
"$TAMIS" dedup -q --keep-dropped -o "$t/kd.jsonl" "$t/s0.jsonl" "$t/s1.jsonl"
python3 - "$t/kd.jsonl" <<'EOF' && ok "dup_cluster annotations consistent" || bad "annotations"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
kept = {d["id"] for d in docs if d.get("decision", "keep") == "keep"}
n_drop = 0
for d in docs:
    dc = d.get("dup_cluster")
    if d.get("decision") == "drop":
        n_drop += 1
        assert dc and not dc["keep"] and dc["size"] >= 2, d["id"]
        assert dc["id"] in kept, (d["id"], dc["id"])
        assert d["reasons"][0].split(":")[0] in ("dup_exact", "dup_near"), d["reasons"]
assert n_drop > 1000, n_drop
EOF

# 6. bad input: empty file, empty and tiny documents
: > "$t/empty.jsonl"
"$TAMIS" dedup -q -o "$t/e.jsonl" "$t/empty.jsonl" && [ ! -s "$t/e.jsonl" ] && ok "empty input" || bad "empty input"
for i in $(seq 1 300); do echo '{"id":"e'$i'","text":""}'; echo '{"id":"s'$i'","text":"too short"}'; done > "$t/tiny.jsonl"
"$TAMIS" dedup -q --set dedup.exact=false -o "$t/tiny_out.jsonl" "$t/tiny.jsonl" \
  && [ "$(wc -l < "$t/tiny_out.jsonl")" -eq 600 ] && ok "short docs never near-merged" || bad "short docs merged"

# 7. steps made with other parameters are refused (exit 2)
"$TAMIS" dedup buckets -q --bands 9 --rows 13 --partition 0 -o "$t/x.tsv" "$t/0.sig" 2>/dev/null
[ $? -eq 2 ] && ok "parameter mismatch refused" || bad "parameter mismatch accepted"
"$TAMIS" dedup buckets -q --partition 0 -o "$t/x.tsv" "$t/s0.jsonl" 2>/dev/null
[ $? -eq 3 ] && ok "non-signature file refused" || bad "non-signature file accepted"

"$TAMIS" config --default --stage dedup | grep -q '^bands = 14' && ok "config lists dedup.bands" || bad "config"

echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
