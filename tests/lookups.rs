//! Finding places: reverse lookup, Vietnamese search, OGC API – Features.

mod common;

use common::*;
use serde_json::{json, Value};

fn code_of(feature: &Value) -> String {
    feature["properties"]["code"]
        .as_str()
        .expect("code")
        .to_owned()
}

fn features(body: &Value) -> Vec<Value> {
    body["features"].as_array().cloned().unwrap_or_default()
}

fn names(body: &Value) -> Vec<String> {
    features(body)
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn reverse_lookup_finds_the_nearest_places_and_the_commune() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let mut codes = Vec::new();
    for (i, east) in [40.0, 10.0, 25.0, 300.0].into_iter().enumerate() {
        let f = s.register(
            &editor,
            "business",
            &format!("Cửa hàng số {i}"),
            offset(PHO_HIEN, east, 0.0),
        );
        let code = code_of(&f);
        s.post(
            &format!("/api/places/{code}/certify"),
            Some(&reviewer),
            &Value::Null,
        );
        codes.push(code);
    }
    s.register(
        &editor,
        "religious_site",
        "Đền Mẫu (chưa xác nhận)",
        offset(PHO_HIEN, 5.0, 0.0),
    );

    let r = s.get(
        &format!(
            "/api/reverse?lon={}&lat={}&limit=3",
            PHO_HIEN[0], PHO_HIEN[1]
        ),
        None,
    );
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let body: Value = r.json().unwrap();
    assert_eq!(body["commune"]["code"], "11953");
    let got: Vec<String> = features(&body).iter().map(code_of).collect();
    assert_eq!(
        got,
        [codes[1].clone(), codes[2].clone(), codes[0].clone()],
        "nearest first; provisional hidden from anonymous"
    );
    let d: Vec<f64> = features(&body)
        .iter()
        .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    for (got, want) in d.iter().zip([10.0, 25.0, 40.0]) {
        assert!(
            (got - want).abs() < 0.5,
            "distance {got} m, expected about {want} m"
        );
    }
    // Signed-in callers also find provisional places; kind and radius filter.
    let reader = s.token("reader", &[]);
    let body: Value = s
        .get(
            &format!(
                "/api/reverse?lon={}&lat={}&limit=1",
                PHO_HIEN[0], PHO_HIEN[1]
            ),
            Some(&reader),
        )
        .json()
        .unwrap();
    assert_eq!(names(&body), ["Đền Mẫu (chưa xác nhận)"]);
    let body: Value = s
        .get(
            &format!(
                "/api/reverse?lon={}&lat={}&kind=business&radius_m=30",
                PHO_HIEN[0], PHO_HIEN[1]
            ),
            None,
        )
        .json()
        .unwrap();
    assert_eq!(features(&body).len(), 2);
    // Open country: nothing within the radius, the commune is still answered.
    let far = offset(PHO_HIEN, 2000.0, 0.0);
    let body: Value = s
        .get(
            &format!("/api/reverse?lon={}&lat={}&radius_m=100", far[0], far[1]),
            None,
        )
        .json()
        .unwrap();
    assert!(features(&body).is_empty());
    assert!(body["commune"]["code"].is_string());
    // At sea: no commune, no places.
    let body: Value = s
        .get("/api/reverse?lon=107.5&lat=20.0", None)
        .json()
        .unwrap();
    assert_eq!(body["commune"], Value::Null);
    for bad in [
        "lon=200&lat=20",
        "lon=106&lat=20&limit=0",
        "lon=106&lat=20&radius_m=-1",
        "lon=106&lat=20&kind=castle",
        "lon=106",
        "lon=106&lat=20&x=1",
    ] {
        expect_problem(s.get(&format!("/api/reverse?{bad}"), None), 400);
    }
}

#[test]
fn search_is_vietnamese_aware() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    // Real commune names of Hưng Yên (from data/hung-yen-2025/communes.csv), in place names.
    let at = |i: f64| offset(PHO_HIEN, 50.0 * i, 20.0 * i);
    let keo = s.register(&admin, "religious_site", "Chùa Keo", at(0.0));
    s.register(
        &admin,
        "public_building",
        "Trường Tiểu học Thái Thuỵ",
        at(1.0),
    );
    s.register(
        &admin,
        "government_office",
        "UBND xã Đông Thụy Anh",
        at(2.0),
    );
    s.register(&admin, "business", "Cửa hàng Đại Đồng", at(3.0));
    let mut with_address = place("house", "Nhà ông Ba", at(4.0));
    with_address["properties"]["address"] =
        json!({"house_number": "20A", "street": "phố Nguyễn Văn Linh"});
    s.post("/api/places", Some(&admin), &with_address);
    s.register(&admin, "business", "Nhà hàng Nguyễn Văn", at(5.0));

    let search = |q: &str| -> Value {
        let r = s.send(
            s.request(reqwest::Method::GET, "/api/search")
                .query(&[("q", q)]),
            Some(&admin),
        );
        assert_eq!(r.status(), 200, "{q}");
        r.json().unwrap()
    };
    // Diacritic- and case-insensitive; đ matches d.
    assert_eq!(names(&search("chua keo")), ["Chùa Keo"]);
    assert_eq!(names(&search("CHÙA KEO")), ["Chùa Keo"]);
    assert_eq!(names(&search("dai dong")), ["Cửa hàng Đại Đồng"]);
    // Older and newer tone-mark placement.
    assert_eq!(names(&search("Thái Thụy")), ["Trường Tiểu học Thái Thuỵ"]);
    assert_eq!(names(&search("Đông Thuỵ Anh")), ["UBND xã Đông Thụy Anh"]);
    // Prefix while typing, one typo in a longer word.
    assert_eq!(names(&search("chua k")), ["Chùa Keo"]);
    assert_eq!(
        names(&search("truong tieu h")),
        ["Trường Tiểu học Thái Thuỵ"]
    );
    assert_eq!(
        names(&search("truogn tieu hoc")),
        ["Trường Tiểu học Thái Thuỵ"]
    );
    // Address parts are searched; name matches rank above address matches.
    assert_eq!(
        names(&search("nguyen van")),
        ["Nhà hàng Nguyễn Văn", "Nhà ông Ba"]
    );
    assert_eq!(names(&search("20a nguyen van linh")), ["Nhà ông Ba"]);
    // A code typed with or without spaces finds its place.
    let code = code_of(&keo);
    let grouped = format!("{} {} {}", &code[..4], &code[4..8], &code[8..]);
    assert_eq!(names(&search(&grouped)), ["Chùa Keo"]);
    assert_eq!(features(&search(&code))[0]["properties"]["match"], "code");
    // Nothing matches every word.
    assert!(features(&search("chua nguyen")).is_empty());
    // Distance ranks equal matches when lon/lat are given.
    let near_last = at(5.0);
    let r: Value = s
        .send(
            s.request(reqwest::Method::GET, "/api/search").query(&[
                ("q", "nha"),
                ("lon", &near_last[0].to_string()),
                ("lat", &near_last[1].to_string()),
            ]),
            Some(&admin),
        )
        .json()
        .unwrap();
    assert_eq!(names(&r)[0], "Nhà hàng Nguyễn Văn");
    for bad in [
        "",
        "q=",
        "q=x&limit=1000",
        "q=x&lon=106",
        "q=x&commune_code=1",
        "q=x&zzz=1",
    ] {
        expect_problem(s.get(&format!("/api/search?{bad}"), None), 400);
    }
}

#[test]
fn ogc_api_features_core() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let reviewer = s.token("reviewer", &[]);
    let mut codes = Vec::new();
    for i in 0..25 {
        let f = s.register(
            &admin,
            if i % 2 == 0 { "business" } else { "house" },
            &format!("Địa điểm {i}"),
            offset(PHO_HIEN, 20.0 * i as f64, 0.0),
        );
        let code = code_of(&f);
        if i < 20 {
            s.post(
                &format!("/api/places/{code}/certify"),
                Some(&reviewer),
                &Value::Null,
            );
        }
        codes.push(code);
    }
    s.register(&admin, "other", "Ở Tân Hưng", TAN_HUNG);

    let landing: Value = s.get("/ogc", None).json().unwrap();
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rel}");
    }
    let conf: Value = s.get("/ogc/conformance", None).json().unwrap();
    assert!(conf["conformsTo"]
        .to_string()
        .contains("ogcapi-features-1/1.0/conf/geojson"));
    let cols: Value = s.get("/ogc/collections", None).json().unwrap();
    let ids: Vec<&str> = cols["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["places", "streets", "communes"]);
    let places: Value = s.get("/ogc/collections/places", None).json().unwrap();
    let bbox = places["extent"]["spatial"]["bbox"][0].as_array().unwrap();
    assert!(bbox[0].as_f64().unwrap() < 106.1 && bbox[2].as_f64().unwrap() > 106.5);
    let q: Value = s
        .get("/ogc/collections/places/queryables", None)
        .json()
        .unwrap();
    assert!(q["properties"]["kind"]["enum"].as_array().unwrap().len() == 10);

    // Anonymous: the 20 active places, paged by next links, in code order.
    let r = s.get("/ogc/collections/places/items?limit=8", None);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let mut page: Value = r.json().unwrap();
    assert_eq!(page["numberMatched"], 20);
    let mut seen = Vec::new();
    loop {
        assert_eq!(
            page["numberReturned"].as_u64().unwrap() as usize,
            features(&page).len()
        );
        seen.extend(features(&page).iter().map(code_of));
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_owned());
        let Some(next) = next else { break };
        let path = next
            .strip_prefix(&s.base)
            .expect("absolute links on this server")
            .to_owned();
        page = s.get(&path, None).json().unwrap();
    }
    let mut active: Vec<String> = codes[..20].to_vec();
    active.sort();
    assert_eq!(seen, active);

    // Filters: kind, commune, bbox (intersects), status for signed-in roles.
    let by_kind: Value = s
        .get("/ogc/collections/places/items?kind=house", None)
        .json()
        .unwrap();
    assert_eq!(by_kind["numberMatched"], 10);
    let reader = s.token("reader", &[]);
    let all: Value = s
        .get("/ogc/collections/places/items", Some(&reader))
        .json()
        .unwrap();
    assert_eq!(all["numberMatched"], 26);
    let provisional: Value = s
        .get(
            "/ogc/collections/places/items?status=provisional",
            Some(&reader),
        )
        .json()
        .unwrap();
    assert_eq!(provisional["numberMatched"], 6);
    expect_problem(
        s.get("/ogc/collections/places/items?status=provisional", None),
        401,
    );
    let tan_hung: Value = s
        .get(
            "/ogc/collections/places/items?commune_code=11977",
            Some(&reader),
        )
        .json()
        .unwrap();
    assert_eq!(names(&tan_hung), ["Ở Tân Hưng"]);
    let east_edge = offset(PHO_HIEN, 20.0 * 4.5, 0.0);
    let b = format!(
        "{},{},{},{}",
        PHO_HIEN[0] - 0.001,
        PHO_HIEN[1] - 0.001,
        east_edge[0],
        PHO_HIEN[1] + 0.001
    );
    let boxed: Value = s
        .get(&format!("/ogc/collections/places/items?bbox={b}"), None)
        .json()
        .unwrap();
    assert_eq!(boxed["numberMatched"], 5);

    // Items by id; communes.
    let one: Value = s
        .get(&format!("/ogc/collections/places/items/{}", codes[0]), None)
        .json()
        .unwrap();
    assert_eq!(one["id"], codes[0]);
    expect_problem(
        s.get(
            &format!("/ogc/collections/places/items/{}", codes[24]),
            None,
        ),
        404,
    );
    let communes: Value = s
        .get("/ogc/collections/communes/items?limit=200", None)
        .json()
        .unwrap();
    assert_eq!(communes["numberMatched"], 104);
    let pho_hien: Value = s
        .get("/ogc/collections/communes/items/11953", None)
        .json()
        .unwrap();
    assert_eq!(pho_hien["properties"]["full_name"], "Phường Phố Hiến");
    let b = format!(
        "{},{},{},{}",
        PHO_HIEN[0],
        PHO_HIEN[1],
        PHO_HIEN[0] + 0.0001,
        PHO_HIEN[1] + 0.0001
    );
    let at_point: Value = s
        .get(&format!("/ogc/collections/communes/items?bbox={b}"), None)
        .json()
        .unwrap();
    assert_eq!(at_point["numberMatched"], 1);

    // Limit is clamped, unknown parameters and collections are errors.
    let clamped: Value = s
        .get("/ogc/collections/communes/items?limit=99999", None)
        .json()
        .unwrap();
    assert_eq!(clamped["numberReturned"], 104);
    for bad in [
        "places/items?foo=1",
        "places/items?bbox=1,2,3",
        "places/items?limit=0",
        "places/items?offset=-1",
        "places/items?kind=castle",
        "communes/items?kind=house",
        "places/items?bbox=107,20,106,21",
    ] {
        expect_problem(s.get(&format!("/ogc/collections/{bad}"), None), 400);
    }
    expect_problem(s.get("/ogc/collections/roads", None), 404);
    expect_problem(s.get("/ogc/collections/places/items/12345", None), 404);
}
