#![forbid(unsafe_code)]

/// mimalloc instead of the system allocator: the profile of a bulk import showed a third of
/// the time in glibc's malloc/free (many small JSON values); see BENCHMARKS.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    diachiso::cli::main()
}
