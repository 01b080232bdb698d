//! Work on every core: the machine's core count, asked once, and an ordered parallel map.
//! Loading the index and importing registry files use it; a search splits its own scan (see
//! `search::engine`), since it keeps a match buffer per chunk from search to search.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The cores to use, at most eight. Asked once: on Linux the answer reads the cgroup's CPU
/// quota from /proc, which costs as much as mapping a small study.
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
    })
}

/// `f` of every item, in the items' order, computed on every core: each thread takes the next
/// item, with a `state` of its own made by `init` (a buffer reused from item to item). A panic
/// in `f` is a bug and surfaces as one.
pub fn map<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let threads = cores().min(items.len());
    if threads <= 1 {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (next, init, f) = (&next, &init, &f);
                s.spawn(move || {
                    let mut state = init();
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(&mut state, item)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_keeps_the_items_order_and_each_thread_its_state() {
        let items: Vec<u32> = (0..1000).collect();
        let out = super::map(&items, Vec::new, |seen: &mut Vec<u32>, &x| {
            seen.push(x);
            (x * 2, seen.len())
        });
        assert_eq!(
            out.iter().map(|r| r.0).collect::<Vec<_>>(),
            (0..1000).map(|x| x * 2).collect::<Vec<_>>()
        );
        // Every state was used for at least one item, and no more items than there are.
        assert!(out.iter().all(|r| (1..=1000).contains(&r.1)));
        assert!(super::map(&[] as &[u32], || (), |_, &x| x).is_empty());
    }
}
