//! GeoPackage files (OGC 12-128r18, version 1.3), what the Department's GIS staff exchange in
//! QGIS: one SQLite database with a layer per table. Written here from GeoJSON Features, in
//! CRS84 or a VN-2000 system.
//!
//! A GeoPackage is SQLite by definition, so this module speaks SQL (through sqlx, the store's
//! driver) — to a file of its own, never to the registry's database.

use std::path::Path;
use std::str::FromStr;

use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, SqliteConnection};

use crate::crs::Crs;

/// Why a GeoPackage could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GeoPackageError {
    #[error("GeoPackage: {0}")]
    Sqlite(#[from] sqlx::Error),
}

pub type Result<T> = std::result::Result<T, GeoPackageError>;

/// A layer's geometry type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    Point,
    LineString,
    MultiPolygon,
}

impl GeometryType {
    fn name(self) -> &'static str {
        match self {
            GeometryType::Point => "POINT",
            GeometryType::LineString => "LINESTRING",
            GeometryType::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

/// A layer: its table, geometry type, and columns (name → where in a Feature's properties,
/// as a JSON pointer such as `/address/street`).
#[derive(Debug, Clone)]
pub struct Layer {
    pub table: &'static str,
    pub description: &'static str,
    pub geometry: GeometryType,
    pub columns: Vec<(&'static str, &'static str)>,
}

/// The WKT (version 1) of a system, with its EPSG code, for `gpkg_spatial_ref_sys`.
fn wkt(crs: Crs) -> String {
    const WGS84: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;
    const VN2000: &str = r#"GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]]"#;
    match crs {
        Crs::Crs84 => WGS84.to_owned(),
        Crs::Vn2000 => VN2000.to_owned(),
        Crs::Vn2000Tm { epsg, lon0, k0 } => {
            let name = match epsg {
                3405 => "VN-2000 / UTM zone 48N".to_owned(),
                3406 => "VN-2000 / UTM zone 49N".to_owned(),
                _ => {
                    let deg = lon0.trunc();
                    let min = ((lon0 - deg) * 60.0).round();
                    format!("VN-2000 / TM-3 {deg}-{min:02}")
                }
            };
            format!(
                r#"PROJCS["{name}",{VN2000},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{lon0}],PARAMETER["scale_factor",{k0}],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","{epsg}"]]"#
            )
        }
    }
}

/// The srs_id a system has in the file (its EPSG code; CRS84 as 4326, lon/lat order, as
/// GeoPackage requires for 4326).
fn srs_id(crs: Crs) -> i64 {
    i64::from(crs.epsg())
}

/// A GeoPackage being written: layers one after another, features one at a time, all in one
/// transaction (a file half written is never left as if it were whole).
pub struct GeoPackage {
    /// The file, with a transaction open from `create` to `finish` (dropped before, the file
    /// is rolled back).
    db: SqliteConnection,
    crs: Crs,
    /// The layer being written, its insert statement, extent and count.
    layer: Option<(Layer, String, Envelope, usize)>,
    counts: Vec<(&'static str, usize)>,
}

impl GeoPackage {
    /// Starts a GeoPackage at `path` (replacing a file there) whose coordinates are in `crs`.
    pub async fn create(path: &Path, crs: Crs) -> Result<GeoPackage> {
        let _ = std::fs::remove_file(path);
        let options = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Delete);
        let mut db = SqliteConnection::connect_with(&options).await?;
        // 'GPKG' and version 1.3.0.
        sqlx::query("PRAGMA application_id = 1196444487")
            .execute(&mut db)
            .await?;
        sqlx::query("PRAGMA user_version = 10300")
            .execute(&mut db)
            .await?;
        sqlx::query("BEGIN").execute(&mut db).await?;
        for sql in include_str!("geopackage.sql")
            .split(";\n")
            .filter(|s| !s.trim().is_empty())
        {
            sqlx::query(sql).execute(&mut db).await?;
        }
        // WGS 84 (required in every GeoPackage), and the file's own system.
        for system in [Crs::Crs84, crs] {
            sqlx::query(
                "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition) VALUES (?1, ?2, 'EPSG', ?2, ?3)",
            )
            .bind(if system == Crs::Crs84 { "WGS 84 geodetic".to_owned() } else { system.to_string() })
            .bind(srs_id(system))
            .bind(wkt(system))
            .execute(&mut db)
            .await?;
        }
        Ok(GeoPackage {
            db,
            crs,
            layer: None,
            counts: Vec::new(),
        })
    }

    /// Starts a layer (ending the one before).
    pub async fn layer(&mut self, layer: Layer) -> Result<()> {
        self.end_layer().await?;
        let columns: Vec<String> = layer
            .columns
            .iter()
            .map(|(name, _)| format!("\"{name}\" TEXT"))
            .collect();
        let create = format!(
            "CREATE TABLE \"{}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {}, {})",
            layer.table,
            layer.geometry.name(),
            columns.join(", ")
        );
        sqlx::query(&create).execute(&mut self.db).await?;
        let placeholders: Vec<String> = (0..layer.columns.len())
            .map(|i| format!("?{}", i + 2))
            .collect();
        let names: Vec<String> = layer
            .columns
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect();
        let insert = format!(
            "INSERT INTO \"{}\" (geom, {}) VALUES (?1, {})",
            layer.table,
            names.join(", "),
            placeholders.join(", ")
        );
        self.layer = Some((layer, insert, Envelope::default(), 0));
        Ok(())
    }

    /// Adds a Feature (CRS84) to the layer being written; a feature without a geometry of the
    /// layer's kind is left out.
    pub async fn add(&mut self, feature: &Value) -> Result<()> {
        let Some((layer, insert, extent, count)) = &mut self.layer else {
            return Ok(());
        };
        let Some((blob, envelope)) = geometry_blob(&feature["geometry"], self.crs) else {
            return Ok(());
        };
        extent.add(&envelope);
        let mut q = sqlx::query(insert.as_str()).bind(blob);
        for (_, pointer) in &layer.columns {
            q = q.bind(match feature["properties"].pointer(pointer) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Object(o)) if o.is_empty() => None,
                Some(other) => Some(other.to_string()),
            });
        }
        q.execute(&mut self.db).await?;
        *count += 1;
        Ok(())
    }

    async fn end_layer(&mut self) -> Result<()> {
        let Some((layer, _, extent, count)) = self.layer.take() else {
            return Ok(());
        };
        let srs = srs_id(self.crs);
        let e = extent.finite();
        sqlx::query(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(layer.table)
        .bind(layer.description)
        .bind(e.map(|e| e[0]))
        .bind(e.map(|e| e[1]))
        .bind(e.map(|e| e[2]))
        .bind(e.map(|e| e[3]))
        .bind(srs)
        .execute(&mut self.db)
        .await?;
        sqlx::query(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        )
        .bind(layer.table)
        .bind(layer.geometry.name())
        .bind(srs)
        .execute(&mut self.db)
        .await?;
        self.counts.push((layer.table, count));
        Ok(())
    }

    /// Ends the last layer and commits the file; how many features each layer got.
    pub async fn finish(mut self) -> Result<Vec<(&'static str, usize)>> {
        self.end_layer().await?;
        sqlx::query("COMMIT").execute(&mut self.db).await?;
        self.db.close().await?;
        Ok(self.counts)
    }
}

/// A bounding box being grown.
#[derive(Debug, Clone, Copy)]
struct Envelope([f64; 4]);

impl Default for Envelope {
    fn default() -> Self {
        Envelope([f64::MAX, f64::MAX, f64::MIN, f64::MIN])
    }
}

impl Envelope {
    fn point(&mut self, x: f64, y: f64) {
        let e = &mut self.0;
        *e = [e[0].min(x), e[1].min(y), e[2].max(x), e[3].max(y)];
    }

    fn add(&mut self, other: &Envelope) {
        self.point(other.0[0], other.0[1]);
        self.point(other.0[2], other.0[3]);
    }

    fn finite(&self) -> Option<[f64; 4]> {
        (self.0[0] <= self.0[2]).then_some(self.0)
    }
}

/// A GeoJSON geometry as a GeoPackage geometry blob (header with the envelope, then
/// little-endian WKB), coordinates written in `crs` as x (easting or longitude), y.
fn geometry_blob(geometry: &Value, crs: Crs) -> Option<(Vec<u8>, Envelope)> {
    let kind = geometry["type"].as_str()?;
    let coords = &geometry["coordinates"];
    let mut envelope = Envelope::default();
    let mut wkb = Vec::new();
    let mut point = |c: &Value, out: &mut Vec<u8>| -> Option<()> {
        let [x, y] = crs.from_wgs84(c[0].as_f64()?, c[1].as_f64()?);
        envelope.point(x, y);
        out.extend(x.to_le_bytes());
        out.extend(y.to_le_bytes());
        Some(())
    };
    let header = |out: &mut Vec<u8>, wkb_type: u32| {
        out.push(1);
        out.extend(wkb_type.to_le_bytes());
    };
    let count = |out: &mut Vec<u8>, n: usize| out.extend((n as u32).to_le_bytes());
    match kind {
        "Point" => {
            header(&mut wkb, 1);
            point(coords, &mut wkb)?;
        }
        "LineString" => {
            header(&mut wkb, 2);
            let pts = coords.as_array()?;
            count(&mut wkb, pts.len());
            for p in pts {
                point(p, &mut wkb)?;
            }
        }
        "Polygon" | "MultiPolygon" => {
            let polygons: Vec<&Value> = if kind == "Polygon" {
                vec![coords]
            } else {
                coords.as_array()?.iter().collect()
            };
            header(&mut wkb, 6);
            count(&mut wkb, polygons.len());
            for polygon in polygons {
                header(&mut wkb, 3);
                let rings = polygon.as_array()?;
                count(&mut wkb, rings.len());
                for ring in rings {
                    let pts = ring.as_array()?;
                    count(&mut wkb, pts.len());
                    for p in pts {
                        point(p, &mut wkb)?;
                    }
                }
            }
        }
        _ => return None,
    }
    // "GP", version 0, flags: little-endian, envelope [minx, maxx, miny, maxy].
    let mut blob = vec![b'G', b'P', 0, 0b0000_0011];
    blob.extend((srs_id(crs) as i32).to_le_bytes());
    let e = envelope.0;
    for v in [e[0], e[2], e[1], e[3]] {
        blob.extend(v.to_le_bytes());
    }
    blob.extend(wkb);
    Some((blob, envelope))
}

/// The layers of a registry export: places, streets, communes.
pub fn registry_layers() -> [Layer; 3] {
    [
        Layer {
            table: "places",
            description: "Địa điểm — registered places (diachiso)",
            geometry: GeometryType::Point,
            columns: vec![
                ("code", "/code"),
                ("kind", "/kind"),
                ("name", "/name"),
                ("commune_code", "/commune_code"),
                ("commune_name", "/commune_name"),
                ("status", "/status"),
                ("house_number", "/address/house_number"),
                ("street", "/address/street"),
                ("hamlet", "/address/hamlet"),
                ("attributes", "/attributes"),
                ("external_ids", "/external_ids"),
                ("generated", "/generated"),
                ("version", "/version"),
                ("created_at", "/created_at"),
                ("updated_at", "/updated_at"),
            ],
        },
        Layer {
            table: "streets",
            description: "Đường, phố, ngõ — streets and alleys (diachiso)",
            geometry: GeometryType::LineString,
            columns: vec![
                ("street_id", "/id"),
                ("street_type", "/street_type"),
                ("name", "/display_name"),
                ("communes", "/communes"),
                ("numbering_direction", "/numbering_direction"),
                ("status", "/status"),
                ("generated", "/generated"),
                ("version", "/version"),
            ],
        },
        Layer {
            table: "communes",
            description: "Xã, phường — communes (boundaries from sapnhap.bando.com.vn)",
            geometry: GeometryType::MultiPolygon,
            columns: vec![
                ("code", "/code"),
                ("name", "/name"),
                ("full_name", "/full_name"),
                ("unit_type", "/unit_type"),
                ("area_km2", "/area_km2"),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_point_blob_has_the_header_and_the_wkb() {
        let (blob, e) = geometry_blob(
            &json!({"type": "Point", "coordinates": [106.05, 20.66]}),
            Crs::HUNG_YEN,
        )
        .unwrap();
        assert_eq!(&blob[..4], &[b'G', b'P', 0, 3]);
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 9209);
        assert_eq!(blob.len(), 8 + 32 + 21);
        let x = f64::from_le_bytes(blob[45..53].try_into().unwrap());
        assert!((x - 557_111.143).abs() < 0.001, "{x}");
        assert_eq!(e.0[0], e.0[2]);
        assert!(
            wkt(Crs::HUNG_YEN).contains("central_meridian\",105.5")
                && wkt(Crs::HUNG_YEN).contains("TM-3 105-30")
        );
    }
}
