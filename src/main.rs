//! The `seatplan` binary: parses arguments, runs the command, prints the error chain and exits
//! with the code the library assigns to the error ([`seatplan::Error::exit_code`]: 0 success;
//! 1 other failure; 2 invalid input; 3 the independent check failed; 4 the solver failed;
//! 5 `verify` found a difference).

mod cli;

use clap::Parser;

/// mimalloc instead of the system allocator: see its entry in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option `purge_delay` (`mi_option_purge_delay` in its `mimalloc.h`: the same
/// position in its v2 and v3 headers; libmimalloc-sys gives it no constant).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Memory freed is given back to the system at once, not after mimalloc's delay (a second
    // in its v3): a province's run frees the applications (over 100 MB) before the purchase
    // stage builds its reach lists, and held the freed pages through it. Its peak was
    // 611,736-611,876 KiB with the delay and 529,060-529,256 KiB without, at the same speed
    // (docs/performance.md).
    // SAFETY: sets one of mimalloc's options to a value its header documents (0: at once).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    no_transparent_huge_pages();
    let args = cli::Cli::parse();
    let Err(err) = cli::run(args) else {
        std::process::exit(0)
    };
    if !cli::already_reported(&err) {
        // Control characters in what the error echoes are escaped, not sent to the terminal.
        eprintln!("error: {}", seatplan::shown_lines(&err.to_string()));
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {}", seatplan::shown_lines(&cause.to_string()));
        }
    }
    std::process::exit(cli::exit_code(&err));
}

/// Turns transparent huge pages off for the process (Linux's `PR_SET_THP_DISABLE`, which holds
/// for memory mapped before it too: mimalloc asks for huge pages on its first arena before
/// `main`). On the province they cost more in the kernel's page zeroing than they saved: four
/// runs each, alternated, 6.64-7.00 s and 536-570 MB with them, 6.28-6.85 s and 515-563 MB
/// without (docs/performance.md). Where the call fails the pages stay as the system gives
/// them, which is only slower.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` takes plain integers and reads or writes
    // no memory of the process's.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    /// The option set at start is mimalloc's purge delay: the only option of mimalloc v3
    /// whose default is 1,000 (milliseconds), read here before anything sets it.
    #[test]
    fn the_option_set_at_start_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads an option by its documented position.
            let value = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
            assert_eq!(value, 1000);
        }
    }

    /// After the call the process has transparent huge pages turned off.
    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_are_turned_off() {
        super::no_transparent_huge_pages();
        // SAFETY: reads the process's flag; no memory is passed.
        let off = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(off, 1);
    }
}
