//! The `seedsim` command; everything it does lives in the library's `cli`.

fn main() -> std::process::ExitCode {
    seedsim::cli::main()
}
