//! Giving freed memory back to the system: after work that freed much of it (reading a
//! dataset, a task's thread done), and at once for large blocks in the one-shot commands.

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

/// For a command that reads a dataset once and ends (`check`, `fmt`, `export`): blocks of a
/// megabyte or more (a file's text while it is parsed, a cache entry being written) are
/// mapped and unmapped on their own instead of being carved from the heap, where the small
/// records read meanwhile fragment the space they leave (`check`'s peak on a first open of a
/// million claims ~20 MB lower). Not for the window: there each keystroke's large lists
/// would cost a system call and fresh pages a frame.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn large_blocks_straight_back() {
    // SAFETY: `mallopt` takes no pointers; it sets one of the allocator's parameters, under
    // its lock, and may be called at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn large_blocks_straight_back() {}
