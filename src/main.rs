//! The `seatplan` binary: parses arguments, runs the command, maps errors to exit codes.
//!
//! Exit codes: 0 success; 1 other failure; 2 invalid input; 3 the independent check failed;
//! 4 the solver failed.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            let code = if err.downcast_ref::<seatplan::error::InputErrors>().is_some() {
                2
            } else if err.downcast_ref::<seatplan::error::SolveError>().is_some() {
                4
            } else {
                1
            };
            std::process::exit(code);
        }
    }
}
