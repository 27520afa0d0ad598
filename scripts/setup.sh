#!/usr/bin/env bash
# scripts/setup.sh - install what tamis needs to build, test and run on Debian 12.
#
#   scripts/setup.sh [--with-test-tools] [--skip-apt] [--skip-npm]
#
# 1. Debian packages: installs only the missing ones (apt-get update + install
#    --no-install-recommends). Run as root; otherwise it prints the sudo line
#    to run and exits 2.
# 2. npm packages (package.json / package-lock.json in the project root):
#    fasttext.wasm.js (ships the fastText lid.176.ftz model) and stopwords-iso.
# 3. data/models/lid.176.ftz  (copied from node_modules, sha256-checked)
#    data/stopwords/<lang>.txt (one word per line, from stopwords-iso's JSON)
#
# Idempotent: running it again changes nothing and downloads nothing from apt.
# Exit codes: 0 ok, 1 failure, 2 not root while Debian packages are missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

LID_SHA256="8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"
LID_IN_PKG="node_modules/fasttext.wasm.js/dist/models/language-identification/assets/lid.176.ftz"
LID_DEST="data/models/lid.176.ftz"
STOPWORDS_JSON="node_modules/stopwords-iso/stopwords-iso.json"
STOPWORDS_DIR="data/stopwords"

BASE_PKGS=(build-essential cmake pkg-config clang libclang-rt-14-dev
  libxml2-dev zlib1g-dev libzstd-dev libxxhash-dev libutf8proc-dev libicu-dev
  libuchardet-dev libcld2-dev libfasttext-dev libisal-dev libbrotli-dev
  nodejs npm python3 fasttext)
TEST_PKGS=(python3-langdetect python3-readability chromium hyperfine libgumbo-dev)

with_test_tools=0
skip_apt=0
skip_npm=0

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

for arg in "$@"; do
  case "$arg" in
    --with-test-tools) with_test_tools=1 ;;
    --skip-apt) skip_apt=1 ;;
    --skip-npm) skip_npm=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup: unknown option: $arg (see --help)" >&2; exit 1 ;;
  esac
done

say()  { printf 'setup: %s\n' "$*"; }
die()  { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- Debian ----

# Is a Debian package (or an equivalent) present?
pkg_present() {
  local p="$1"
  case "$p" in
    # NodeSource's nodejs bundles npm and conflicts with Debian's npm package:
    # accept any working node / npm on PATH.
    nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
    npm)    command -v npm  >/dev/null 2>&1 && return 0 ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'
}

apt_step() {
  local pkgs=("${BASE_PKGS[@]}")
  if [ "$with_test_tools" -eq 1 ]; then
    pkgs+=("${TEST_PKGS[@]}")
  fi

  if ! command -v dpkg-query >/dev/null 2>&1; then
    die "dpkg-query not found: this script targets Debian 12 (bookworm)"
  fi
  if [ -r /etc/os-release ] && ! grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
    say "warning: not Debian 12 (bookworm); package names may differ"
  fi

  local missing=() p
  for p in "${pkgs[@]}"; do
    pkg_present "$p" || missing+=("$p")
  done

  if [ "${#missing[@]}" -eq 0 ]; then
    say "Debian packages: all ${#pkgs[@]} present"
    return 0
  fi

  say "Debian packages missing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: not root; run:" >&2
    echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi

  export DEBIAN_FRONTEND=noninteractive
  local log
  log="$(mktemp "${TMPDIR:-/tmp}/tamis-setup-apt.XXXXXX")"
  say "apt-get update (log: $log)"
  if ! apt-get update >"$log" 2>&1; then
    tail -n 30 "$log" >&2; die "apt-get update failed (full log: $log)"
  fi
  say "apt-get install -y --no-install-recommends ${missing[*]}"
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2; die "apt-get install failed (full log: $log)"
  fi
  rm -f "$log"

  local still=()
  for p in "${missing[@]}"; do
    pkg_present "$p" || still+=("$p")
  done
  [ "${#still[@]}" -eq 0 ] || die "still missing after install: ${still[*]}"
  say "Debian packages: installed ${#missing[@]}"
}

# ------------------------------------------------------------------- npm ----

npm_step() {
  command -v npm >/dev/null 2>&1 || die "npm not found (install nodejs/npm first)"
  cd "$ROOT"
  [ -f package.json ] || die "no package.json in $ROOT"
  if [ -f package-lock.json ]; then
    say "npm ci ($(node --version 2>/dev/null || echo node?), npm $(npm --version))"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed"
  else
    say "npm install (no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error >/dev/null || die "npm install failed"
  fi
  local v
  v="$(node -p 'require("fasttext.wasm.js/package.json").version' 2>/dev/null || echo '?')"
  say "npm: fasttext.wasm.js@$v, stopwords-iso@$(node -p 'require("stopwords-iso/package.json").version' 2>/dev/null || echo '?')"
}

# ------------------------------------------------------------------ data ----

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

model_step() {
  cd "$ROOT"
  local src="$LID_IN_PKG"
  if [ ! -f "$src" ]; then
    # The package layout moved? Look for the file anywhere in the package.
    src="$(find node_modules/fasttext.wasm.js -name lid.176.ftz -type f 2>/dev/null | sort | head -n1)"
    [ -n "$src" ] || die "lid.176.ftz not found in node_modules/fasttext.wasm.js (run without --skip-npm)"
  fi

  mkdir -p "$(dirname "$LID_DEST")"
  if [ -f "$LID_DEST" ] && [ "$(sha256_of "$LID_DEST")" = "$LID_SHA256" ]; then
    say "model: $LID_DEST already present, sha256 ok"
    return 0
  fi

  local got
  got="$(sha256_of "$src")"
  if [ "$got" != "$LID_SHA256" ]; then
    rm -f "$LID_DEST"
    die "sha256 mismatch for $src: got $got, expected $LID_SHA256"
  fi
  cp -f "$src" "$LID_DEST.tmp"
  got="$(sha256_of "$LID_DEST.tmp")"
  if [ "$got" != "$LID_SHA256" ]; then
    rm -f "$LID_DEST.tmp"
    die "sha256 mismatch after copy to $LID_DEST: got $got"
  fi
  mv -f "$LID_DEST.tmp" "$LID_DEST"
  say "model: $src -> $LID_DEST (sha256 ok)"
}

stopwords_step() {
  cd "$ROOT"
  [ -f "$STOPWORDS_JSON" ] || die "$STOPWORDS_JSON not found (run without --skip-npm)"
  mkdir -p "$STOPWORDS_DIR"
  # One word per line, UTF-8, NFC, trimmed, empty entries and duplicates
  # dropped, original order kept. Files are rewritten only when they change.
  local out
  out="$(node - "$STOPWORDS_JSON" "$STOPWORDS_DIR" <<'JS'
const fs = require("fs"), path = require("path");
const [src, dir] = process.argv.slice(2);
const all = JSON.parse(fs.readFileSync(src, "utf8"));
let langs = 0, words = 0, written = 0;
for (const lang of Object.keys(all).sort()) {
  if (!/^[a-z]{2,3}$/.test(lang) || !Array.isArray(all[lang])) continue;
  const seen = new Set(), list = [];
  for (const w of all[lang]) {
    const t = String(w).normalize("NFC").trim();
    if (t && !t.includes("\n") && !seen.has(t)) { seen.add(t); list.push(t); }
  }
  const body = list.join("\n") + "\n";
  const file = path.join(dir, lang + ".txt");
  let old = null;
  try { old = fs.readFileSync(file, "utf8"); } catch (e) {}
  if (old !== body) { fs.writeFileSync(file + ".tmp", body); fs.renameSync(file + ".tmp", file); written++; }
  langs++; words += list.length;
}
console.log(`${langs} ${words} ${written}`);
JS
)" || die "generating stopword lists failed"
  local langs words written
  read -r langs words written <<<"$out"
  [ "${langs:-0}" -gt 0 ] || die "no stopword lists generated"
  say "stopwords: $langs languages, $words words in $STOPWORDS_DIR/ ($written file(s) updated)"
}

# ------------------------------------------------------------------ main ----

say "project root: $ROOT"
if [ "$skip_apt" -eq 0 ]; then apt_step; else say "Debian packages: skipped (--skip-apt)"; fi
if [ "$skip_npm" -eq 0 ]; then npm_step; else say "npm: skipped (--skip-npm)"; fi
model_step
stopwords_step
say "done"
