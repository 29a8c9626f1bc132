//! The map viewer's own files (vendored MapLibre GL JS, the Noto Sans glyphs, the app), the
//! province outline it draws, and who the signed-in user is. Everything is embedded in the
//! binary, so the viewer works with no internet access.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::extract::Auth;
use super::problem::{ApiResult, Problem};
use super::responses;
use crate::auth::Actor;

/// The Hưng Yên province outline (GeoJSON FeatureCollection, one MultiPolygon).
const PROVINCE_GEOJSON: &str = include_str!("../../data/hung-yen-2025/province.geojson");

/// One ES module of the viewer, `web/js/NAME` served as `/viewer/NAME`: the modules import each
/// other as `./NAME`, so on disk and over HTTP they sit side by side.
macro_rules! js_module {
    ($name:literal) => {
        (
            $name,
            "text/javascript; charset=utf-8",
            include_bytes!(concat!("../../web/js/", $name)),
        )
    };
}

/// `(file name, media type, content)` of the viewer's files.
const FILES: &[(&str, &str, &[u8])] = &[
    js_module!("api.js"),
    js_module!("app.js"),
    js_module!("forms.js"),
    js_module!("geocode-batch.js"),
    js_module!("geocode.js"),
    js_module!("i18n.js"),
    js_module!("import.js"),
    js_module!("kinds.js"),
    js_module!("map.js"),
    js_module!("mode.js"),
    js_module!("panel.js"),
    js_module!("place-card.js"),
    js_module!("place-edit.js"),
    js_module!("population.js"),
    js_module!("progress.js"),
    js_module!("register.js"),
    js_module!("search.js"),
    js_module!("signin.js"),
    js_module!("state.js"),
    js_module!("streets.js"),
    js_module!("style.js"),
    js_module!("util.js"),
    js_module!("what-is-here.js"),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../web/app.css"),
    ),
    (
        "maplibre-gl.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/vendor/maplibre-gl.js"),
    ),
    (
        "maplibre-gl.css",
        "text/css; charset=utf-8",
        include_bytes!("../../web/vendor/maplibre-gl.css"),
    ),
];

/// The glyph ranges vendored (Noto Sans Regular): Latin, Latin Extended, combining marks,
/// Vietnamese (Latin Extended Additional) and general punctuation.
const GLYPHS: &[(&str, &[u8])] = &[
    (
        "0-255",
        include_bytes!("../../web/vendor/fonts/noto-sans-regular/0-255.pbf"),
    ),
    (
        "256-511",
        include_bytes!("../../web/vendor/fonts/noto-sans-regular/256-511.pbf"),
    ),
    (
        "512-767",
        include_bytes!("../../web/vendor/fonts/noto-sans-regular/512-767.pbf"),
    ),
    (
        "768-1023",
        include_bytes!("../../web/vendor/fonts/noto-sans-regular/768-1023.pbf"),
    ),
    (
        "7680-7935",
        include_bytes!("../../web/vendor/fonts/noto-sans-regular/7680-7935.pbf"),
    ),
    (
        "8192-8447",
        include_bytes!("../../web/vendor/fonts/noto-sans-regular/8192-8447.pbf"),
    ),
];

/// `GET /viewer/{file}` — a file of the map viewer.
#[utoipa::path(
    get, path = "/viewer/{file}", tag = "meta", operation_id = "viewer_file",
    summary = "A file of the map viewer (script or style sheet)",
    description = "The viewer: `app.css` and its ES modules, `app.js` (the entry) importing \
        `api.js`, `forms.js`, `geocode.js`, `geocode-batch.js`, `i18n.js`, `import.js`, \
        `kinds.js`, `map.js`, `mode.js`, `panel.js`, `place-card.js`, `place-edit.js`, \
        `population.js`, `progress.js`, `register.js`, `search.js`, `signin.js`, `state.js`, \
        `streets.js`, `style.js`, `util.js` and `what-is-here.js`; `maplibre-gl.js` and \
        `maplibre-gl.css` (MapLibre GL JS, BSD-3-Clause, vendored in `web/vendor/`).",
    params(("file" = String, Path, description = "The file name.", example = "app.js")),
    responses(
        (status = 200, description = "The file.", content(
            (String = "text/javascript; charset=utf-8"),
            (String = "text/css; charset=utf-8"),
        ), headers(("Cache-Control" = String, description = "`no-cache`"))),
        (status = 404, description = "No such file (`/problems/not-found`).", body = super::schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn file(Path(file): Path<String>) -> ApiResult<Response> {
    let (_, media, bytes) = FILES
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or_else(|| Problem::not_found("no such viewer file"))?;
    Ok((
        [
            (header::CONTENT_TYPE, *media),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        *bytes,
    )
        .into_response())
}

/// `GET /viewer/glyphs/{range}` — map label glyphs (signed distance fields).
#[utoipa::path(
    get, path = "/viewer/glyphs/{range}", tag = "meta", operation_id = "viewer_glyphs",
    summary = "Label glyphs of the map viewer (Noto Sans Regular, PBF)",
    description = "A range of 256 code points as MapLibre asks for it (`START-END.pbf`, START a \
        multiple of 256). The ranges Vietnamese needs are vendored (0–1023, 7680–7935, \
        8192–8447; Noto Sans, SIL Open Font License 1.1, from the npm package \
        `tileserver-gl-styles`); any other well-formed range is an empty glyph set.",
    params(("range" = String, Path, description = "`START-END.pbf`.", example = "7680-7935.pbf")),
    responses(
        (status = 200, description = "The glyphs.", body = Vec<u8>, content_type = "application/x-protobuf",
            headers(("Cache-Control" = String, description = "`public, max-age=86400`"))),
        (status = 404, description = "Not a glyph range (`/problems/not-found`).", body = super::schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn glyphs(Path(range): Path<String>) -> ApiResult<Response> {
    let not_found =
        || Problem::not_found("not a glyph range: START-END.pbf, START a multiple of 256");
    let name = range.strip_suffix(".pbf").ok_or_else(not_found)?;
    let (start, end) = name.split_once('-').ok_or_else(not_found)?;
    let (start, end) = match (start.parse::<u32>(), end.parse::<u32>()) {
        (Ok(s), Ok(e)) if s % 256 == 0 && e == s + 255 && e <= 0xFFFF => (s, e),
        _ => return Err(not_found()),
    };
    let key = format!("{start}-{end}");
    let bytes: &[u8] = GLYPHS
        .iter()
        .find(|(r, _)| *r == key)
        .map_or(&[], |(_, b)| *b);
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-protobuf"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/province` — the province outline.
#[utoipa::path(
    get, path = "/api/province", tag = "communes", operation_id = "province",
    summary = "The province outline",
    description = "Public. Hưng Yên (code 33) since 1 July 2025, as a GeoJSON FeatureCollection \
        with one MultiPolygon (see data/SOURCES.md).",
    responses(
        (status = 200, description = "The outline.", body = Object, content_type = "application/geo+json",
            headers(("Cache-Control" = String, description = "`public, max-age=86400`"))),
    )
)]
pub async fn province() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        PROVINCE_GEOJSON,
    )
        .into_response()
}

/// `GET /api/session` — who the caller is (the viewer asks after a token is pasted).
#[utoipa::path(
    get, path = "/api/session", tag = "meta", operation_id = "session",
    summary = "Who the caller is",
    description = "Public. Without a token: `{\"authenticated\": false}`. With a valid token: its \
        role, name and (for an editor) communes. A wrong token is a 401.",
    responses(
        (status = 200, description = "The caller.", body = Object, example = json!({"authenticated": true, "role": "editor", "name": "UBND phường Phố Hiến", "communes": ["11953"]})),
        responses::UnknownToken,
    ),
    security((), ("bearer" = [])),
)]
pub async fn session(Auth(actor): Auth) -> Json<Value> {
    Json(match actor {
        Actor::Anonymous => json!({"authenticated": false}),
        Actor::Token(t) => json!({
            "authenticated": true,
            "role": t.role.as_str(),
            "name": t.name,
            "communes": t.communes,
        }),
        Actor::Local => {
            json!({"authenticated": true, "role": "admin", "name": "local", "communes": []})
        }
    })
}

#[cfg(test)]
mod tests {
    use super::FILES;

    fn served(name: &str) -> bool {
        FILES.iter().any(|(n, _, _)| *n == name)
    }

    /// The specifiers of a module's static imports (`import … from './x.js'`, `import './x.js'`)
    /// and dynamic ones (`import('./x.js')`).
    fn imports(source: &str) -> Vec<String> {
        let mut found = Vec::new();
        for keyword in ["from", "import"] {
            for (at, _) in source.match_indices(keyword) {
                let before = source[..at].chars().next_back();
                // Part of a longer name: an identifier, a property, or an element id such as
                // 'btn-import' (which is followed by a quote, like a specifier).
                if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '-'))
                {
                    continue;
                }
                let rest = source[at + keyword.len()..].trim_start();
                let rest = rest.strip_prefix('(').map_or(rest, str::trim_start);
                let Some(quote) = rest
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '\'' | '"' | '`'))
                else {
                    continue;
                };
                let body = &rest[1..];
                let end = body.find(quote).expect("an unterminated import specifier");
                found.push(body[..end].to_owned());
            }
        }
        found
    }

    #[test]
    fn the_import_scanner_finds_every_form() {
        let src =
            "import { a,\n  b } from './a.js';\nimport './b.js';\nimport * as c from \"./c.js\";\n\
                   const d = await import('./d.js');\nconst from = 1; // imported from here\n\
                   $('btn-import').onclick = () => {};\n";
        assert_eq!(imports(src), ["./a.js", "./c.js", "./b.js", "./d.js"]);
    }

    /// A module that is imported but not in `FILES` would be a 404 in the browser and a viewer
    /// that never starts; the modules are served flat under `/viewer/`, so every import must be
    /// `./NAME` with NAME served.
    #[test]
    fn every_imported_module_is_served() {
        let mut checked = 0;
        for (name, media, bytes) in FILES {
            if !media.starts_with("text/javascript") || name.starts_with("maplibre-gl") {
                continue;
            }
            let source = std::str::from_utf8(bytes).expect("a viewer module is UTF-8");
            for spec in imports(source) {
                let file = spec
                    .strip_prefix("./")
                    .filter(|f| !f.contains('/'))
                    .unwrap_or_else(|| panic!("{name} imports {spec}: not ./NAME"));
                assert!(
                    served(file),
                    "{name} imports {spec}, which FILES does not serve"
                );
                checked += 1;
            }
        }
        assert!(
            checked > 0,
            "no import found: is app.js still an ES module?"
        );
    }

    /// Every script the page loads is served, the entry module among them.
    #[test]
    fn every_script_of_the_page_is_served() {
        let page = include_str!("../../web/index.html");
        let scripts: Vec<&str> = page
            .split("src=\"/viewer/")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert!(scripts.contains(&"app.js"), "{scripts:?}");
        for file in scripts {
            assert!(
                served(file),
                "index.html loads /viewer/{file}, not in FILES"
            );
        }
    }

    /// Every module on disk is embedded, so one added to `web/js/` cannot be forgotten.
    #[test]
    fn every_module_on_disk_is_served() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/js");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".js") {
                assert!(served(&name), "web/js/{name} is not in FILES");
            }
        }
    }
}
