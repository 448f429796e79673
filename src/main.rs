//! The `crosscheck` binary: parses the command line and hands over to [`crosscheck::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    crosscheck::cli::main()
}
