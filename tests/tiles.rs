//! Vector tiles stay cut while the registry changes elsewhere: a change redraws only the tiles
//! over the place it touched (where it was and where it is, at every zoom), and the next
//! request for those shows it. The `x-cache` header says whether a tile came from the cache.
//! On both stores.

mod common;

use common::{holds_text, offset, tile_answer, tile_path, Server};
use serde_json::json;

const PHO_HIEN: [f64; 2] = [106.0681, 20.6634];
/// Far from Phố Hiến, in the former Thái Bình (a different tile at every zoom used here).
const THAI_BINH: [f64; 2] = [106.3400, 20.4500];

/// (x-cache, the tile's bytes).
fn tile(s: &Server, token: &str, at: [f64; 2], z: u32) -> (String, Vec<u8>) {
    tile_answer(s.get(&tile_path(at, z), Some(token)))
}

#[test]
fn a_change_redraws_only_the_tiles_over_it() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let reader = s.token("reader", &[]);
    s.register(&admin, "religious_site", "Chùa Chuông", PHO_HIEN);
    s.register(&admin, "religious_site", "Chùa Keo", THAI_BINH);
    let zooms = [10, 12, 15];
    let mut far = Vec::new();
    for z in zooms {
        for at in [PHO_HIEN, THAI_BINH] {
            assert_eq!(tile(&s, &reader, at, z).0, "miss", "first request, z{z}");
            assert_eq!(tile(&s, &reader, at, z).0, "hit", "second request, z{z}");
        }
        far.push(tile(&s, &reader, THAI_BINH, z).1);
    }
    assert!(holds_text(&far[2], "Chùa Keo"), "names are drawn at z15");

    // A registration in Phố Hiến: its tiles are cut again and show it; Thái Bình's are kept.
    let near = offset(PHO_HIEN, 30.0, 20.0);
    let created = s.register(&admin, "business", "Tiệm sách Phố Hiến", near);
    let code = created["properties"]["code"].as_str().unwrap().to_owned();
    for (i, z) in zooms.into_iter().enumerate() {
        let (cache, bytes) = tile(&s, &reader, THAI_BINH, z);
        assert_eq!(cache, "hit", "a far tile is kept, z{z}");
        assert_eq!(bytes, far[i]);
        let (cache, bytes) = tile(&s, &reader, near, z);
        assert_eq!(cache, "miss", "the tile over the change is cut again, z{z}");
        if z == 15 {
            assert!(holds_text(&bytes, "Tiệm sách Phố Hiến"));
        }
    }

    // Moved to Thái Bình: the tiles where it was and where it is are both cut again.
    let r = s.patch(
        &format!("/api/places/{code}"),
        Some(&admin),
        Some(&format!("\"{code}-1\"")),
        &json!({"geometry": {"type": "Point", "coordinates": offset(THAI_BINH, 40.0, 0.0)}}),
    );
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    for z in zooms {
        let (cache, bytes) = tile(&s, &reader, near, z);
        assert_eq!(cache, "miss", "where it was, z{z}");
        assert!(!holds_text(&bytes, "Tiệm sách"));
        let (cache, bytes) = tile(&s, &reader, THAI_BINH, z);
        assert_eq!(cache, "miss", "where it is, z{z}");
        if z == 15 {
            assert!(holds_text(&bytes, "Tiệm sách Phố Hiến"));
        }
    }
}
