//! Answers with a body whose media type the handlers share: GeoJSON (with its ETag where the
//! resource has one) and CSV.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

const GEOJSON: &str = "application/geo+json";

/// A GeoJSON document, already serialised.
pub fn geojson(body: String) -> Response {
    ([(header::CONTENT_TYPE, GEOJSON)], body).into_response()
}

/// A FeatureCollection of these features and nothing else.
pub fn feature_collection(features: Vec<Value>) -> Response {
    geojson(json!({"type": "FeatureCollection", "features": features}).to_string())
}

/// One resource as a GeoJSON Feature with its strong ETag.
pub fn geojson_with_etag(status: StatusCode, etag: String, feature: &Value) -> Response {
    (
        status,
        [
            (header::ETAG, etag),
            (header::CONTENT_TYPE, GEOJSON.to_owned()),
        ],
        feature.to_string(),
    )
        .into_response()
}

/// A CSV table, UTF-8.
pub fn csv(body: impl Into<Body>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        body.into(),
    )
        .into_response()
}
