//! `diachiso import places`: streaming, batched, resumable bulk import.

use std::io::{BufReader, IsTerminal, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::formats::{read_features, Format};
use crate::registry::{ImportRow, Registry};
use crate::store::ImportProgress;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// GeoJSON FeatureCollection, newline-delimited GeoJSON, or CSV with lon,lat (x,y).
    file: PathBuf,
    /// geojson, ndjson or csv (default: from the file's extension).
    #[arg(long)]
    format: Option<String>,
    /// Stop at the first bad record instead of reporting and skipping it.
    #[arg(long)]
    strict: bool,
    /// Records per transaction.
    #[arg(long, default_value_t = 10_000)]
    batch_size: usize,
    /// New places start active instead of provisional (trusted, already verified sources).
    #[arg(long)]
    certified: bool,
}

impl ImportArgs {
    /// Import of a file with the defaults (for the demo loader).
    pub fn for_file(file: PathBuf, certified: bool) -> ImportArgs {
        ImportArgs {
            file,
            format: None,
            strict: false,
            batch_size: 10_000,
            certified,
        }
    }
}

/// Identifies an input file across runs without reading all of it: its size and a hash of
/// its first and last MiB.
fn fingerprint(path: &Path) -> std::io::Result<String> {
    const PART: u64 = 1 << 20;
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut hasher = Sha256::new();
    hasher.update(size.to_le_bytes());
    let mut buf = Vec::new();
    (&mut file).take(PART).read_to_end(&mut buf)?;
    hasher.update(&buf);
    if size > PART {
        file.seek(SeekFrom::Start(size.saturating_sub(PART).max(PART)))?;
        buf.clear();
        file.take(PART).read_to_end(&mut buf)?;
        hasher.update(&buf);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Progress output: a rewritten line on a terminal, plain lines otherwise.
struct Meter {
    terminal: bool,
    started: Instant,
    last: Instant,
    base: u64,
}

impl Meter {
    fn new(base: u64) -> Meter {
        let now = Instant::now();
        Meter {
            terminal: std::io::stderr().is_terminal(),
            started: now,
            last: now,
            base,
        }
    }

    fn rate(&self, done: u64) -> f64 {
        (done - self.base) as f64 / self.started.elapsed().as_secs_f64().max(1e-9)
    }

    fn tick(&mut self, p: &ImportProgress) {
        let every = if self.terminal {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if self.last.elapsed() < every {
            return;
        }
        self.last = Instant::now();
        let line = format!(
            "{} records: {} imported, {} rejected, {} duplicates ({:.0} records/s)",
            p.records_done,
            p.accepted,
            p.rejected,
            p.duplicates,
            self.rate(p.records_done)
        );
        if self.terminal {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
    }

    fn done(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}

pub async fn run(registry: &Registry, args: ImportArgs) -> anyhow::Result<()> {
    let format = match &args.format {
        Some(f) => {
            Format::parse(f).ok_or_else(|| anyhow::anyhow!("--format is geojson, ndjson or csv"))?
        }
        None => Format::from_path(&args.file).ok_or_else(|| {
            anyhow::anyhow!("cannot tell the format from the file name; use --format")
        })?,
    };
    if args.batch_size == 0 {
        anyhow::bail!("--batch-size must be at least 1");
    }
    let key = fingerprint(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let source = args.file.display().to_string();
    let progress = match registry.import_progress(&key).await? {
        Some(p) if p.finished => {
            eprintln!(
                "{source} was imported already: {} imported, {} rejected, {} duplicates",
                p.accepted, p.rejected, p.duplicates
            );
            return Ok(());
        }
        Some(p) => {
            eprintln!(
                "resuming {source} after {} records already committed",
                p.records_done
            );
            p
        }
        None => ImportProgress::new(key, source.clone()),
    };

    // Ctrl-C / SIGTERM: finish the batch in hand, commit it, and stop.
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            flag.store(true, Ordering::SeqCst);
        });
    }

    // The reader runs on its own thread and hands records over a bounded channel, so parsing
    // and committing overlap (two cores) and memory stays bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel::<ImportRow>(args.batch_size * 2);
    let skip = progress.records_done;
    let file = std::fs::File::open(&args.file)?;
    let reader = std::thread::spawn(move || {
        let mut seen = 0u64;
        read_features(BufReader::with_capacity(1 << 20, file), format, |r| {
            seen += 1;
            seen <= skip
                || tx
                    .send(ImportRow {
                        number: r.number,
                        feature: r.feature,
                    })
                    .is_ok()
        })
    });

    let mut meter = Meter::new(progress.records_done);
    let mut import = registry
        .bulk_import(Actor::Local, args.strict, progress)
        .await;
    if args.certified {
        import.certify_on_import()?;
    }
    let mut stopped_strict = false;
    let mut batch = Vec::with_capacity(args.batch_size);
    let mut rx = Some(rx);
    while let Some(receiver) = rx.as_ref() {
        batch.clear();
        while batch.len() < args.batch_size {
            match receiver.recv() {
                Ok(row) => batch.push(row),
                Err(_) => {
                    rx = None;
                    break;
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        let rows = std::mem::take(&mut batch);
        let report = import.push(rows).await?;
        for (number, why) in &report.rejected {
            eprintln!(
                "{}record {number}: {why}",
                if meter.terminal { "\r\x1b[2K" } else { "" }
            );
        }
        for (number, codes) in &report.duplicates {
            eprintln!(
                "{}record {number}: possible duplicate of {} (skipped; set confirm_distinct to import it)",
                if meter.terminal { "\r\x1b[2K" } else { "" },
                codes.join(", ")
            );
        }
        meter.tick(import.committed());
        if report.stopped {
            stopped_strict = true;
            break;
        }
        if interrupted.load(Ordering::SeqCst) {
            let progress = import.finish().await?;
            meter.done();
            eprintln!(
                "interrupted after {} records; everything before is committed. Run the same command to resume.",
                progress.records_done
            );
            std::process::exit(130);
        }
    }
    drop(rx);
    let mut progress = import.finish().await?;
    meter.done();
    if stopped_strict {
        anyhow::bail!(
            "stopped at the first bad record (--strict); {} records before it are committed",
            progress.records_done
        );
    }
    match reader.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => anyhow::bail!(
            "{e}; {} records before the error are committed",
            progress.records_done
        ),
        Err(_) => anyhow::bail!("the reader thread failed"),
    }
    progress.finished = true;
    registry.save_import_progress(&progress).await?;
    eprintln!(
        "imported {} places from {source}: {} rejected, {} duplicates, {} records in {:.1} s ({:.0} records/s)",
        progress.accepted,
        progress.rejected,
        progress.duplicates,
        progress.records_done,
        meter.started.elapsed().as_secs_f64(),
        meter.rate(progress.records_done),
    );
    Ok(())
}
