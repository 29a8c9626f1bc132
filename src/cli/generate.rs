//! `diachiso generate`: labelled demo data.

use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;

use crate::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
use crate::formats::{FeatureWriter, Format};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many places.
    #[arg(long)]
    places: usize,
    /// Seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file for the places; the format follows the extension (.geojson, .ndjson, .csv).
    #[arg(long)]
    out: PathBuf,
    /// Output file for the generated streets (GeoJSON LineStrings).
    #[arg(long)]
    streets: Option<PathBuf>,
    /// Commune boundaries to generate in (default: the embedded Hưng Yên communes).
    #[arg(long)]
    communes: Option<PathBuf>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let format = Format::from_path(&args.out)
        .ok_or_else(|| anyhow::anyhow!("--out must end in .geojson, .ndjson or .csv"))?;
    let communes = match &args.communes {
        Some(path) => load(&std::fs::read_to_string(path)?)?,
        None => load(HUNG_YEN_COMMUNES_GEOJSON)?,
    };
    let index = CommuneIndex::new(communes);
    let started = std::time::Instant::now();
    let mut places = FeatureWriter::new(BufWriter::new(std::fs::File::create(&args.out)?), format)?;
    let mut streets = match &args.streets {
        Some(path) => Some(FeatureWriter::new(
            BufWriter::new(std::fs::File::create(path)?),
            Format::from_path(path).unwrap_or(Format::GeoJson),
        )?),
        None => None,
    };
    let summary = crate::generate::generate(
        &index,
        args.places,
        args.seed,
        |s| match streets.as_mut() {
            Some(w) => w.write(&s.feature()),
            None => Ok(()),
        },
        |p| places.write(&p),
    )?;
    places.finish()?;
    if let Some(w) = streets {
        w.finish()?;
    }
    eprintln!(
        "generated {} places on {} streets in {:.1} s (seed {}; every record has generated: true): {:?}",
        summary.places,
        summary.streets,
        started.elapsed().as_secs_f64(),
        args.seed,
        summary.by_kind
    );
    Ok(())
}
