//! Work split across threads (`std::thread::scope`): blocks of rows are handed out one
//! at a time, so uneven rows balance out, and every thread keeps its own scratch space.

use crate::error::{Error, Result};
use std::sync::Mutex;

/// The number of threads to use when asked for `requested` (0: one per core).
pub fn threads(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Calls `work(scratch, first_row, rows)` on consecutive blocks of `block_rows` rows of `out`
/// (each row `width` values), on `threads` threads, each with a scratch made by `init`. Stops
/// at the first error and returns it.
pub fn for_each_block<T, S, I, F>(
    out: &mut [T],
    width: usize,
    block_rows: usize,
    threads: usize,
    init: I,
    work: F,
) -> Result<()>
where
    T: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, usize, &mut [T]) -> Result<()> + Sync,
{
    let width = width.max(1);
    let block_rows = block_rows.max(1);
    let blocks = Mutex::new(out.chunks_mut(block_rows * width).enumerate());
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let next = || {
        match failed.lock() {
            Ok(f) if f.is_none() => {}
            _ => return None,
        }
        blocks.lock().ok()?.next()
    };
    let run = || {
        let mut scratch = init();
        while let Some((b, rows)) = next() {
            if let Err(e) = work(&mut scratch, b * block_rows, rows) {
                if let Ok(mut f) = failed.lock() {
                    f.get_or_insert(e);
                }
                return;
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads.max(1) {
            s.spawn(run);
        }
        run();
    });
    match failed.into_inner() {
        Ok(Some(e)) => Err(e),
        Ok(None) => Ok(()),
        Err(_) => Err(Error::InvalidArgument(
            "a worker thread failed; please report it".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_once_and_errors_stop() {
        let mut out = vec![0u64; 1000 * 3];
        for_each_block(
            &mut out,
            3,
            7,
            4,
            || 0u64,
            |calls, first, rows| {
                *calls += 1;
                for (k, row) in rows.chunks_mut(3).enumerate() {
                    row.fill((first + k) as u64);
                }
                Ok(())
            },
        )
        .unwrap();
        assert!(out.chunks(3).enumerate().all(|(r, v)| v == [r as u64; 3]));
        let mut out = vec![0u8; 100];
        let r = for_each_block(
            &mut out,
            1,
            10,
            2,
            || (),
            |_, first, _| {
                if first == 50 {
                    Err(Error::Cancelled)
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(r, Err(Error::Cancelled)));
    }
}
