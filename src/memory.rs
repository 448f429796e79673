//! Giving freed memory back to the system after work that freed much of it (reading a
//! dataset, a task's thread done), and keeping large short-lived blocks out of the heap.

/// Gives what was freed back to the system. glibc keeps the memory a thread frees in that
/// thread's arena, for the same arena to reuse, and a task's thread ends: at a million claims
/// each derivation and run of the checks left tens of megabytes resident, and the window grew
/// from 1.32 to 1.55 GB over a minute of editing (`crosscheck bench-ui`); with this it stays
/// near 1.4 GB. After reading a dataset it gives back the readers' buffers before the checks
/// run (`crosscheck check`'s peak ~10 MB lower). Elsewhere the system's allocator is left to
/// its own ways.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back_freed_memory() {
    // SAFETY: `malloc_trim` takes no pointers; it only returns the allocator's own free pages
    // to the system, under the allocator's locks, and may be called from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_freed_memory() {}

/// Blocks of this size and larger are mapped on their own, and unmapped when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAP_FROM: libc::c_int = 16 * 1024 * 1024;

/// Called first thing by each program: blocks of 16 MB and more always get pages of their
/// own, given back the moment they are freed. glibc otherwise raises that threshold (from
/// 128 KB up to 32 MB) each time a large mapped block is freed, so that the lists of reading
/// a dataset and of deriving its views (megabytes to tens of megabytes, held for a moment)
/// come to be carved out of the heap, where what they leave behind stays resident among the
/// records: the window with a million claims held 0.95–0.98 GB instead of 0.93
/// (`crosscheck bench-ui`). A fixed threshold lower than 16 MB saved 10 MB more but cost
/// 0.1–0.2 s of opening and slower keystrokes (fresh pages for every mid-sized list). Other
/// systems' allocators are left as they are.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn keep_large_blocks_apart() {
    // SAFETY: `mallopt` takes no pointers; it sets one of the allocator's parameters, under
    // its lock, before this program has started a thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAP_FROM);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn keep_large_blocks_apart() {}
