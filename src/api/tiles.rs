//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt` — vector tiles of places for the map viewer, built from
//! the in-memory catalog (see `crate::tiles`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::extract::Auth;
use super::problem::{ApiResult, Problem};
use super::responses;
use super::AppState;
use crate::place::Status;
use crate::tiles::{places_tile, TileId, BUFFER};

/// The media type of a Mapbox Vector Tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// Most bytes of tiles kept (a province-wide z10 tile at 1M places is about 1 MB).
const CACHE_BYTES: usize = 256 * 1024 * 1024;

/// Tiles already cut, valid for one generation of the catalog (any write starts afresh):
/// low-zoom tiles over 1M places take a few hundred milliseconds to cut and change rarely.
#[derive(Debug, Default)]
pub struct TileCache {
    inner: std::sync::Mutex<TileCacheInner>,
}

#[derive(Debug, Default)]
struct TileCacheInner {
    generation: u64,
    bytes: usize,
    /// (z, x, y, sees every status) → the tile.
    tiles: std::collections::HashMap<(u32, u32, u32, bool), axum::body::Bytes>,
}

impl TileCache {
    fn get(&self, generation: u64, key: (u32, u32, u32, bool)) -> Option<axum::body::Bytes> {
        let inner = self.inner.lock().expect("tile cache");
        (inner.generation == generation).then(|| inner.tiles.get(&key).cloned())?
    }

    fn put(&self, generation: u64, key: (u32, u32, u32, bool), tile: axum::body::Bytes) {
        let mut inner = self.inner.lock().expect("tile cache");
        if inner.generation != generation || inner.bytes + tile.len() > CACHE_BYTES {
            inner.tiles.clear();
            inner.bytes = 0;
            inner.generation = generation;
        }
        inner.bytes += tile.len();
        inner.tiles.insert(key, tile);
    }
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`
#[utoipa::path(
    get,
    path = "/tiles/{layer}/{z}/{x}/{y}",
    tag = "meta",
    operation_id = "tile",
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
    State(state): State<AppState>,
    Auth(actor): Auth,
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
    let generation = state.registry.with_catalog(|c| c.generation());
    let bytes = match state.tiles.get(generation, key) {
        Some(b) => b,
        None => {
            let registry = state.registry.clone();
            let cut = tokio::task::spawn_blocking(move || {
                let bbox = tile.bbox(BUFFER);
                registry.with_catalog(|c| {
                    (
                        c.generation(),
                        places_tile(tile, c.in_box(bbox), |d| all || d.status == Status::Active),
                    )
                })
            })
            .await
            .map_err(|e| Problem::internal(&e))?;
            let bytes = axum::body::Bytes::from(cut.1);
            state.tiles.put(cut.0, key, bytes.clone());
            bytes
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, MVT),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response())
}
