//! `diachiso geocode IN.csv --column NAME`: a CSV of addresses matched from the shell, the same
//! way as `POST /api/geocode/batch`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::auth::Actor;
use crate::formats::CsvBatch;
use crate::registry::{Registry, BATCH_COLUMNS};

#[derive(Debug, Args)]
pub struct GeocodeArgs {
    /// The CSV file (UTF-8; `,`, `;` or tab; with a header line).
    file: PathBuf,
    /// The column the addresses are in; repeat it to join several columns in order.
    #[arg(long, required = true)]
    column: Vec<String>,
    /// Where to write the answered file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Matches every row and writes the file with `code`, `full_address`, `commune_code`,
/// `match_level` and `score` added; a progress line goes to standard error.
pub fn run(registry: &Registry, args: GeocodeArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let batch = CsvBatch::check(&bytes, &args.column)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let started = Instant::now();
    let total = batch.rows;
    let mut failed: Option<std::io::Error> = None;
    batch.run(
        BATCH_COLUMNS,
        |address| registry.geocode_columns(&Actor::Local, address),
        |chunk| {
            if failed.is_none() {
                if let Err(e) = out.write_all(&chunk) {
                    failed = Some(e);
                }
            }
        },
        |done| {
            let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
            eprint!("\rgeocoded {done} of {total} rows ({rate:.0} rows/s)");
        },
    );
    eprintln!();
    if let Some(e) = failed {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}
