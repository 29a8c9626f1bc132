//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt` — vector tiles of places for the map viewer, built from
//! the in-memory catalog (see `crate::tiles`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::extract::Auth;
use super::problem::{ApiResult, Problem};
use super::responses;
use super::AppState;
use crate::place::{PlaceDoc, Status};
use crate::tiles::{places_tile, ThinnedTile, TileId, BUFFER, FULL_DETAIL_ZOOM};

/// The media type of a Mapbox Vector Tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// Most bytes of tiles kept (a province-wide z10 tile at 1M places is about 1 MB).
const CACHE_BYTES: usize = 256 * 1024 * 1024;

/// Most cells of a kept low-zoom tile recounted after changes; more, and the tile is cut
/// afresh (a cell is a box query over a few hundred metres, the whole tile one over ~100,000
/// places at 1M).
const MOST_CELLS_RECOUNTED: usize = 256;

/// Bands of cells a low-zoom tile is counted in when cut afresh, one look at the catalog each.
/// With 32 bands the densest band of a z10 tile over 1M places held the catalog for up to
/// 80 ms (BENCHMARKS.md); a band is a row or two of cells at zooms 10–11 now.
const BANDS: u32 = 128;

/// Tiles already cut, each with the generation of the catalog it was cut from. A tile of an
/// older generation is still served when no change since touched its area (with the buffer
/// its features may reach into): one registration redraws the few tiles over it, not the
/// whole map. A low-zoom tile also keeps its cells ([`ThinnedTile`]), so that the change
/// redraws only the cells it touched: cutting a z10 tile anew holds the catalog for tens of
/// milliseconds at 1M places, recounting a cell for well under one.
#[derive(Debug, Default)]
pub struct TileCache {
    inner: std::sync::Mutex<TileCacheInner>,
}

/// One cut at a time per tile: the requests that find a tile stale while it is being cut wait
/// for that cut instead of each cutting it again (32 clients on a z10 tile would otherwise
/// cut it 32 times).
type Gate = std::sync::Arc<tokio::sync::Mutex<()>>;

#[derive(Debug, Default)]
struct TileCacheInner {
    bytes: usize,
    tiles: std::collections::HashMap<TileKey, Kept>,
    /// The tiles being cut now.
    cutting: std::collections::HashMap<TileKey, Gate>,
}

/// (z, x, y, sees every status).
type TileKey = (u32, u32, u32, bool);

/// A tile kept: the generation it is current for, the encoded tile, and for a low-zoom tile
/// its cells (taken out while a cut brings them up to date).
#[derive(Debug)]
struct Kept {
    generation: u64,
    tile: Bytes,
    thinned: Option<ThinnedTile>,
}

impl Kept {
    fn weight(&self) -> usize {
        self.tile.len() + self.thinned.as_ref().map_or(0, ThinnedTile::heap_bytes)
    }
}

impl TileCache {
    fn get(&self, key: TileKey) -> Option<(u64, Bytes)> {
        let inner = self.inner.lock().ok()?;
        inner
            .tiles
            .get(&key)
            .map(|k| (k.generation, k.tile.clone()))
    }

    /// The cells of a kept low-zoom tile and the generation they are current for, taken out
    /// of the cache for a cut to bring up to date.
    fn take_thinned(&self, key: TileKey) -> Option<(u64, ThinnedTile)> {
        let mut inner = self.inner.lock().ok()?;
        let kept = inner.tiles.get_mut(&key)?;
        let thinned = kept.thinned.take()?;
        let generation = kept.generation;
        inner.bytes = inner.bytes.saturating_sub(thinned.heap_bytes());
        Some((generation, thinned))
    }

    /// The gate of a tile's cut (made when none is open).
    fn gate(&self, key: TileKey) -> Gate {
        match self.inner.lock() {
            Ok(mut inner) => inner.cutting.entry(key).or_default().clone(),
            Err(_) => Gate::default(),
        }
    }

    /// Closes a tile's gate once it is cut (those already waiting hold it still).
    fn cut(&self, key: TileKey) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.cutting.remove(&key);
        }
    }

    /// The tile kept for `key` if it is still current: cut from this generation, or from an
    /// older one when no change since touched `bbox` (then it is marked current).
    fn current(
        &self, registry: &crate::registry::Registry, key: TileKey, bbox: [f64; 4],
    ) -> Option<Bytes> {
        let (cut_at, bytes) = self.get(key)?;
        let now = registry.with_catalog(|c| {
            let now = c.generation();
            (cut_at == now || c.touched_since(cut_at, bbox) == Some(false)).then_some(now)
        })?;
        if now != cut_at {
            if let Ok(mut inner) = self.inner.lock() {
                if let Some(kept) = inner.tiles.get_mut(&key) {
                    kept.generation = kept.generation.max(now);
                }
            }
        }
        Some(bytes)
    }

    /// Keeps a tile cut from `generation` (unless a newer one is kept already).
    fn put(&self, key: TileKey, kept: Kept) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner
            .tiles
            .get(&key)
            .is_some_and(|k| k.generation > kept.generation)
        {
            return;
        }
        let weight = kept.weight();
        if inner.bytes + weight > CACHE_BYTES {
            inner.tiles.clear();
            inner.bytes = 0;
        }
        inner.bytes += weight;
        if let Some(old) = inner.tiles.insert(key, kept) {
            inner.bytes = inner.bytes.saturating_sub(old.weight());
        }
    }
}

/// Cuts a tile from the catalog, or brings a kept low-zoom tile's cells up to date by
/// recounting those the changes since touched. A low-zoom tile is counted a band of cells (or
/// one touched cell) per look at the catalog and encoded after: writers never wait for a whole
/// tile. The tile is labelled with the generation read before the first look; a change made
/// while it is counted is journaled after that generation, so the next request recounts its
/// cells.
fn cut_tile(
    registry: &crate::registry::Registry, tile: TileId, all: bool, kept: Option<(u64, ThinnedTile)>,
) -> Kept {
    let visible = |d: &PlaceDoc| all || d.status == Status::Active;
    let bbox = tile.bbox(BUFFER);
    if tile.z >= FULL_DETAIL_ZOOM {
        let (generation, tile) =
            registry.with_catalog(|c| (c.generation(), places_tile(tile, c.in_box(bbox), visible)));
        return Kept {
            generation,
            tile: tile.into(),
            thinned: None,
        };
    }
    // The cells to count: those the changes since the kept cut touched, or all of them.
    let (generation, mut thinned, rects) = registry.with_catalog(|c| {
        let now = c.generation();
        if let Some((since, thinned)) = kept {
            if let Some(points) = c.changed_points_since(since, bbox) {
                let cells = thinned.cells_at(points);
                if cells.len() <= MOST_CELLS_RECOUNTED {
                    let rects: Vec<_> = cells.into_iter().map(|i| thinned.rect_of(i)).collect();
                    return (now, thinned, rects);
                }
            }
        }
        let fresh = ThinnedTile::new(tile);
        let bands = fresh.bands(BANDS);
        (now, fresh, bands)
    });
    for rect in rects {
        let b = thinned.rect_bbox(&rect);
        registry.with_catalog(|c| thinned.recount(&rect, c.in_box(b), visible));
    }
    Kept {
        generation,
        tile: thinned.encode().into(),
        thinned: Some(thinned),
    }
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`
#[utoipa::path(
    get, path = "/tiles/{layer}/{z}/{x}/{y}", tag = "meta", operation_id = "tile",
    summary = "A vector tile (MVT) of places",
    description = "Mapbox Vector Tile 2.1 in the XYZ scheme (Web Mercator, `y` from the north), \
        extent 4096, built from the in-memory index. Layer `places`: one point per place with \
        `code`, `kind`, `status` and (from zoom 12) `name`. Below zoom 14 a tile keeps one point per cell of a \
        256 × 256 grid, with `count` = the number of visible places in that cell; from zoom 14 \
        every place is there. Anonymous callers get active places only; any valid token also \
        gets provisional and retired places. A tile with no place is an empty body.",
    params(
        ("layer" = String, Path, description = "The layer: `places`.", example = "places"),
        ("z" = u32, Path, description = "Zoom, 0 to 22.", example = 14),
        ("x" = u32, Path, description = "Column, below 2^z.", example = 13019),
        ("y" = String, Path, description = "Row (below 2^z) followed by `.mvt`.", example = "7230.mvt"),
    ),
    responses(
        (status = 200, description = "The tile.", body = Vec<u8>, content_type = "application/vnd.mapbox-vector-tile",
            headers(("Cache-Control" = String, description = "`no-cache`: places change"))),
        (status = 400, description = "`z`, `x` or `y` is not a number (`/problems/invalid-tile`).", body = super::schema::Problem, content_type = "application/problem+json"),
        responses::UnknownToken,
        (status = 404, description = "No such layer, a row without `.mvt`, or a tile outside the zoom's grid (`/problems/not-found`).", body = super::schema::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
pub async fn tile(
    State(state): State<AppState>, Auth(actor): Auth,
    Path((layer, z, x, y)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    if layer != "places" {
        return Err(Problem::not_found(
            "no such tile layer; the layer is `places`",
        ));
    }
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(Problem::not_found("a tile address ends in .mvt"));
    };
    let number = |s: &str, what: &str| -> ApiResult<u32> {
        if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::bad_request(
                "invalid-tile",
                format!("{what} must be a whole number, got {s:?}"),
            ));
        }
        s.parse::<u32>()
            .map_err(|_| Problem::bad_request("invalid-tile", format!("{what} is too large: {s}")))
    };
    let (z, x, y) = (number(&z, "z")?, number(&x, "x")?, number(y, "y")?);
    let Some(tile) = TileId::new(z, x, y) else {
        return Err(Problem::not_found(format!(
            "no tile {z}/{x}/{y}: z runs from 0 to 22 and x, y from 0 to 2^z − 1"
        )));
    };
    let all = actor.can_read_all();
    let key = (z, x, y, all);
    let bbox = tile.bbox(BUFFER);
    let cache = &state.tiles;
    let (bytes, hit) = match cache.current(&state.registry, key, bbox) {
        Some(b) => (b, "hit"),
        None => {
            let gate = cache.gate(key);
            let _turn = gate.lock().await;
            match cache.current(&state.registry, key, bbox) {
                // Cut by the request before this one.
                Some(b) => (b, "hit"),
                None => {
                    let registry = state.registry.clone();
                    let kept = cache.take_thinned(key);
                    let cut =
                        tokio::task::spawn_blocking(move || cut_tile(&registry, tile, all, kept))
                            .await;
                    cache.cut(key);
                    let kept = cut.map_err(|e| Problem::internal(&e))?;
                    let bytes = kept.tile.clone();
                    cache.put(key, kept);
                    (bytes, "miss")
                }
            }
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, MVT),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("x-cache"), hit),
        ],
        bytes,
    )
        .into_response())
}
