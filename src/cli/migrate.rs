//! `diachiso export registry` / `diachiso import registry`: moving a whole registry between
//! stores (SQLite → PostgreSQL, say), keeping every code, status, version, timestamp and
//! event with its sequence number.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Value};

use crate::event::Event;
use crate::place::place_from_feature;
use crate::registry::Registry;
use crate::store::{ImportProgress, StoreError};

#[derive(Debug, Args)]
pub struct ExportRegistryArgs {
    /// Output file (newline-delimited JSON).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportRegistryArgs {
    /// A file written by `diachiso export registry`.
    file: PathBuf,
}

/// Records per transaction when restoring.
const BATCH: usize = 5000;

/// Writes: a header line, the communes, every place (every status) as its Feature, then every
/// event of the log in order.
pub async fn export(registry: &Registry, args: ExportRegistryArgs) -> anyhow::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(&args.out)?);
    let stats = registry.stats().await?;
    writeln!(
        out,
        "{}",
        json!({
            "diachiso": "registry-export", "format_version": 1,
            "store": stats.store, "places": stats.counts.places, "events": stats.counts.events,
        })
    )?;
    for c in registry.communes().all() {
        writeln!(
            out,
            "{}",
            json!({"record": "commune", "feature": {
                "type": "Feature",
                "geometry": geojson::GeometryValue::from(&c.boundary),
                "properties": {"code": c.code, "name": c.name, "fullName": c.full_name,
                    "unit_type": c.unit_type, "province_code": c.province_code,
                    "province_name": c.province_name},
            }})
        )?;
    }
    let mut places = 0u64;
    registry
        .export_places(None, &mut |p| {
            places += 1;
            writeln!(
                out,
                "{}",
                json!({"record": "place", "feature": registry.feature(&p)})
            )
            .map_err(|e| StoreError::Sink(e.to_string()))
        })
        .await?;
    let mut after = 0;
    let mut events = 0u64;
    loop {
        let page = registry.events_after(after, 5000).await?;
        let Some(last) = page.last().map(|e| e.seq) else {
            break;
        };
        for e in &page {
            writeln!(out, "{}", json!({"record": "event", "event": e}))?;
        }
        events += page.len() as u64;
        after = last;
    }
    out.flush()?;
    eprintln!(
        "exported {} communes, {places} places and {events} events",
        registry.communes().len()
    );
    Ok(())
}

/// Restores an export into a store that holds no place and no event yet.
pub async fn import(registry: &Registry, args: ImportRegistryArgs) -> anyhow::Result<()> {
    let counts = registry.stats().await?.counts;
    if counts.places > 0 || counts.events > 0 {
        anyhow::bail!(
            "the target store already holds {} places and {} events; restore into an empty one",
            counts.places,
            counts.events
        );
    }
    let reader = BufReader::new(std::fs::File::open(&args.file)?);
    let mut lines = reader.lines().enumerate();
    let header: Value = match lines.next() {
        Some((_, line)) => serde_json::from_str(&line?)?,
        None => anyhow::bail!("the file is empty"),
    };
    if header["diachiso"] != "registry-export" || header["format_version"] != 1 {
        anyhow::bail!("not a diachiso registry export (format version 1)");
    }
    let mut communes = Vec::new();
    let mut places = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut progress = ImportProgress::new(
        format!("restore:{}", args.file.display()),
        args.file.display().to_string(),
    );
    let (mut n_places, mut n_events) = (0u64, 0u64);
    for (i, line) in lines {
        let record: Value =
            serde_json::from_str(&line?).map_err(|e| anyhow::anyhow!("line {}: {e}", i + 1))?;
        let bad = |e: String| anyhow::anyhow!("line {}: {e}", i + 1);
        match record["record"].as_str() {
            Some("commune") => communes.push(record["feature"].clone()),
            Some("place") => {
                if !communes.is_empty() {
                    let fc = json!({"type": "FeatureCollection", "features": std::mem::take(&mut communes)});
                    let loaded = crate::commune::load(&fc.to_string())?;
                    registry.import_communes(loaded).await?;
                }
                places.push(place_from_feature(&record["feature"]).map_err(bad)?);
                if places.len() == BATCH {
                    n_places += restore_places(registry, &mut places, &mut progress).await?;
                }
            }
            Some("event") => {
                n_places += restore_places(registry, &mut places, &mut progress).await?;
                events.push(
                    serde_json::from_value(record["event"].clone())
                        .map_err(|e| bad(e.to_string()))?,
                );
                if events.len() == BATCH {
                    n_events += events.len() as u64;
                    registry
                        .restore_events(&std::mem::take(&mut events))
                        .await?;
                }
            }
            _ => return Err(bad("unknown record".into())),
        }
    }
    n_places += restore_places(registry, &mut places, &mut progress).await?;
    n_events += events.len() as u64;
    registry.restore_events(&events).await?;
    progress.finished = true;
    registry.save_import_progress(&progress).await?;
    if Some(n_places as i64) != header["places"].as_i64()
        || Some(n_events as i64) != header["events"].as_i64()
    {
        anyhow::bail!(
            "restored {n_places} places and {n_events} events, but the export announced {} and {}",
            header["places"],
            header["events"]
        );
    }
    eprintln!("restored {n_places} places and {n_events} events");
    Ok(())
}

async fn restore_places(
    registry: &Registry, places: &mut Vec<crate::place::Place>, progress: &mut ImportProgress,
) -> anyhow::Result<u64> {
    if places.is_empty() {
        return Ok(0);
    }
    let n = places.len() as u64;
    progress.records_done += n;
    progress.accepted += n;
    registry.restore_places(places, progress).await?;
    places.clear();
    Ok(n)
}
