#!/usr/bin/env bash
# Fuzzes one target with AFL++ on the stable toolchain for a bounded time.
#
#   fuzz/run.sh TARGET [SECONDS]     TARGET: corpus | query | ctgov; SECONDS: default 300
#
# Installs what it needs when missing (Debian's afl++ package, cargo-afl), builds the targets
# with AFL instrumentation, seeds the run, and fuzzes TARGET for SECONDS. Findings land in
# fuzz/out/TARGET/default/{crashes,hangs}; keep each one under tests/fixtures/fuzz/TARGET/ so
# `cargo test --test fuzz_regressions` replays it in CI. FUZZ_JOBS=N runs N fuzzers in parallel.
set -euo pipefail
cd "$(dirname "$0")"
FUZZ=$PWD
ROOT=$(cd .. && pwd)

target=${1:-}
seconds=${2:-300}
case "$target" in
  corpus | query | ctgov) ;;
  *)
    echo "usage: fuzz/run.sh corpus|query|ctgov [SECONDS]" >&2
    exit 2
    ;;
esac
case "$seconds" in
  '' | *[!0-9]*)
    echo "SECONDS must be a whole number" >&2
    exit 2
    ;;
esac

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "installing afl++"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq afl++ >/dev/null
fi
if ! cargo afl --version >/dev/null 2>&1; then
  echo "installing cargo-afl"
  cargo install cargo-afl --locked
fi
# cargo-afl builds its AFL++ runtime once per user and toolchain, and refuses to build it again.
if ! built=$(cargo afl config --build 2>&1); then
  case "$built" in
    *"already built"*) ;;
    *)
      echo "$built" >&2
      exit 1
      ;;
  esac
fi

cargo afl build --release --locked --bin "$target"

# Seeds: the real files evidex reads, plus the kept findings (already fixed, still useful).
seeds=$FUZZ/out/seeds/$target
rm -rf "$seeds"
mkdir -p "$seeds"
case "$target" in
  corpus) cp "$ROOT/tests/fixtures/mini.json" "$ROOT/data/corpus.json" "$seeds/" ;;
  query) cp "$FUZZ"/seeds/query/* "$seeds/" ;;
  ctgov) cp "$ROOT"/tests/fixtures/ctgov/NCT*.json "$seeds/" ;;
esac
if [ -d "$ROOT/tests/fixtures/fuzz/$target" ]; then
  find "$ROOT/tests/fixtures/fuzz/$target" -type f -exec cp {} "$seeds/" \;
fi

# In a container the core pattern usually cannot be changed and the CPU governor not read.
export AFL_SKIP_CPUFREQ=1
if [ "$(cat /proc/sys/kernel/core_pattern 2>/dev/null)" != core ]; then
  echo core 2>/dev/null >/proc/sys/kernel/core_pattern || export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
fi
export AFL_NO_UI=1
# The machine may be shared (CI runners, other fuzzers): do not pin to a core.
export AFL_NO_AFFINITY=1
# Results are ranked on worker threads and the bundled index is built once per process, so
# a few paths vary between runs; AFL reports each, which buries the log.
export AFL_NO_WARN_INSTABILITY=1
# Seeds above AFL's 1 MB limit (the large registry page) are fuzzed as they are, not trimmed.
export AFL_IGNORE_SEED_PROBLEMS=1
# A second run of a target carries on from the queue of the first.
export AFL_AUTORESUME=1

bin=$FUZZ/target/release/$target
out=$FUZZ/out/$target
mkdir -p "$out"
# -t: a hang is an input that takes over 2 s; the largest seed takes well under that.
# -G caps generated inputs at 256 KiB; corpus and registry files are JSON, so AFL is given
# a dictionary of their tokens.
common=(-i "$seeds" -o "$out" -t 2000 -G 262144 -V "$seconds")
[ -f "$FUZZ/dict/$target.dict" ] && common+=(-x "$FUZZ/dict/$target.dict")
jobs=${FUZZ_JOBS:-1}
pids=()
for ((j = 1; j < jobs; j++)); do
  cargo afl fuzz "${common[@]}" -S "s$j" "$bin" >"$out/s$j.log" 2>&1 &
  pids+=($!)
done
cargo afl fuzz "${common[@]}" -M default "$bin"
for p in "${pids[@]}"; do wait "$p"; done

echo
found=0
for d in "$out"/*/crashes "$out"/*/hangs; do
  [ -d "$d" ] || continue
  n=$(find "$d" -type f -name 'id:*' | wc -l)
  if [ "$n" -gt 0 ]; then
    echo "$n in $d"
    found=$((found + n))
  fi
done
if [ "$found" -gt 0 ]; then
  echo "findings: minimise each with 'cargo afl tmin -i IN -o OUT -- $bin', add it under"
  echo "tests/fixtures/fuzz/$target/ and run 'cargo test --test fuzz_regressions'"
  exit 1
fi
echo "no crashes or hangs in ${seconds}s ($target)"
