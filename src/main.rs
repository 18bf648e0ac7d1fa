//! `secpip` entry point: parse, dispatch, exit. Everything else lives in the library.

fn main() -> std::process::ExitCode {
    secpip::cli::main()
}
