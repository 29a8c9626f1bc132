//! Parking lots and cashless payment through the running binary: validated lot attributes,
//! bank details hidden from anonymous callers, the VietQR code decoded back from its image,
//! settled transactions (idempotent, all or nothing) and their daily totals.

mod common;

use common::*;
use diachiso::payment::parse_vietqr;
use serde_json::{json, Value};

fn lot(attributes: Value) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": PHO_HIEN},
        "properties": {"kind": "parking_lot", "name": "Bãi đỗ xe chợ Phố Hiến", "attributes": attributes}
    })
}

fn good_attributes() -> Value {
    json!({
        "operator": {"name": "HTX Dịch vụ Phố Hiến", "tax_code": "0901234567"},
        "capacity": {"motorbike": 300, "car": 40},
        "opening_hours": "Mo-Su 06:00-22:00",
        "fees": [
            {"vehicle": "motorbike", "period": "turn", "amount_vnd": 5000},
            {"vehicle": "car", "period": "turn", "amount_vnd": 30000},
            {"vehicle": "car", "period": "month", "amount_vnd": 1200000}
        ],
        "payment_accounts": [
            {"bank_bin": "970436", "account_number": "0011004455667", "account_name": "HTX DICH VU PHO HIEN"}
        ]
    })
}

/// The QR image decoded back to its text with an independent decoder (rqrr).
fn decode_png(png: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = buf.len() / (w * h);
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[(y * w + x) * channels]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

#[test]
fn a_lot_registered_by_an_editor_shows_a_working_vietqr_carrying_its_code() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let reader = s.token("reader", &[]);

    // Bad attributes are refused, each problem named.
    let mut bad = good_attributes();
    bad["payment_accounts"][0]["bank_bin"] = json!("123456");
    bad["operator"]["tax_code"] = json!("12345");
    bad["fees"][0]["period"] = json!("week");
    bad["payment_accounts"][0]["payer_phone"] = json!("0912345678");
    let p = expect_problem(s.post("/api/places", Some(&editor), &lot(bad)), 422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "/properties/attributes/payment_accounts/0/bank_bin",
        "/properties/attributes/operator/tax_code",
        "/properties/attributes/fees/0/period",
        "/properties/attributes/payment_accounts/0/payer_phone",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    let house = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": PHO_HIEN},
        "properties": {"kind": "house", "name": "Nhà", "attributes": {"fees": []}}});
    expect_problem(s.post("/api/places", Some(&editor), &house), 422);

    let r = s.post("/api/places", Some(&editor), &lot(good_attributes()));
    assert_eq!(r.status(), 201);
    let code = r.json::<Value>().unwrap()["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        s.post(
            &format!("/api/places/{code}/certify"),
            Some(&reviewer),
            &Value::Null
        )
        .status(),
        200
    );

    // Bank details: readers see them, anonymous callers never do.
    let public: Value = s.get(&format!("/api/places/{code}"), None).json().unwrap();
    assert!(
        public["properties"]["attributes"]["payment_accounts"].is_null(),
        "{public}"
    );
    assert_eq!(
        public["properties"]["attributes"]["fees"][0]["amount_vnd"],
        5000
    );
    let ogc: Value = s
        .get(&format!("/ogc/collections/places/items/{code}"), None)
        .json()
        .unwrap();
    assert!(!ogc.to_string().contains("0011004455667"));
    // Pages of items too (written straight from the places): hidden from the public only.
    let page = |token: Option<&str>| -> String {
        let page: Value = s
            .get(
                "/ogc/collections/places/items?kind=parking_lot&limit=1000",
                token,
            )
            .json()
            .unwrap();
        assert!(page.to_string().contains(&code.to_string()), "{page}");
        page.to_string()
    };
    assert!(!page(None).contains("0011004455667"));
    assert!(page(Some(&reader)).contains("0011004455667"));
    let lookup: Value = s.get(&format!("/api/codes/{code}"), None).json().unwrap();
    assert!(!lookup.to_string().contains("0011004455667"));
    let full: Value = s
        .get(&format!("/api/places/{code}"), Some(&reader))
        .json()
        .unwrap();
    assert_eq!(
        full["properties"]["attributes"]["payment_accounts"][0]["bank_bin"],
        "970436"
    );
    expect_problem(s.get(&format!("/api/places/{code}/payment-qr"), None), 401);

    // The static code: NAPAS account block, VND, VN, the location code in the additional data.
    let qr: Value = s
        .get(&format!("/api/places/{code}/payment-qr"), Some(&reader))
        .json()
        .unwrap();
    let payload = qr["payload"].as_str().unwrap().to_owned();
    assert!(payload.starts_with("000201010211"), "{payload}");
    assert!(payload.contains("0010A000000727"));
    assert!(payload.contains("5303704") && payload.contains("5802VN"));
    let parsed = parse_vietqr(&payload).unwrap();
    assert_eq!(parsed.bank_bin, "970436");
    assert_eq!(parsed.account_number, "0011004455667");
    assert_eq!(parsed.location_code.as_deref(), Some(code.as_str()));
    assert_eq!(parsed.amount_vnd, None);
    assert_eq!(qr["bank_name"], "Vietcombank");

    // Dynamic: the car's per-turn fee, or an amount asked for.
    let car: Value = s
        .get(
            &format!("/api/places/{code}/payment-qr?vehicle=car"),
            Some(&reader),
        )
        .json()
        .unwrap();
    let parsed = parse_vietqr(car["payload"].as_str().unwrap()).unwrap();
    assert_eq!(parsed.amount_vnd, Some(30000));
    assert!(car["payload"].as_str().unwrap().starts_with("000201010212"));
    let asked: Value = s
        .get(
            &format!("/api/places/{code}/payment-qr?amount=12000"),
            Some(&reader),
        )
        .json()
        .unwrap();
    assert_eq!(
        parse_vietqr(asked["payload"].as_str().unwrap())
            .unwrap()
            .amount_vnd,
        Some(12000)
    );
    expect_problem(
        s.get(
            &format!("/api/places/{code}/payment-qr?vehicle=tank"),
            Some(&reader),
        ),
        400,
    );
    expect_problem(
        s.get(
            &format!("/api/places/{code}/payment-qr?account=3"),
            Some(&reader),
        ),
        409,
    );

    // The image decodes back to the same payload.
    let png = s.send(
        s.request(
            reqwest::Method::GET,
            &format!("/api/places/{code}/payment-qr"),
        )
        .header("accept", "image/png"),
        Some(&reader),
    );
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(decode_png(&png.bytes().unwrap()), payload);
    let svg = s.send(
        s.request(
            reqwest::Method::GET,
            &format!("/api/places/{code}/payment-qr"),
        )
        .header("accept", "image/svg+xml"),
        Some(&reader),
    );
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().unwrap().contains("<svg"));

    // The A5 sticker: name, grouped code, fees, the QR.
    let sheet = s
        .get(
            &format!("/api/places/{code}/payment-sticker"),
            Some(&reader),
        )
        .text()
        .unwrap();
    let doc = roxmltree::Document::parse(&sheet).expect("well-formed SVG");
    assert_eq!(doc.root_element().attribute("width"), Some("148mm"));
    let grouped = format!("{} {} {}", &code[..4], &code[4..8], &code[8..]);
    assert!(sheet.contains(&grouped) && sheet.contains("5.000 đ") && sheet.contains("30.000 đ"));

    // A house has no payment code.
    let h = s.register(
        &editor,
        "house",
        "Nhà bên cạnh",
        offset(PHO_HIEN, 40.0, 0.0),
    );
    expect_problem(
        s.get(
            &format!(
                "/api/places/{}/payment-qr",
                h["properties"]["code"].as_str().unwrap()
            ),
            Some(&reader),
        ),
        409,
    );
}

#[test]
fn settled_payments_are_idempotent_all_or_nothing_and_roll_up_per_lot_and_day() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);
    let platform = s.token_named("payment_platform", "napas", &[]);
    let r = s.post("/api/places", Some(&editor), &lot(good_attributes()));
    let code = r.json::<Value>().unwrap()["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let house = s.register(&editor, "house", "Nhà", offset(PHO_HIEN, 40.0, 0.0))["properties"]
        ["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let tx = |id: &str, vehicle: &str, amount: u64, at: &str| {
        json!({"platform": "napas", "transaction_id": id, "lot_code": code, "vehicle": vehicle,
               "amount_vnd": amount, "paid_at": at})
    };
    let batch = json!({"transactions": [
        tx("FT1", "car", 30000, "2026-11-26T23:30:00+07:00"),
        tx("FT2", "car", 30000, "2026-11-27T00:30:00+07:00"),
        tx("FT3", "motorbike", 5000, "2026-11-26T17:30:00Z"),
    ]});
    // Only payment platforms report payments; a platform cannot read places.
    expect_problem(
        s.post("/api/parking/transactions", Some(&editor), &batch),
        403,
    );
    expect_problem(s.post("/api/parking/transactions", None, &batch), 401);
    expect_problem(s.get(&format!("/api/places/{code}"), Some(&platform)), 404);
    let r = s.post("/api/parking/transactions", Some(&platform), &batch);
    assert_eq!(r.status(), 200);
    let out: Value = r.json().unwrap();
    let outcomes: Vec<&str> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["recorded", "recorded", "recorded"]);
    // A retry is harmless.
    let out: Value = s
        .post("/api/parking/transactions", Some(&platform), &batch)
        .json()
        .unwrap();
    assert_eq!(out["results"][1]["outcome"], "replayed");
    // Another platform cannot report under napas's name, nor napas under another's: the
    // platform is the token's. A body may leave it out.
    let vnpay = s.token_named("payment_platform", "vnpay", &[]);
    let p = expect_problem(
        s.post("/api/parking/transactions", Some(&vnpay), &batch),
        403,
    );
    assert!(p["detail"].as_str().unwrap().contains("vnpay"), "{p}");
    // (Paid in October: outside the totals read below.)
    let mut own = tx("VN1", "car", 30000, "2026-10-01T09:00:00+07:00");
    own.as_object_mut().unwrap().remove("platform");
    let r = s.post(
        "/api/parking/transactions",
        Some(&vnpay),
        &json!({"transactions": [own.clone()]}),
    );
    assert_eq!(r.status(), 200);
    // The same transaction id from napas is napas's own, not a conflict with vnpay's.
    let mut napas_same_id = own;
    napas_same_id["platform"] = "napas".into();
    let r = s.post(
        "/api/parking/transactions",
        Some(&platform),
        &json!({"transactions": [napas_same_id]}),
    );
    assert_eq!(r.status(), 200);
    let (ok, _, err) = s.cli(&[
        "token",
        "create",
        "--role",
        "payment_platform",
        "--name",
        "NAPAS cổng",
    ]);
    assert!(!ok, "a platform token is named with the platform's id");
    assert!(err.contains("platform"), "{err}");

    let totals = |q: &str| -> Value {
        s.get(&format!("/api/parking/daily-totals?{q}"), Some(&reader))
            .json()
            .unwrap()
    };
    let before = totals("from=2026-11-26&to=2026-11-28");
    // FT1 at 23:30 on the 26th (Vietnam); FT2 and FT3 (00:30 on the 27th, Vietnam) the next day.
    assert_eq!(
        before["totals"],
        json!([
            {"lot_code": code, "day": "2026-11-26", "vehicle": "car", "transactions": 1, "amount_vnd": 30000},
            {"lot_code": code, "day": "2026-11-27", "vehicle": "car", "transactions": 1, "amount_vnd": 30000},
            {"lot_code": code, "day": "2026-11-27", "vehicle": "motorbike", "transactions": 1, "amount_vnd": 5000},
        ])
    );
    assert_eq!(before["amount_vnd"], 65000);

    // The same id with another amount: refused whole, even the new one beside it.
    let conflicting = json!([
        tx("FT4", "bus", 50000, "2026-11-27T09:00:00+07:00"),
        tx("FT2", "car", 99000, "2026-11-27T00:30:00+07:00")
    ]);
    let p = expect_problem(
        s.post("/api/parking/transactions", Some(&platform), &conflicting),
        409,
    );
    assert_eq!(p["type"], "/problems/transaction-conflict");
    assert_eq!(
        totals("from=2026-11-26&to=2026-11-28"),
        before,
        "nothing was written"
    );

    // Bad rows: every problem named, nothing written; nothing about the payer is accepted.
    let mut with_payer = tx("FT5", "car", 30000, "2026-11-27T10:00:00+07:00");
    with_payer["payer_account"] = json!("0123456789");
    let bad = json!([with_payer, tx("FT6", "car", 30000, "not a time"),
        {"platform": "napas", "transaction_id": "FT7", "lot_code": house, "vehicle": "car", "amount_vnd": 1, "paid_at": "2026-11-27T10:00:00Z"}]);
    let p = expect_problem(
        s.post("/api/parking/transactions", Some(&platform), &bad),
        422,
    );
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["/0/payer_account", "/1/paid_at"]);
    let p = expect_problem(
        s.post(
            "/api/parking/transactions",
            Some(&platform),
            &json!([tx("FT8", "car", 1, "2026-11-27T10:00:00Z"), bad[2]]),
        ),
        422,
    );
    assert_eq!(p["errors"][0]["field"], "/1/lot_code");
    assert_eq!(totals("from=2026-11-26&to=2026-11-28"), before);

    expect_problem(
        s.get(
            "/api/parking/daily-totals?from=2026-12-01&to=2026-11-01",
            Some(&reader),
        ),
        400,
    );
    expect_problem(s.get("/api/parking/daily-totals", None), 401);
    let one_day = totals(&format!("from=2026-11-27&to=2026-11-27&lot_code={code}"));
    assert_eq!(one_day["amount_vnd"], 35000);

    // Progress: the lot has a payment link.
    let progress: Value = s.get("/api/parking/progress", None).json().unwrap();
    let row = progress["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commune_code"] == "11953")
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["parking_lots"].as_u64(),
            row["with_payment_link"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let csv = s
        .get("/api/parking/progress?format=csv", None)
        .text()
        .unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("11953,") && l.ends_with(",1,0,1,1")),
        "{csv}"
    );
}
