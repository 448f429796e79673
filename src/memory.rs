//! Giving freed memory back to the system after work that freed much of it (reading a
//! dataset, a task's thread done).

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
