//! The `coop-tracker` command; everything it does lives in the library.

fn main() -> std::process::ExitCode {
    coop_tracker::cli::run()
}
