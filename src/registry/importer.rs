//! One importer for the command line and for `POST /api/imports`: the file is read on its own
//! thread, records go over a bounded channel in batches to a [`BulkImport`], and whoever runs
//! it watches through an [`ImportObserver`] (a progress line and a report file on the command
//! line; a job's progress and report rows over HTTP).

use std::fmt::Write as _;

use super::{
    read_import_records, BatchReport, ImportInput, ImportRow, ReadOptions, Registry, Result,
};
use crate::auth::Actor;
use crate::store::ImportProgress;

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Stop at the first bad record (and refuse unknown columns: see [`ReadOptions::strict`]).
    pub strict: bool,
    /// Decide everything, write nothing.
    pub dry_run: bool,
    /// New places start active (a reviewer, an admin or the local command line).
    pub certified: bool,
    /// Records per transaction.
    pub batch_size: usize,
    /// Hold the registry's write lock for the whole import (the command line, where nothing
    /// else writes) instead of per batch (a serving process, where officers keep writing
    /// between batches).
    pub exclusive: bool,
}

impl ImportSettings {
    /// The command line's settings: batches of 10,000, the write lock held throughout.
    pub fn command_line() -> ImportSettings {
        ImportSettings {
            strict: false,
            dry_run: false,
            certified: false,
            batch_size: 10_000,
            exclusive: true,
        }
    }
}

/// One line of an import's report: what happened to one record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    /// The record's line (a spreadsheet's line, counting the header as 1) or feature number.
    pub line: u64,
    /// `imported`, `would be imported`, `rejected` or `possible duplicate`.
    pub outcome: &'static str,
    /// The code the place got (would get, in a dry run).
    pub code: String,
    /// Why it was refused, or what is worth a look in an imported record.
    pub problems: String,
}

/// The header of a report file.
pub const REPORT_HEADER: [&str; 4] = ["line", "outcome", "code", "problems"];

impl BatchReport {
    /// The batch's report lines, in input order.
    pub fn rows(&self, dry_run: bool) -> Vec<ReportRow> {
        let imported = if dry_run {
            "would be imported"
        } else {
            "imported"
        };
        let mut rows =
            Vec::with_capacity(self.accepted.len() + self.rejected.len() + self.duplicates.len());
        for (line, code) in &self.accepted {
            let mut problems = String::new();
            for (_, w) in self.warnings.iter().filter(|(l, _)| l == line) {
                if !problems.is_empty() {
                    problems.push_str("; ");
                }
                problems.push_str(w);
            }
            rows.push(ReportRow {
                line: *line,
                outcome: imported,
                code: code.to_string(),
                problems,
            });
        }
        for (line, why) in &self.rejected {
            rows.push(ReportRow {
                line: *line,
                outcome: "rejected",
                code: String::new(),
                problems: why.clone(),
            });
        }
        for (line, codes) in &self.duplicates {
            let mut problems = String::from("similar to ");
            let _ = write!(
                problems,
                "{} within 15 m (set confirm_distinct to import it)",
                codes.join(", ")
            );
            rows.push(ReportRow {
                line: *line,
                outcome: "possible duplicate",
                code: String::new(),
                problems,
            });
        }
        rows.sort_by_key(|r| r.line);
        rows
    }
}

/// Whoever runs an import watches it through this.
pub trait ImportObserver: Send {
    /// An unfinished import of the same input is taken up after its committed records.
    fn resumed(&mut self, _progress: &ImportProgress) {}

    /// A batch was decided (and, unless a dry run, its transaction started). Returns `false`
    /// to stop after it: what is decided is committed, and the same input resumes later.
    fn batch(&mut self, report: &BatchReport, progress: &ImportProgress) -> bool;
}

/// How an import ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportEnd {
    /// Every record was read (and, unless a dry run, the import is marked finished).
    Complete,
    /// The same input was imported already: nothing was done.
    AlreadyImported,
    /// The observer stopped it; what was decided before is committed.
    Interrupted,
    /// With `strict`, it stopped at the first bad record.
    StoppedStrict,
    /// The file could not be read on (no header, metres without a system, broken JSON …):
    /// the records before the error are committed.
    Unreadable(String),
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    pub end: ImportEnd,
    /// Committed (or, for a dry run, decided) progress.
    pub progress: ImportProgress,
}

impl Registry {
    /// Imports (or, with `dry_run`, decides) every record of `input`, under `key` (an
    /// identity of the input and how it is read: an unfinished import with the same key is
    /// resumed, a finished one that imported something is not run again).
    pub async fn import_file(
        &self, actor: Actor, input: ImportInput, key: String, options: ReadOptions,
        settings: &ImportSettings, observer: &mut dyn ImportObserver,
    ) -> Result<ImportSummary> {
        let batch_size = settings.batch_size.max(1);
        let fresh = ImportProgress::new(key.clone(), input.name());
        let progress = match self.import_progress(&key).await? {
            _ if settings.dry_run => fresh,
            Some(p) if p.finished && p.accepted > 0 => {
                return Ok(ImportSummary {
                    end: ImportEnd::AlreadyImported,
                    progress: p,
                })
            }
            // A finished import that imported nothing (a wrong system, the wrong
            // columns) is no reason to refuse the next try.
            Some(p) if p.finished => fresh,
            Some(p) => {
                observer.resumed(&p);
                p
            }
            None => fresh,
        };

        // The reader runs on its own thread and hands records over a bounded channel, so
        // parsing and committing overlap (two cores) and memory stays bounded.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<ImportRow>(batch_size * 2);
        let skip = progress.records_done;
        let reader = {
            let admin = self.admin_context();
            std::thread::spawn(move || {
                read_import_records(&input, &options, &admin.gazetteer, skip, |row| {
                    tx.blocking_send(row).is_ok()
                })
            })
        };

        let mut import = if settings.exclusive {
            self.bulk_import(actor, settings.strict, progress).await
        } else {
            self.bulk_import_shared(actor, settings.strict, progress)
        };
        if settings.certified {
            import.certify_on_import()?;
        }
        if settings.dry_run {
            import.dry_run();
        }
        let mut end = ImportEnd::Complete;
        loop {
            let mut batch = Vec::with_capacity(batch_size);
            if rx.recv_many(&mut batch, batch_size).await == 0 {
                break;
            }
            while batch.len() < batch_size {
                let room = batch_size - batch.len();
                if rx.recv_many(&mut batch, room).await == 0 {
                    break;
                }
            }
            let report = import.push(batch).await?;
            let go_on = observer.batch(&report, import.progress());
            if report.stopped {
                end = ImportEnd::StoppedStrict;
                break;
            }
            if !go_on {
                end = ImportEnd::Interrupted;
                break;
            }
        }
        // Closing the channel ends a reader that is still reading.
        rx.close();
        let mut progress = import.finish().await?;
        if end == ImportEnd::Complete {
            match reader.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => end = ImportEnd::Unreadable(e),
                Err(_) => end = ImportEnd::Unreadable("the reader thread failed".into()),
            }
        }
        if end == ImportEnd::Complete && !settings.dry_run {
            progress.finished = true;
            self.save_import_progress(&progress).await?;
        }
        Ok(ImportSummary { end, progress })
    }
}
