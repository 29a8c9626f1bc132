#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    diachiso::cli::main()
}
