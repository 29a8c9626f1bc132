//! `diachiso import places`: streaming, batched, resumable bulk import.

use std::io::{IsTerminal, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::registry::{
    read_import_records, BatchReport, ImportInput, ImportRow, ReadOptions, Registry,
};
use crate::store::ImportProgress;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A spreadsheet (CSV with any delimiter, or an Excel .xlsx workbook) with Vietnamese or
    /// English headers, a GeoJSON FeatureCollection, or newline-delimited GeoJSON.
    file: PathBuf,
    /// geojson, ndjson, csv or xlsx (default: from the file's extension).
    #[arg(long)]
    format: Option<String>,
    /// Refuse columns and properties the registry does not know (instead of keeping them as
    /// attributes), stop at the first bad record, and fail when any record failed.
    #[arg(long)]
    strict: bool,
    /// The coordinates' system: EPSG:4326 (default), EPSG:4756 (VN-2000 geographic), the
    /// VN-2000 TM-3 zones EPSG:9205–9218 (Hưng Yên: EPSG:9209; X = northing, Y = easting) or
    /// UTM 48N/49N EPSG:3405/3406.
    #[arg(long)]
    crs: Option<String>,
    /// Which column holds which field, for headers not recognised:
    /// name=Tên cơ sở,kind=Loại hình,lon=…,lat=…,x=…,y=…,address=…,house_number=…,street=…,
    /// hamlet=…,commune_code=…,commune=…,skip=…
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// The workbook's sheet (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Check everything, import nothing: the report says what would happen to each row.
    #[arg(long)]
    dry_run: bool,
    /// Write a row-by-row report (line, outcome, code, problems) to this CSV file.
    #[arg(long)]
    report: Option<PathBuf>,
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
            crs: None,
            columns: Vec::new(),
            sheet: None,
            dry_run: false,
            report: None,
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

/// The row-by-row report (`--report`): line, outcome, code, problems.
struct Report {
    out: Option<csv::Writer<std::fs::File>>,
    dry_run: bool,
}

impl Report {
    fn create(path: Option<&Path>, dry_run: bool) -> anyhow::Result<Report> {
        let out = match path {
            Some(p) => {
                let mut w = csv::Writer::from_path(p)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
                w.write_record(["line", "outcome", "code", "problems"])?;
                Some(w)
            }
            None => None,
        };
        Ok(Report { out, dry_run })
    }

    fn batch(&mut self, report: &BatchReport) -> anyhow::Result<()> {
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        let imported = if self.dry_run {
            "would be imported"
        } else {
            "imported"
        };
        let mut rows: Vec<(u64, &str, String, String)> = Vec::new();
        for (line, code) in &report.accepted {
            let notes: Vec<&str> = report
                .warnings
                .iter()
                .filter(|(l, _)| l == line)
                .map(|(_, w)| w.as_str())
                .collect();
            rows.push((*line, imported, code.to_string(), notes.join("; ")));
        }
        for (line, why) in &report.rejected {
            rows.push((*line, "rejected", String::new(), why.clone()));
        }
        for (line, codes) in &report.duplicates {
            rows.push((
                *line,
                "possible duplicate",
                String::new(),
                format!(
                    "similar to {} within 15 m (set confirm_distinct to import it)",
                    codes.join(", ")
                ),
            ));
        }
        rows.sort_by_key(|r| r.0);
        for (line, outcome, code, problems) in rows {
            out.write_record([line.to_string(), outcome.to_owned(), code, problems])?;
        }
        out.flush()?;
        Ok(())
    }
}

pub async fn run(registry: &Registry, args: ImportArgs) -> anyhow::Result<()> {
    let options = ReadOptions::parse(
        args.format.as_deref(),
        args.crs.as_deref(),
        &args.columns,
        args.sheet.clone(),
        args.strict,
    )
    .map_err(|e| anyhow::anyhow!("--{e}"))?;
    let input = ImportInput::Path(args.file.clone());
    if args.batch_size == 0 {
        anyhow::bail!("--batch-size must be at least 1");
    }
    let key = fingerprint(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let source_name = args.file.display().to_string();
    let fresh = ImportProgress::new(key.clone(), source_name.clone());
    let progress = match registry.import_progress(&key).await? {
        _ if args.dry_run => fresh,
        Some(p) if p.finished => {
            eprintln!(
                "{source_name} was imported already: {} imported, {} rejected, {} duplicates",
                p.accepted, p.rejected, p.duplicates
            );
            return Ok(());
        }
        Some(p) => {
            eprintln!(
                "resuming {source_name} after {} records already committed",
                p.records_done
            );
            p
        }
        None => fresh,
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
    let reader = {
        let registry_admin = registry.admin_context();
        std::thread::spawn(move || {
            read_import_records(&input, &options, &registry_admin.gazetteer, skip, |row| {
                tx.send(row).is_ok()
            })
        })
    };
    let mut report_file = Report::create(args.report.as_deref(), args.dry_run)?;

    let mut meter = Meter::new(progress.records_done);
    let mut import = registry
        .bulk_import(Actor::Local, args.strict, progress)
        .await;
    if args.certified {
        import.certify_on_import()?;
    }
    if args.dry_run {
        import.dry_run();
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
        report_file.batch(&report)?;
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
        meter.tick(import.progress());
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
    if args.dry_run {
        eprintln!(
            "dry run of {source_name}: {} places would be imported, {} rejected, {} possible duplicates, of {} records; nothing was written",
            progress.accepted, progress.rejected, progress.duplicates, progress.records_done
        );
    } else {
        progress.finished = true;
        registry.save_import_progress(&progress).await?;
        eprintln!(
            "imported {} places from {source_name}: {} rejected, {} duplicates, {} records in {:.1} s ({:.0} records/s)",
            progress.accepted,
            progress.rejected,
            progress.duplicates,
            progress.records_done,
            meter.started.elapsed().as_secs_f64(),
            meter.rate(progress.records_done),
        );
    }
    if progress.accepted == 0 && progress.records_done > 0 {
        anyhow::bail!("no record could be imported");
    }
    Ok(())
}
