//! AFL++ target: `fuzz/run.sh query`. The checks are in `src/lib.rs`, shared with
//! `tests/integration/fuzz_regressions.rs`, which replays every kept input in CI.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        evidex_fuzz::query(data);
    });
}
