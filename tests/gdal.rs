//! A real OGC API – Features client reads the registry: GDAL's OAPIF driver (`ogrinfo`,
//! Debian `gdal-bin`, installed by scripts/test) against the running binary.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

/// Runs ogrinfo with a bearer token; None when GDAL is not installed (outside CI only).
fn ogrinfo(token: &str, args: &[&str]) -> Option<String> {
    let out = match Command::new("ogrinfo")
        .args([
            "-ro",
            "--config",
            "GDAL_HTTP_HEADERS",
            &format!("Authorization: Bearer {token}"),
        ])
        .args(args)
        .output()
    {
        Ok(out) => out,
        Err(_) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("ogrinfo not installed: run scripts/test, which installs gdal-bin");
            return None;
        }
        Err(e) => panic!("CI=true and ogrinfo cannot run: {e}"),
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ogrinfo failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(text)
}

fn feature_count(info: &str) -> u64 {
    info.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in:\n{info}"))
}

#[test]
fn gdal_reads_the_collections_and_filters_by_space() {
    let mut s = Server::start();
    let file = s.scratch("places.ndjson");
    let (ok, _, err) = s.cli(&["generate", "--places", "400", "--seed", "4", "--out", &file]);
    assert!(ok, "{err}");
    let (ok, _, err) = s.cli(&["import", "places", &file]);
    assert!(ok, "{err}");
    s.restart();
    let reader = s.token("reader", &[]);
    let url = format!("OAPIF:{}/ogc", s.base);

    let Some(info) = ogrinfo(&reader, &["-so", &url, "places"]) else {
        return;
    };
    let stored = s.stats(&reader)["places"].as_u64().unwrap();
    assert_eq!(feature_count(&info), stored);
    let Some(info) = ogrinfo(&reader, &["-so", &url, "communes"]) else {
        return;
    };
    assert_eq!(feature_count(&info), 104);

    // A spatial filter: GDAL sends bbox and pages through `next` links; compare with a count
    // made here from the full export, independently of the service's R-tree.
    let bbox = [106.0, 20.6, 106.2, 20.8];
    let spat: Vec<String> = bbox.iter().map(f64::to_string).collect();
    let mut args = vec!["-al", "-q", "-spat"];
    args.extend(spat.iter().map(String::as_str));
    args.extend([url.as_str(), "places"]);
    let Some(listing) = ogrinfo(&reader, &args) else {
        return;
    };
    let from_gdal = listing.matches("OGRFeature(places)").count();
    let (ok, exported, _) = s.cli(&["export", "places", "--format", "ndjson"]);
    assert!(ok);
    let expected = exported
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            x >= bbox[0] && x <= bbox[2] && y >= bbox[1] && y <= bbox[3]
        })
        .count();
    assert!(
        expected > 10,
        "the box should hold some places ({expected})"
    );
    assert_eq!(from_gdal, expected);
}
