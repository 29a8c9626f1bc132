//! `diachiso demo` and `serve --demo`: fill an empty store with labelled generated data —
//! places (certified, so the public map shows them), the generator's streets as registry
//! streets, and a resident-count snapshot whose commune totals follow data/'s populations.

use std::sync::Arc;

use crate::auth::Actor;
use crate::commune::CommuneIndex;
use crate::formats::{FeatureWriter, Format};
use crate::generate::{generate, generate_residents, GeneratedStreet};
use crate::place::PlaceKind;
use crate::registry::Registry;
use crate::street::StreetDraft;

/// Loads `places` generated places (seed `seed`) with their streets and resident counts into
/// an empty registry.
pub async fn load(registry: &Arc<Registry>, places: usize, seed: u64) -> anyhow::Result<()> {
    if registry.place_count() > 0 {
        anyhow::bail!(
            "the store already holds {} places; demo data goes into an empty store only",
            registry.place_count()
        );
    }
    let started = std::time::Instant::now();
    let communes: Arc<CommuneIndex> = registry.communes();
    let file = std::env::temp_dir().join(format!(
        "diachiso-demo-{}-{seed}.ndjson",
        std::process::id()
    ));
    let mut streets: Vec<GeneratedStreet> = Vec::new();
    {
        let mut writer = FeatureWriter::new(
            std::io::BufWriter::new(std::fs::File::create(&file)?),
            Format::NdJson,
        )?;
        generate(
            &communes,
            places,
            seed,
            |s| {
                streets.push(s.clone());
                Ok::<(), std::io::Error>(())
            },
            |p| writer.write(&p),
        )?;
        writer.finish()?;
    }
    super::import::run(
        registry,
        super::import::ImportArgs::for_file(file.clone(), true),
    )
    .await?;
    let _ = std::fs::remove_file(&file);
    let mut drawn = 0;
    for s in &streets {
        let feature = serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": s.line},
            "properties": {
                "street_type": if s.street_type == "phố" { "pho" } else { "duong" },
                "name": s.name,
                "generated": true,
            }
        });
        let Ok(draft) = StreetDraft::from_feature(&feature) else {
            continue;
        };
        if registry.create_street(&Actor::Local, draft).await.is_ok() {
            drawn += 1;
        }
    }
    let houses: Vec<(crate::code::LocationCode, String)> = registry.with_catalog(|c| {
        c.iter()
            .filter(|d| d.kind == PlaceKind::House)
            .map(|d| (d.code, d.commune_code()))
            .collect()
    });
    let (rows, scale) = generate_residents(&houses, &communes, seed);
    let today = chrono::Utc::now().date_naive();
    let snapshot = registry
        .import_residents(&Actor::Local, today, "generated demo data", rows, true)
        .await?;
    eprintln!(
        "demo data (generated, labelled so): {} places, {drawn} of {} streets, resident snapshot {} \
         ({} residents in {} houses; commune populations × {scale:.4}) in {:.1} s",
        registry.place_count(),
        streets.len(),
        snapshot.as_of,
        snapshot.residents,
        snapshot.addresses,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
