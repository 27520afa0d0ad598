// bench_extract_readability.js — Readability.js (+ linkedom) over HTML files, one thread:
// prints "pages seconds bytes" for bench_extract.sh. Files are read before the clock
// starts, so only parsing and extraction are timed (as for the other tools).
'use strict';
const fs = require('fs');
const { parseHTML } = require('linkedom');
const { Readability } = require('@mozilla/readability');

const files = process.argv.slice(2);
const pages = files.map((f) => fs.readFileSync(f, 'utf8'));
let bytes = 0;
for (const f of files) bytes += fs.statSync(f).size;
const t0 = process.hrtime.bigint();
let chars = 0;
for (const html of pages) {
  try {
    const { document } = parseHTML(html);
    const art = new Readability(document).parse();
    if (art && art.textContent) chars += art.textContent.length;
  } catch (e) {
    // a page the tool cannot handle counts as done (empty output), as in the benchmarks
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`${files.length} ${secs.toFixed(3)} ${bytes} ${chars}\n`);
