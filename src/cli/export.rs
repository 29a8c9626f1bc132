//! `diachiso export places`: streamed export.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args;

use crate::crs::Crs;
use crate::formats::{FeatureWriter, Format};
use crate::registry::Registry;
use crate::store::StoreError;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// geojson, ndjson, csv or gpkg (GeoPackage: places, streets and communes as layers; needs
    /// --out).
    #[arg(long, default_value = "ndjson")]
    format: String,
    /// Only the places of this commune (5-digit code).
    #[arg(long)]
    commune: Option<String>,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The coordinates' system: CRS84 (default), EPSG:4756, EPSG:9205–9218 (Hưng Yên:
    /// EPSG:9209) or EPSG:3405/3406; CSV then has x, y (easting, northing) columns.
    #[arg(long)]
    crs: Option<String>,
}

pub async fn run(registry: &Registry, args: ExportArgs) -> anyhow::Result<()> {
    let crs = match &args.crs {
        Some(c) => Crs::parse(c).ok_or_else(|| {
            anyhow::anyhow!("--crs {c:?}: CRS84, EPSG:4756, EPSG:9205 to EPSG:9218 (Hưng Yên: EPSG:9209), EPSG:3405 or EPSG:3406")
        })?,
        None => Crs::Crs84,
    };
    if let Some(c) = &args.commune {
        if registry.communes().get(c).is_none() {
            anyhow::bail!("no commune {c} is loaded");
        }
    }
    if args.format.eq_ignore_ascii_case("gpkg") {
        let out = args
            .out
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("a GeoPackage is a file: give --out FILE.gpkg"))?;
        let counts = registry
            .export_geopackage(out, crs, args.commune.as_deref())
            .await?;
        let layers: Vec<String> = counts.iter().map(|(l, n)| format!("{n} {l}")).collect();
        eprintln!(
            "exported {} to {} ({crs})",
            layers.join(", "),
            out.display()
        );
        return Ok(());
    }
    let format = Format::parse(&args.format)
        .ok_or_else(|| anyhow::anyhow!("--format is geojson, ndjson, csv or gpkg"))?;
    let out: Box<dyn Write + Send> = match &args.out {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout()),
    };
    let mut writer = FeatureWriter::in_crs(BufWriter::new(out), format, crs)?;
    registry
        .export_places(args.commune.as_deref(), &mut |place| {
            writer
                .write(&registry.feature(&place))
                .map_err(|e| StoreError::Sink(e.to_string()))
        })
        .await?;
    let n = writer.finish()?;
    eprintln!("exported {n} places");
    Ok(())
}
