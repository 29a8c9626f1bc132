//! Answers are compressed as the client asks (`Accept-Encoding`: gzip or brotli) above a
//! size floor, decode to exactly the uncompressed answer, and stay uncompressed for clients
//! that do not ask, for small answers and for PNG images. On both stores.

mod common;

use std::io::Read;

use common::Server;

/// (Content-Encoding, body bytes as sent) of a GET with this Accept-Encoding.
fn fetch(s: &Server, path: &str, encoding: Option<&str>) -> (Option<String>, Vec<u8>) {
    let mut req = s.request(reqwest::Method::GET, path);
    if let Some(e) = encoding {
        req = req.header("accept-encoding", e);
    }
    let r = s.send(req, None);
    assert_eq!(r.status(), 200, "{path}");
    let encoding = r
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    (encoding, r.bytes().unwrap().to_vec())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A page without its `timeStamp` (to the second: two requests may straddle one).
fn untimed(page: &[u8]) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_slice(page).unwrap();
    let stamp = doc
        .as_object_mut()
        .and_then(|o| o.remove("timeStamp"))
        .unwrap_or_default();
    assert!(stamp.is_string(), "a page has a timeStamp");
    doc
}

#[test]
fn answers_are_compressed_as_the_client_asks() {
    let s = Server::start();
    let reader = s.token("reader", &[]);
    let (ok, _, stderr) = s.cli(&["demo", "--places", "1500"]);
    assert!(ok, "{stderr}");
    // The server applies the command line's writes from the log within a quarter second.
    let count = s.stats(&reader)["places"].as_u64().unwrap();
    let page = "/ogc/collections/places/items?limit=1000";
    for _ in 0..100 {
        let (_, body) = fetch(&s, page, None);
        let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if doc["numberMatched"].as_u64() == Some(count) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let (plain_encoding, plain) = fetch(&s, page, None);
    assert_eq!(plain_encoding, None);
    let (gzip_encoding, gzip) = fetch(&s, page, Some("gzip"));
    assert_eq!(gzip_encoding.as_deref(), Some("gzip"));
    assert_eq!(untimed(&gunzip(&gzip)), untimed(&plain));
    let (br_encoding, br) = fetch(&s, page, Some("br;q=1.0, gzip;q=0.5"));
    assert_eq!(br_encoding.as_deref(), Some("br"));
    assert_eq!(untimed(&unbrotli(&br)), untimed(&plain));
    // A page of a thousand features goes over the wire in at most a quarter of its bytes.
    assert!(
        gzip.len() * 4 <= plain.len() && br.len() * 4 <= plain.len(),
        "plain {} B, gzip {} B, brotli {} B",
        plain.len(),
        gzip.len(),
        br.len()
    );

    // CSV and GeoJSON exports, streamed, decode to the same bytes.
    for export in [
        "/api/exports/places?format=csv",
        "/api/exports/places?format=geojson",
    ] {
        let plain = s.get(export, Some(&reader)).bytes().unwrap().to_vec();
        let r = s.send(
            s.request(reqwest::Method::GET, export)
                .header("accept-encoding", "gzip"),
            Some(&reader),
        );
        assert_eq!(r.headers()["content-encoding"], "gzip", "{export}");
        assert_eq!(gunzip(&r.bytes().unwrap()), plain, "{export}");
    }

    // Small answers are not worth it; identity is honoured.
    let (encoding, _) = fetch(&s, "/health", Some("gzip, br"));
    assert_eq!(encoding, None, "a tiny answer is sent as it is");
    let (encoding, _) = fetch(&s, page, Some("identity"));
    assert_eq!(encoding, None);
}
