//! Vector tiles of places for the map viewer: Web Mercator tile math, a small MVT writer
//! ([`mvt`]) and the `places` layer, thinned at low zoom.
//!
//! Below [`FULL_DETAIL_ZOOM`] a tile keeps one point per cell of a grid ([`grid_cells`] per
//! side: [`GRID`] from zoom 12, coarser below, so province-wide tiles stay small) (the visible
//! place with the smallest code in that cell, see [`ThinnedTile`]) with a `count` property
//! saying how many visible places the cell holds; from [`FULL_DETAIL_ZOOM`] on every visible place is in its
//! tile. Both carry `code`, `kind` and `status`, and from [`NAME_ZOOM`] on `name`.

pub mod mvt;
mod thinned;

use std::f64::consts::PI;

use crate::code::LocationCode;
use crate::place::{PlaceDoc, PlaceKind, Status};

pub use mvt::EXTENT;
pub use thinned::ThinnedTile;

/// The largest zoom level served.
pub const MAX_ZOOM: u8 = 22;
/// From this zoom on, tiles hold every place (no thinning).
pub const FULL_DETAIL_ZOOM: u8 = 14;
/// Below this zoom tiles leave out the `name` property (labels are drawn from zoom 15), which
/// keeps a province-wide tile small.
pub const NAME_ZOOM: u8 = 12;
/// Cells per tile side when thinning, from zoom 12 up to [`FULL_DETAIL_ZOOM`].
pub const GRID: u32 = 256;

/// Cells per tile side when thinning at zoom `z`: 256 from zoom 12, 128 at zooms 10–11, 64
/// below. A z10 tile over a dense province held ~1 MB with 256 (measured, BENCHMARKS.md);
/// points are drawn a few pixels wide, so a cell of 4 pixels loses nothing visible.
pub fn grid_cells(z: u8) -> u32 {
    match z {
        0..=9 => 64,
        10..=11 => 128,
        _ => GRID,
    }
}
/// Points this far outside a tile (in tile units) are still written, so that symbols near an
/// edge are drawn whole by both tiles.
pub const BUFFER: i32 = 64;

/// The largest latitude Web Mercator shows.
const MAX_LAT: f64 = 85.051_128_779_806_59;

/// A tile address `z/x/y` (XYZ scheme, y from the north).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    /// The tile, if `z ≤ MAX_ZOOM` and `x, y < 2^z`.
    pub fn new(z: u32, x: u32, y: u32) -> Option<TileId> {
        if z > u32::from(MAX_ZOOM) {
            return None;
        }
        let n = 1u32 << z;
        (x < n && y < n).then_some(TileId { z: z as u8, x, y })
    }

    fn scale(&self) -> f64 {
        f64::from(1u32 << self.z)
    }

    /// Position of a point in this tile, in tile units (0..EXTENT inside the tile).
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let [wx, wy] = world(lon, lat);
        let n = self.scale();
        (
            (wx * n - f64::from(self.x)) * f64::from(EXTENT),
            (wy * n - f64::from(self.y)) * f64::from(EXTENT),
        )
    }

    /// `[min lon, min lat, max lon, max lat]` of the tile grown by `buffer` tile units.
    pub fn bbox(&self, buffer: i32) -> [f64; 4] {
        let n = self.scale();
        let b = f64::from(buffer) / f64::from(EXTENT);
        let west = (f64::from(self.x) - b) / n;
        let east = (f64::from(self.x) + 1.0 + b) / n;
        let north = (f64::from(self.y) - b) / n;
        let south = (f64::from(self.y) + 1.0 + b) / n;
        [lon_of(west), lat_of(south), lon_of(east), lat_of(north)]
    }
}

/// Web Mercator position of a point in the world square `[0, 1]²` (y from the north).
pub fn world(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0;
    [x, y]
}

fn lon_of(wx: f64) -> f64 {
    wx * 360.0 - 180.0
}

fn lat_of(wy: f64) -> f64 {
    (PI * (1.0 - 2.0 * wy)).sinh().atan().to_degrees()
}

/// The `places` layer of a tile, from the places in (or near) it; `visible` says which places
/// the caller may see. Returns the encoded tile (empty when no place is visible there).
pub fn places_tile<'a>(
    tile: TileId, places: impl Iterator<Item = &'a PlaceDoc>, visible: impl Fn(&PlaceDoc) -> bool,
) -> Vec<u8> {
    if tile.z < FULL_DETAIL_ZOOM {
        return ThinnedTile::cut(tile, places, visible).encode();
    }
    let mut layer = mvt::LayerBuilder::new("places");
    for d in places.filter(|d| visible(d)) {
        let (x, y) = tile.project(d.lon, d.lat);
        if in_buffered_tile(x, y) {
            add(
                &mut layer,
                (d.code, d.kind, d.status, Some(&d.name)),
                (x, y),
                None,
            );
        }
    }
    mvt::tile(vec![layer])
}

/// Whether a position in tile units lies in the tile or its buffer (what a tile draws).
fn in_buffered_tile(x: f64, y: f64) -> bool {
    let lo = f64::from(-BUFFER);
    let hi = f64::from(EXTENT as i32 + BUFFER);
    (lo..hi).contains(&x) && (lo..hi).contains(&y)
}

/// Adds a place's point: `code`, `kind`, `status`, `name` when given and `count` when given.
fn add(
    layer: &mut mvt::LayerBuilder,
    (code, kind, status, name): (LocationCode, PlaceKind, Status, Option<&str>),
    (x, y): (f64, f64), count: Option<u32>,
) {
    let code = code.to_string();
    let mut props = vec![
        ("code", mvt::Value::Str(&code)),
        ("kind", mvt::Value::Str(kind.as_str())),
        ("status", mvt::Value::Str(status.as_str())),
    ];
    if let Some(name) = name {
        props.push(("name", mvt::Value::Str(name)));
    }
    if let Some(n) = count {
        props.push(("count", mvt::Value::Uint(u64::from(n))));
    }
    layer.add_point(code_id(&code), x.round() as i32, y.round() as i32, &props);
}

/// The feature id: the location code as a number (12 digits fit in 40 bits).
fn code_id(code: &str) -> u64 {
    code.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::mvt::decode::{self, Val};
    use super::*;

    /// A tourist site in Phố Hiến's commune at a point (lon, lat in degrees).
    pub(super) fn doc(lon: f64, lat: f64, status: Status, name: &str) -> PlaceDoc {
        let code = crate::code::encode(lon, lat).expect("inside the grid");
        PlaceDoc::new(
            code,
            PlaceKind::TouristSite,
            status,
            "11953",
            [lon, lat],
            name,
            [None, None, None],
        )
    }

    #[test]
    fn tile_addresses_are_validated() {
        assert!(TileId::new(0, 0, 0).is_some());
        assert!(TileId::new(0, 1, 0).is_none());
        assert!(TileId::new(3, 7, 7).is_some());
        assert!(TileId::new(3, 8, 0).is_none());
        assert!(TileId::new(22, (1 << 22) - 1, 0).is_some());
        assert!(TileId::new(23, 0, 0).is_none());
        assert!(TileId::new(40, 0, 0).is_none());
    }

    #[test]
    fn tile_math_matches_the_known_tiles() {
        // Chùa Keo, Phố Hiến: z14 tile 13019/7230 (the usual slippy-map formula).
        let (lon, lat) = (106.068, 20.6634);
        let [wx, wy] = world(lon, lat);
        let z = 14u32;
        let (tx, ty) = ((wx * 16384.0) as u32, (wy * 16384.0) as u32);
        let expected_x = ((lon + 180.0) / 360.0 * 16384.0).floor() as u32;
        let lr = lat.to_radians();
        let expected_y =
            ((1.0 - (lr.tan() + 1.0 / lr.cos()).ln() / PI) / 2.0 * 16384.0).floor() as u32;
        assert_eq!((tx, ty), (expected_x, expected_y));
        let t = TileId::new(z, tx, ty).unwrap();
        let (x, y) = t.project(lon, lat);
        assert!((0.0..4096.0).contains(&x) && (0.0..4096.0).contains(&y));
        // The bbox holds the point, and its corners project onto the tile's corners.
        let b = t.bbox(0);
        assert!(b[0] <= lon && lon <= b[2] && b[1] <= lat && lat <= b[3]);
        let (x0, y0) = t.project(b[0], b[3]);
        let (x1, y1) = t.project(b[2], b[1]);
        assert!(x0.abs() < 1e-6 && y0.abs() < 1e-6, "{x0} {y0}");
        assert!((x1 - 4096.0).abs() < 1e-6 && (y1 - 4096.0).abs() < 1e-6);
        // Zoom 0 is the whole world.
        let w = TileId::new(0, 0, 0).unwrap().bbox(0);
        assert!((w[0] + 180.0).abs() < 1e-9 && (w[2] - 180.0).abs() < 1e-9);
        assert!((w[3] - MAX_LAT).abs() < 1e-9);
    }

    #[test]
    fn full_detail_tiles_hold_every_visible_place_where_it_is() {
        let docs = [
            doc(106.068, 20.6634, Status::Active, "Chùa Keo"),
            doc(106.0681, 20.6635, Status::Provisional, "Nhà tạm"),
        ];
        let [wx, wy] = world(106.068, 20.6634);
        let t = TileId::new(16, (wx * 65536.0) as u32, (wy * 65536.0) as u32).unwrap();
        let bytes = places_tile(t, docs.iter(), |d| d.status == Status::Active);
        let layers = decode::tile(&bytes);
        assert_eq!(layers.len(), 1);
        let f = &layers[0].features;
        assert_eq!(f.len(), 1, "the provisional place is hidden");
        assert_eq!(f[0].props["name"], Val::Str("Chùa Keo".into()));
        assert_eq!(f[0].props["kind"], Val::Str("tourist_site".into()));
        assert_eq!(f[0].props["status"], Val::Str("active".into()));
        assert_eq!(
            f[0].props["code"],
            Val::Str(docs[0].code.to_string()),
            "code property"
        );
        assert_eq!(f[0].id, docs[0].code.to_string().parse::<u64>().unwrap());
        assert!(!f[0].props.contains_key("count"));
        let (x, y) = t.project(106.068, 20.6634);
        assert_eq!((f[0].x, f[0].y), (x.round() as i32, y.round() as i32));

        let all = places_tile(t, docs.iter(), |_| true);
        assert_eq!(decode::tile(&all)[0].features.len(), 2);
    }

    #[test]
    fn low_zoom_tiles_keep_one_point_per_cell_with_a_count() {
        // 100 places within a few metres, and one 300 m away.
        let mut docs: Vec<PlaceDoc> = (0..100)
            .map(|i| doc(106.068 + f64::from(i) * 1e-6, 20.6634, Status::Active, "n"))
            .collect();
        docs.push(doc(106.0705, 20.6651, Status::Active, "far"));
        let [wx, wy] = world(106.068, 20.6634);
        let t = TileId::new(12, (wx * 4096.0) as u32, (wy * 4096.0) as u32).unwrap();
        let layers = decode::tile(&places_tile(t, docs.iter(), |_| true));
        let f = &layers[0].features;
        assert_eq!(f.len(), 2);
        let mut counts: Vec<u64> = f
            .iter()
            .map(|f| match f.props["count"] {
                Val::Uint(n) => n,
                _ => panic!("count is a uint"),
            })
            .collect();
        counts.sort();
        assert_eq!(counts, [1, 100]);
        // Each cell shows its place with the smallest code, where that place is.
        let smallest = docs[..100].iter().map(|d| d.code).min().unwrap();
        for feat in f {
            let d = docs
                .iter()
                .find(|d| Val::Str(d.code.to_string()) == feat.props["code"])
                .unwrap();
            assert!(d.name.as_ref() == "far" || d.code == smallest);
            let (x, y) = t.project(d.lon, d.lat);
            assert!((feat.x - x.round() as i32).abs() <= 0);
            assert!((feat.y - y.round() as i32).abs() <= 0);
        }
    }

    #[test]
    fn nothing_visible_is_an_empty_tile() {
        let docs = [doc(106.068, 20.6634, Status::Retired, "x")];
        let t = TileId::new(0, 0, 0).unwrap();
        assert!(places_tile(t, docs.iter(), |d| d.status == Status::Active).is_empty());
        assert!(places_tile(t, std::iter::empty(), |_| true).is_empty());
    }
}
