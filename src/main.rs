//! The `seatplan` binary: parses arguments, runs the command, prints the error chain and exits
//! with the code the library assigns to the error ([`seatplan::Error::exit_code`]: 0 success;
//! 1 other failure; 2 invalid input; 3 the independent check failed; 4 the solver failed;
//! 5 `verify` found a difference).

mod cli;

use clap::Parser;

/// mimalloc instead of the system allocator: see its entry in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
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
