//! `diachiso import places`: streaming, batched, resumable bulk import.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::auth::Actor;
use crate::registry::{
    BatchReport, ImportEnd, ImportInput, ImportObserver, ImportSettings, ReadOptions, Registry,
    REPORT_HEADER,
};
use crate::store::ImportProgress;
use clap::Args;

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

/// The command line's view of an import: a progress line, each refused record on stderr,
/// the row-by-row report (`--report`), and Ctrl-C.
struct Console {
    meter: Meter,
    report: Option<csv::Writer<std::fs::File>>,
    report_error: Option<anyhow::Error>,
    dry_run: bool,
    interrupted: Arc<AtomicBool>,
}

impl Console {
    fn write_report(&mut self, report: &BatchReport) -> anyhow::Result<()> {
        let Some(out) = &mut self.report else {
            return Ok(());
        };
        for row in report.rows(self.dry_run) {
            out.write_record(crate::formats::spreadsheet_record(&[
                row.line.to_string(),
                row.outcome.to_owned(),
                row.code,
                row.problems,
            ]))?;
        }
        out.flush()?;
        Ok(())
    }
}

impl ImportObserver for Console {
    fn resumed(&mut self, progress: &ImportProgress) {
        eprintln!(
            "resuming {} after {} records already committed",
            progress.source, progress.records_done
        );
        self.meter = Meter::new(progress.records_done);
    }

    fn batch(&mut self, report: &BatchReport, progress: &ImportProgress) -> bool {
        if let Err(e) = self.write_report(report) {
            self.report_error = Some(e);
            return false;
        }
        let clear = if self.meter.terminal { "\r\x1b[2K" } else { "" };
        for (number, why) in &report.rejected {
            eprintln!("{clear}record {number}: {why}");
        }
        for (number, codes) in &report.duplicates {
            eprintln!(
                "{clear}record {number}: possible duplicate of {} (skipped; set confirm_distinct to import it)",
                codes.join(", ")
            );
        }
        self.meter.tick(progress);
        !self.interrupted.load(Ordering::SeqCst)
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
    if args.batch_size == 0 {
        anyhow::bail!("--batch-size must be at least 1");
    }
    let input = ImportInput::Path(args.file.clone());
    let key = input
        .fingerprint()
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let source_name = input.name();

    // Ctrl-C / SIGTERM: finish the batch in hand, commit it, and stop.
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            flag.store(true, Ordering::SeqCst);
        });
    }
    let report = match &args.report {
        Some(p) => {
            let mut w = csv::Writer::from_path(p)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
            w.write_record(REPORT_HEADER)?;
            Some(w)
        }
        None => None,
    };
    let mut console = Console {
        meter: Meter::new(0),
        report,
        report_error: None,
        dry_run: args.dry_run,
        interrupted,
    };
    let settings = ImportSettings {
        strict: args.strict,
        dry_run: args.dry_run,
        certified: args.certified,
        batch_size: args.batch_size,
        exclusive: true,
    };
    let summary = registry
        .import_file(Actor::Local, input, key, options, &settings, &mut console)
        .await?;
    console.meter.done();
    if let Some(e) = console.report_error {
        return Err(e.context("cannot write the report"));
    }
    let progress = summary.progress;
    match summary.end {
        ImportEnd::AlreadyImported => {
            eprintln!(
                "{source_name} was imported already: {} imported, {} rejected, {} duplicates",
                progress.accepted, progress.rejected, progress.duplicates
            );
            return Ok(());
        }
        ImportEnd::Interrupted => {
            eprintln!(
                "interrupted after {} records; everything before is committed. Run the same command to resume.",
                progress.records_done
            );
            std::process::exit(130);
        }
        ImportEnd::StoppedStrict => anyhow::bail!(
            "stopped at the first bad record (--strict); {} records before it are committed",
            progress.records_done
        ),
        ImportEnd::Unreadable(e) => anyhow::bail!(
            "{e}; {} records before the error are committed",
            progress.records_done
        ),
        ImportEnd::Complete => {}
    }
    if args.dry_run {
        eprintln!(
            "dry run of {source_name}: {} places would be imported, {} rejected, {} possible duplicates, of {} records; nothing was written",
            progress.accepted, progress.rejected, progress.duplicates, progress.records_done
        );
    } else {
        let meter = &console.meter;
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
