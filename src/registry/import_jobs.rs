//! Imports started over HTTP (`POST /api/imports`): each runs as a job in the serving
//! process, through the same importer as the command line, taking the write lock per batch so
//! officers keep working. A job's progress and row-by-row report are kept in memory for a day
//! (the committed progress itself is in the store, so sending the same file again after a
//! restart resumes it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    BatchReport, ImportEnd, ImportInput, ImportObserver, ImportSettings, ReadOptions, Registry,
    RegistryError, ReportRow, Result,
};
use crate::auth::Actor;
use crate::store::ImportProgress;

/// Imports running at once in one process (each keeps a core busy reading).
pub const MAX_RUNNING_IMPORTS: usize = 2;
/// Finished jobs kept (the oldest go first), and for how long.
const KEPT_JOBS: usize = 200;
const KEPT_FOR: chrono::Duration = chrono::Duration::hours(24);
/// Records per transaction for an import over HTTP: small, so officers' own writes wait at
/// most one short batch.
const HTTP_BATCH: usize = 1_000;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    /// Every record was read (for a dry run, decided).
    Complete,
    /// The same file, read the same way by the same person, was imported already.
    AlreadyImported,
    /// `strict`: stopped at the first bad record.
    Stopped,
    /// The file could not be read on (see `message`).
    Unreadable,
    /// The service failed (logged); what was committed before stays.
    Failed,
}

/// An import started over HTTP, as its progress resource shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportJob {
    pub id: String,
    /// The file's name as sent.
    pub file: String,
    pub dry_run: bool,
    pub state: JobState,
    /// Records read so far (committed, or decided in a dry run).
    pub records_done: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What stopped it, in words.
    pub message: Option<String>,
    /// Who started it (the audit name): only they and admins see it.
    #[serde(skip)]
    pub owner: String,
}

struct Job {
    view: ImportJob,
    rows: Vec<ReportRow>,
}

/// The jobs of this process.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, Arc<Mutex<Job>>>>,
}

impl ImportJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Mutex<Job>>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new job, unless too many run; forgets old finished ones.
    fn start(&self, view: ImportJob) -> Result<Arc<Mutex<Job>>> {
        let mut jobs = self.lock();
        let now = super::now();
        jobs.retain(|_, j| {
            let j = lock(j);
            j.view.finished_at.is_none_or(|at| now - at < KEPT_FOR)
        });
        let running = jobs
            .values()
            .filter(|j| lock(j).view.state == JobState::Running)
            .count();
        if running >= MAX_RUNNING_IMPORTS {
            return Err(RegistryError::Busy(format!(
                "{running} imports are running; try again when one has finished"
            )));
        }
        if jobs.len() >= KEPT_JOBS {
            let oldest = jobs
                .iter()
                .filter_map(|(id, j)| lock(j).view.finished_at.map(|at| (at, id.clone())))
                .min();
            if let Some((_, id)) = oldest {
                jobs.remove(&id);
            }
        }
        let job = Arc::new(Mutex::new(Job {
            view,
            rows: Vec::new(),
        }));
        let id = lock(&job).view.id.clone();
        jobs.insert(id, job.clone());
        Ok(job)
    }

    /// A job the actor may see (their own; admins see all).
    fn get(&self, actor: &Actor, id: &str) -> Result<Arc<Mutex<Job>>> {
        let job = self.lock().get(id).cloned();
        match job {
            Some(j) if actor.can_admin() || lock(&j).view.owner == actor.audit_name() => Ok(j),
            _ => Err(RegistryError::ImportNotFound(id.to_owned())),
        }
    }
}

fn lock(job: &Mutex<Job>) -> std::sync::MutexGuard<'_, Job> {
    job.lock().unwrap_or_else(|e| e.into_inner())
}

/// Updates a job as batches are decided.
struct JobObserver {
    job: Arc<Mutex<Job>>,
    dry_run: bool,
}

impl JobObserver {
    fn count(&self, progress: &ImportProgress) {
        let mut job = lock(&self.job);
        job.view.records_done = progress.records_done;
        job.view.accepted = progress.accepted;
        job.view.rejected = progress.rejected;
        job.view.duplicates = progress.duplicates;
    }
}

impl ImportObserver for JobObserver {
    fn resumed(&mut self, progress: &ImportProgress) {
        self.count(progress);
        lock(&self.job).view.message = Some(format!(
            "resumed after {} records committed by an earlier try",
            progress.records_done
        ));
    }

    fn batch(&mut self, report: &BatchReport, progress: &ImportProgress) -> bool {
        self.count(progress);
        lock(&self.job).rows.extend(report.rows(self.dry_run));
        true
    }
}

/// An import to start over HTTP.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The file's name (its extension says its format unless `options.format` does).
    pub name: String,
    pub bytes: Vec<u8>,
    pub options: ReadOptions,
    pub dry_run: bool,
    pub certified: bool,
}

impl ImportRequest {
    /// The import's identity: the file, how it is read, and who imports it (a file an editor
    /// imported partly, because some rows were outside their communes, may be imported by a
    /// reviewer too: the rows already in are caught as duplicates).
    fn key(&self, actor: &Actor) -> String {
        let mut h = Sha256::new();
        h.update(Sha256::digest(&self.bytes));
        let o = &self.options;
        h.update(format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{}",
            o.format,
            o.crs.map(|c| c.epsg()),
            o.columns,
            o.sheet,
            o.strict,
            actor.audit_name()
        ));
        format!("http:{}", hex::encode(h.finalize()))
    }
}

/// A job's id: 16 hex digits, from the import's key and the time (the same file sent twice
/// is two jobs).
fn job_id(key: &str) -> String {
    let mut h = Sha256::new();
    h.update(key);
    h.update(super::now().timestamp_micros().to_le_bytes());
    hex::encode(&h.finalize()[..8])
}

impl Registry {
    /// Starts an import over HTTP and returns its job at once. Editors import into their
    /// communes (rows elsewhere are row errors), reviewers and admins anywhere; only they
    /// `certified`.
    pub fn start_import(
        self: &Arc<Self>, actor: Actor, request: ImportRequest,
    ) -> Result<ImportJob> {
        super::allow(
            actor.can_write(),
            "importing places needs an editor, reviewer or admin token",
        )?;
        super::allow(
            !request.certified || actor.can_certify(),
            "certifying on import needs a reviewer or admin token",
        )?;
        if request.bytes.is_empty() {
            return Err(RegistryError::InvalidQuery("the file is empty".into()));
        }
        super::check_import_format(
            &request.name,
            request.options.format.as_deref(),
            &request.bytes,
        )
        .map_err(RegistryError::InvalidQuery)?;
        let key = request.key(&actor);
        let view = ImportJob {
            id: job_id(&key),
            file: request.name.clone(),
            dry_run: request.dry_run,
            state: JobState::Running,
            records_done: 0,
            accepted: 0,
            rejected: 0,
            duplicates: 0,
            started_at: super::now(),
            finished_at: None,
            message: None,
            owner: actor.audit_name(),
        };
        let job = self.import_jobs.start(view)?;
        let answer = lock(&job).view.clone();
        let registry = self.clone();
        tokio::spawn(async move {
            let settings = ImportSettings {
                strict: request.options.strict,
                dry_run: request.dry_run,
                certified: request.certified,
                batch_size: HTTP_BATCH,
                exclusive: false,
            };
            let input = ImportInput::Bytes {
                name: request.name,
                bytes: request.bytes,
            };
            let mut observer = JobObserver {
                job: job.clone(),
                dry_run: request.dry_run,
            };
            let outcome = registry
                .import_file(actor, input, key, request.options, &settings, &mut observer)
                .await;
            let mut job = lock(&job);
            job.view.finished_at = Some(super::now());
            match outcome {
                Ok(summary) => {
                    let p = &summary.progress;
                    job.view.records_done = p.records_done;
                    job.view.accepted = p.accepted;
                    job.view.rejected = p.rejected;
                    job.view.duplicates = p.duplicates;
                    let (state, message) = match summary.end {
                        ImportEnd::Complete | ImportEnd::Interrupted => (JobState::Complete, None),
                        ImportEnd::AlreadyImported => (
                            JobState::AlreadyImported,
                            Some("this file was imported already (read the same way, by the same token); nothing was done".to_owned()),
                        ),
                        ImportEnd::StoppedStrict => (
                            JobState::Stopped,
                            Some(format!(
                                "stopped at the first bad record (strict); {} records before it are committed",
                                p.records_done
                            )),
                        ),
                        ImportEnd::Unreadable(e) => (JobState::Unreadable, Some(e)),
                    };
                    job.view.state = state;
                    if message.is_some() {
                        job.view.message = message;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, job = %job.view.id, "import failed");
                    job.view.state = JobState::Failed;
                    job.view.message = Some(
                        "the import failed (the error is logged); what was committed before stays — send the same file again to resume".into(),
                    );
                }
            }
        });
        Ok(answer)
    }

    /// An import's progress (its owner's or, for admins, anyone's).
    pub fn import_job(&self, actor: &Actor, id: &str) -> Result<ImportJob> {
        let job = self.import_jobs.get(actor, id)?;
        let view = lock(&job).view.clone();
        Ok(view)
    }

    /// An import's row-by-row report so far, in input order.
    pub fn import_report(&self, actor: &Actor, id: &str) -> Result<(ImportJob, Vec<ReportRow>)> {
        let job = self.import_jobs.get(actor, id)?;
        let job = lock(&job);
        Ok((job.view.clone(), job.rows.clone()))
    }

    /// The actor's imports (an admin's: everyone's), newest first.
    pub fn import_jobs(&self, actor: &Actor) -> Vec<ImportJob> {
        let name = actor.audit_name();
        let mut jobs: Vec<ImportJob> = self
            .import_jobs
            .lock()
            .values()
            .map(|j| lock(j).view.clone())
            .filter(|j| actor.can_admin() || j.owner == name)
            .collect();
        jobs.sort_by_key(|j| std::cmp::Reverse(j.started_at));
        jobs
    }
}
