//! The `Store` interface itself, on a real database: the same behavioural tests on SQLite and
//! on PostgreSQL + PostGIS (`DIACHISO_TEST_STORE`, as for the HTTP suites). The HTTP suites
//! reach the store only through the registry; these pin its contract directly: each write is
//! committed whole or not at all, conflicts are the documented errors, reads return what was
//! written, and a database error names the operation that failed.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use diachiso::code::{encode, LocationCode};
use diachiso::event::{Action, Event, NewEvent, NewStreetEvent, StreetAction};
use diachiso::numbering::{Direction, DirectionRule, StreetType, SuffixStyle};
use diachiso::parking::{Outcome, Transaction};
use diachiso::place::{Address, Place, PlaceKind, Status};
use diachiso::population::{CountRow, Snapshot};
use diachiso::store::{Counts, ImportProgress, Store, StoreError};
use diachiso::street::{
    CommuneRules, DirectionSetting, NumberingPlan, PlanRules, PlanStatus, Street, StreetStatus,
};
use serde_json::json;

use common::{offset, pg, test_store, PHO_HIEN};

/// A fresh, migrated store of the kind under test, with the Hưng Yên communes loaded, and
/// what keeps it alive (the SQLite file's folder, the PostgreSQL database).
struct Fresh {
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    _pg: Option<pg::TestDatabase>,
}

async fn fresh() -> Fresh {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg_database) = match test_store() {
        "postgres" => {
            let db = pg::TestDatabase::create();
            (db.url.clone(), Some(db))
        }
        _ => (
            format!("sqlite:{}", dir.path().join("store.sqlite").display()),
            None,
        ),
    };
    let store = diachiso::store::open(&url).await.expect("open the store");
    let communes = diachiso::commune::load(diachiso::commune::HUNG_YEN_COMMUNES_GEOJSON)
        .expect("embedded communes");
    store.upsert_communes(&communes).await.expect("communes");
    Fresh {
        store,
        _dir: dir,
        _pg: pg_database,
    }
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A provisional place near Phố Hiến's centre, `east_m` metres east of it.
fn place(east_m: f64, name: &str) -> Place {
    let [lon, lat] = offset(PHO_HIEN, east_m, 0.0);
    let at = now();
    Place {
        code: encode(lon, lat).expect("a point in Vietnam"),
        kind: PlaceKind::Business,
        name: name.into(),
        lon,
        lat,
        footprint: None,
        commune_code: "11953".into(),
        address: Address {
            house_number: Some("12".into()),
            street: Some("phố Nguyễn Văn Linh".into()),
            hamlet: None,
        },
        attributes: serde_json::Map::new(),
        external_ids: Default::default(),
        status: Status::Provisional,
        generated: true,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

fn event(action: Action, p: &Place) -> NewEvent {
    NewEvent {
        at: p.updated_at,
        actor: "test".into(),
        action,
        code: p.code,
        before: None,
        after: Some(json!({"name": p.name, "version": p.version})),
        reason: None,
    }
}

fn street(id: &str, version: i64) -> Street {
    let at = now();
    Street {
        id: id.into(),
        street_type: StreetType::Pho,
        name: Some("Nguyễn Văn Linh".into()),
        line: vec![PHO_HIEN, offset(PHO_HIEN, 0.0, -300.0)],
        width_m: 12.0,
        communes: vec!["11953".into()],
        direction: DirectionSetting::Auto,
        radial_centre: None,
        already_numbered: false,
        suffix_style: SuffixStyle::Letters,
        reserve_every_m: None,
        parent_id: None,
        entrance_number: None,
        numbering_direction: Direction::Forward,
        direction_rule: DirectionRule::NorthToSouth,
        status: StreetStatus::Active,
        generated: true,
        version,
        created_at: at,
        updated_at: at,
    }
}

fn street_event(action: StreetAction, street_id: &str, plan_id: Option<&str>) -> NewStreetEvent {
    NewStreetEvent {
        at: now(),
        actor: "test".into(),
        action,
        street_id: street_id.into(),
        plan_id: plan_id.map(str::to_owned),
        before: None,
        after: Some(json!({"id": street_id})),
        reason: None,
    }
}

fn plan(id: &str, street_id: &str) -> NumberingPlan {
    NumberingPlan {
        id: id.into(),
        street_id: street_id.into(),
        street_version: 1,
        status: PlanStatus::Draft,
        rules: PlanRules {
            suffix_style: SuffixStyle::Letters,
            reserve_every_m: None,
            renumber_all: false,
            frontage_max_m: 40.0,
            house_group: None,
        },
        houses: vec![],
        reserved: vec![],
        alleys: vec![],
        corner_houses_elsewhere: vec![],
        proposed_by: "test".into(),
        proposed_at: now(),
        decided_by: None,
        decided_at: None,
        decision_reason: None,
    }
}

async fn counts(store: &dyn Store) -> Counts {
    store.counts().await.expect("counts")
}

#[tokio::test]
async fn a_place_and_its_event_are_committed_together_and_a_taken_code_writes_nothing() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let p = place(0.0, "Cửa hàng A");
    let seq = s
        .insert_place(&p, &event(Action::Create, &p), None)
        .await
        .expect("insert");
    assert_eq!(s.last_event_seq().await.unwrap(), seq);
    assert_eq!(s.get_place(p.code).await.unwrap().as_ref(), Some(&p));

    let before = counts(s).await;
    let mut twin = place(0.0, "Cửa hàng B");
    twin.code = p.code;
    let taken = s
        .insert_place(&twin, &event(Action::Create, &twin), None)
        .await;
    assert!(
        matches!(taken, Err(StoreError::CodeTaken(c)) if c == p.code),
        "{taken:?}"
    );
    assert_eq!(counts(s).await, before, "a refused insert leaves nothing");
    assert_eq!(
        s.get_place(p.code).await.unwrap().unwrap().name,
        "Cửa hàng A"
    );
}

#[tokio::test]
async fn updates_need_the_stored_version_and_the_log_keeps_the_order() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let p = place(10.0, "Chợ");
    let first = s
        .insert_place(&p, &event(Action::Create, &p), None)
        .await
        .unwrap();
    let mut changed = Place {
        name: "Chợ Phố Hiến".into(),
        version: 2,
        updated_at: p.updated_at + Duration::seconds(1),
        ..p.clone()
    };
    let second = s
        .update_place(&changed, 1, &event(Action::Update, &changed))
        .await
        .unwrap();
    assert!(second > first);

    changed.version = 3;
    let stale = s
        .update_place(&changed, 1, &event(Action::Update, &changed))
        .await;
    assert!(
        matches!(stale, Err(StoreError::VersionConflict(c)) if c == p.code),
        "{stale:?}"
    );
    let history = s.history(p.code).await.unwrap();
    let actions: Vec<Action> = history.iter().map(|e| e.event.action).collect();
    assert_eq!(
        actions,
        [Action::Create, Action::Update],
        "no event for the refused update"
    );
    assert_eq!(s.get_place(p.code).await.unwrap().unwrap().version, 2);
    let after_first = s.events_after(first, 10).await.unwrap();
    assert_eq!(
        after_first.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [second]
    );
}

#[tokio::test]
async fn places_are_read_in_the_order_asked_and_exported_in_code_order() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let places: Vec<Place> = (0..5)
        .map(|i| place(30.0 * f64::from(i), &format!("Nơi {i}")))
        .collect();
    for p in &places {
        s.insert_place(p, &event(Action::Create, p), None)
            .await
            .unwrap();
    }
    let unknown = encode(106.2, 20.9).unwrap();
    let asked = [places[3].code, unknown, places[0].code];
    let got: Vec<LocationCode> = s
        .get_places(&asked)
        .await
        .unwrap()
        .iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(got, [places[3].code, places[0].code]);

    let mut exported = Vec::new();
    s.export_places(Some("11953"), &mut |p| {
        exported.push(p.code);
        Ok(())
    })
    .await
    .unwrap();
    let mut expected: Vec<LocationCode> = places.iter().map(|p| p.code).collect();
    expected.sort();
    assert_eq!(exported, expected);
    let mut none = 0;
    s.export_places(Some("11977"), &mut |_| {
        none += 1;
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(none, 0, "another commune's export is empty");
    let docs = s.load_place_docs().await.unwrap();
    assert_eq!(docs.len(), 5);
    assert!(docs.iter().all(|d| d.commune == 11953));
}

#[tokio::test]
async fn places_read_together_are_exactly_the_places_read_one_by_one() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let mut places: Vec<Place> = (0..4)
        .map(|i| {
            place(
                17.3 * f64::from(i) + 0.123_456_789,
                &format!("Nơi \"số\" {i}"),
            )
        })
        .collect();
    // Coordinates with every digit a double has, a footprint, extra attributes and ids, parts
    // left out, both labels.
    places[0].lon = 106.068_123_456_789_01;
    places[0].lat = 20.663_412_345_678_9;
    places[0].code = encode(places[0].lon, places[0].lat).unwrap();
    let [lon, lat] = [places[1].lon, places[1].lat];
    places[1].footprint = Some(
        serde_json::from_value(json!({"type": "Polygon", "coordinates": [[
            [lon, lat], [lon + 0.0001, lat], [lon + 0.0001, lat + 0.0001], [lon, lat]
        ]]}))
        .unwrap(),
    );
    places[2].attributes = serde_json::from_value(json!({
        "điện_thoại": "0221 3862 123", "tầng": 3, "ghi chú": "cạnh chợ; \"cũ\"", "x": [1, {"y": null}]
    }))
    .unwrap();
    places[2].external_ids = serde_json::from_value(json!({"osm": "node/123"})).unwrap();
    places[3].address = Address::default();
    places[3].generated = false;
    for p in &places {
        s.insert_place(p, &event(Action::Create, p), None)
            .await
            .unwrap();
    }
    let codes: Vec<LocationCode> = places.iter().rev().map(|p| p.code).collect();
    let together = s.get_places(&codes).await.unwrap();
    assert_eq!(together.len(), places.len());
    for (p, code) in together.iter().zip(&codes) {
        let alone = s.get_place(*code).await.unwrap().unwrap();
        assert_eq!(*p, alone);
    }
    assert_eq!(together.last().unwrap().lon, 106.068_123_456_789_01);
    assert_eq!(together.last().unwrap().lat, 20.663_412_345_678_9);
    // No code matches: nothing (PostgreSQL packs no row as NULL).
    let elsewhere = encode(106.2, 20.9).unwrap();
    assert!(s.get_places(&[elsewhere]).await.unwrap().is_empty());
    // The start-up load keeps every digit too.
    let docs = s.load_place_docs().await.unwrap();
    let doc = docs.iter().find(|d| d.code == places[0].code).unwrap();
    assert_eq!((doc.lon, doc.lat), (places[0].lon, places[0].lat));
}

#[tokio::test]
async fn a_batch_is_committed_whole_with_its_progress_or_not_at_all() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let existing = place(0.0, "Đã có");
    s.insert_place(&existing, &event(Action::Create, &existing), None)
        .await
        .unwrap();
    let progress = |done: u64| ImportProgress {
        key: "file-1".into(),
        source: "test.ndjson".into(),
        records_done: done,
        accepted: done,
        rejected: 0,
        duplicates: 0,
        started_at: "2026-11-27T00:00:00.000000Z".into(),
        finished: false,
    };
    let batch: Vec<Place> = (1..=3)
        .map(|i| place(40.0 * f64::from(i), &format!("Lô {i}")))
        .collect();
    let events: Vec<NewEvent> = batch.iter().map(|p| event(Action::Create, p)).collect();
    s.insert_batch(&batch, &events, &progress(3)).await.unwrap();
    let saved = s.import_progress("file-1").await.unwrap().unwrap();
    assert_eq!((saved.records_done, saved.finished), (3, false));
    assert_eq!(counts(s).await.places, 4);

    let before = counts(s).await;
    let mut clash = vec![place(200.0, "Mới"), place(0.0, "Trùng mã")];
    clash[1].code = existing.code;
    let clash_events: Vec<NewEvent> = clash.iter().map(|p| event(Action::Create, p)).collect();
    let refused = s.insert_batch(&clash, &clash_events, &progress(5)).await;
    assert!(
        matches!(refused, Err(StoreError::CodeTaken(_))),
        "{refused:?}"
    );
    assert_eq!(
        counts(s).await,
        before,
        "nothing of a refused batch is kept"
    );
    assert_eq!(
        s.import_progress("file-1")
            .await
            .unwrap()
            .unwrap()
            .records_done,
        3,
        "nor its progress"
    );

    s.save_import_progress(&ImportProgress {
        finished: true,
        ..progress(3)
    })
    .await
    .unwrap();
    assert!(s.import_progress("file-1").await.unwrap().unwrap().finished);
    assert!(s.import_progress("other").await.unwrap().is_none());
}

#[tokio::test]
async fn idempotency_records_are_kept_only_with_their_place() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let p = place(0.0, "Trạm y tế");
    let record = diachiso::store::IdempotencyRecord {
        scope: "token:1".into(),
        key: "k-1".into(),
        fingerprint: "abc".into(),
        code: p.code,
        response: json!({"code": p.code.to_string()}),
    };
    s.insert_place(&p, &event(Action::Create, &p), Some(&record))
        .await
        .unwrap();
    assert_eq!(
        s.find_idempotency("token:1", "k-1").await.unwrap(),
        Some(record.clone())
    );
    assert!(s
        .find_idempotency("token:2", "k-1")
        .await
        .unwrap()
        .is_none());

    let mut twin = place(0.0, "Khác");
    twin.code = p.code;
    let second = diachiso::store::IdempotencyRecord {
        key: "k-2".into(),
        ..record
    };
    assert!(s
        .insert_place(&twin, &event(Action::Create, &twin), Some(&second))
        .await
        .is_err());
    assert!(s
        .find_idempotency("token:1", "k-2")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_restored_log_keeps_its_sequence_numbers_and_new_events_follow() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let p = place(0.0, "Đình");
    // The place must exist for its events (the log refers to it).
    s.insert_batch(
        std::slice::from_ref(&p),
        &[],
        &ImportProgress {
            key: "restore".into(),
            source: "backup".into(),
            records_done: 1,
            accepted: 1,
            rejected: 0,
            duplicates: 0,
            started_at: "2026-11-27T00:00:00.000000Z".into(),
            finished: true,
        },
    )
    .await
    .unwrap();
    let restored: Vec<Event> = [40, 41, 97]
        .into_iter()
        .map(|seq| Event {
            seq,
            event: event(Action::Update, &p),
        })
        .collect();
    s.restore_events(&restored).await.unwrap();
    assert_eq!(s.history(p.code).await.unwrap(), restored);
    assert_eq!(s.last_event_seq().await.unwrap(), 97);
    let mut changed = p.clone();
    changed.version = 2;
    let next = s
        .update_place(&changed, 1, &event(Action::Update, &changed))
        .await
        .unwrap();
    assert!(
        next > 97,
        "the next event follows the largest restored ({next})"
    );
}

#[tokio::test]
async fn tokens_are_found_by_hash_until_revoked() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let communes = vec!["11953".to_owned(), "11977".to_owned()];
    let t = s
        .create_token(
            "UBND phường Phố Hiến",
            diachiso::auth::Role::Editor,
            &communes,
            "h1",
        )
        .await
        .unwrap();
    assert_eq!(t.communes, communes);
    assert_eq!(s.token_by_hash("h1").await.unwrap(), Some(t.clone()));
    assert!(s.token_by_hash("h2").await.unwrap().is_none());
    assert!(s.revoke_token(t.id).await.unwrap());
    assert!(!s.revoke_token(t.id).await.unwrap(), "revoked once only");
    assert!(s.token_by_hash("h1").await.unwrap().is_none());
    let listed = s.list_tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].revoked_at.is_some());
}

#[tokio::test]
async fn streets_conflict_on_a_taken_id_or_a_changed_version() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let id = "st-0000000001";
    let created = s
        .save_street(
            &street(id, 1),
            None,
            &street_event(StreetAction::Create, id, None),
        )
        .await
        .unwrap();
    let again = s
        .save_street(
            &street(id, 1),
            None,
            &street_event(StreetAction::Create, id, None),
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::StreetConflict(_))),
        "{again:?}"
    );
    let stale = s
        .save_street(
            &street(id, 3),
            Some(2),
            &street_event(StreetAction::Update, id, None),
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::StreetConflict(_))),
        "{stale:?}"
    );
    let updated = s
        .save_street(
            &street(id, 2),
            Some(1),
            &street_event(StreetAction::Update, id, None),
        )
        .await
        .unwrap();
    assert!(updated > created);
    assert_eq!(s.last_street_event_seq().await.unwrap(), updated);
    assert_eq!(s.get_street(id).await.unwrap().unwrap().version, 2);
    assert_eq!(s.load_streets().await.unwrap().len(), 1);
    let history = s.street_history(id).await.unwrap();
    assert_eq!(history.len(), 2, "refused writes left no event");
    assert_eq!(s.street_events_after(created, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_plan_decision_renumbers_houses_in_one_transaction() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let street_id = "st-0000000002";
    s.save_street(
        &street(street_id, 1),
        None,
        &street_event(StreetAction::Create, street_id, None),
    )
    .await
    .unwrap();
    let house = place(5.0, "Nhà");
    s.insert_place(&house, &event(Action::Create, &house), None)
        .await
        .unwrap();
    let draft = plan("np-0000000001", street_id);
    s.insert_plan(
        &draft,
        &street_event(StreetAction::Propose, street_id, Some(&draft.id)),
    )
    .await
    .unwrap();
    assert_eq!(s.get_plan(&draft.id).await.unwrap(), Some(draft.clone()));
    assert_eq!(s.list_plans(street_id).await.unwrap(), vec![draft.clone()]);

    let approved = NumberingPlan {
        status: PlanStatus::Approved,
        decided_by: Some("reviewer".into()),
        decided_at: Some(now()),
        ..draft.clone()
    };
    let renumbered = Place {
        address: Address {
            house_number: Some("1".into()),
            ..house.address.clone()
        },
        version: 2,
        ..house.clone()
    };
    let approve = street_event(StreetAction::Approve, street_id, Some(&draft.id));
    // A house that changed since (expected version 7) refuses the whole decision.
    let stale = s
        .decide_plan(
            &approved,
            &approve,
            &[],
            &[(renumbered.clone(), 7, event(Action::Update, &renumbered))],
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::VersionConflict(_))),
        "{stale:?}"
    );
    assert_eq!(
        s.get_plan(&draft.id).await.unwrap().unwrap().status,
        PlanStatus::Draft
    );
    assert_eq!(s.history(house.code).await.unwrap().len(), 1);

    s.decide_plan(
        &approved,
        &approve,
        &[],
        &[(renumbered.clone(), 1, event(Action::Update, &renumbered))],
    )
    .await
    .unwrap();
    assert_eq!(
        s.get_plan(&draft.id).await.unwrap().unwrap().status,
        PlanStatus::Approved
    );
    assert_eq!(s.get_place(house.code).await.unwrap(), Some(renumbered));
    let decided_twice = s.decide_plan(&approved, &approve, &[], &[]).await;
    assert!(
        matches!(decided_twice, Err(StoreError::StreetConflict(_))),
        "a plan is decided once: {decided_twice:?}"
    );
}

#[tokio::test]
async fn numbering_rules_are_replaced_per_commune() {
    let f = fresh().await;
    let s = f.store.as_ref();
    assert!(s.numbering_rules("11953").await.unwrap().is_none());
    let mut rules = CommuneRules {
        commune_code: "11953".into(),
        suffix_style: SuffixStyle::Dash,
        reserve_every_m: Some(25.0),
        updated_by: "admin".into(),
        updated_at: now(),
    };
    s.save_numbering_rules(&rules).await.unwrap();
    assert_eq!(
        s.numbering_rules("11953").await.unwrap(),
        Some(rules.clone())
    );
    rules.suffix_style = SuffixStyle::Letters;
    rules.reserve_every_m = None;
    s.save_numbering_rules(&rules).await.unwrap();
    assert_eq!(s.numbering_rules("11953").await.unwrap(), Some(rules));
}

#[tokio::test]
async fn parking_payments_replay_and_a_changed_one_refuses_the_request() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let lot = Place {
        kind: PlaceKind::ParkingLot,
        ..place(0.0, "Bãi đỗ xe")
    };
    s.insert_place(&lot, &event(Action::Create, &lot), None)
        .await
        .unwrap();
    let paid_at = DateTime::parse_from_rfc3339("2026-11-27T03:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let payment = |id: &str, amount: u64| Transaction {
        platform: "napas".into(),
        transaction_id: id.into(),
        lot_code: lot.code,
        vehicle: "motorbike".into(),
        amount_vnd: amount,
        paid_at,
    };
    let first = s
        .record_transactions(&[payment("t1", 5000)], "token:9", now())
        .await
        .unwrap();
    assert_eq!(first, [Outcome::Recorded]);
    let replay = s
        .record_transactions(
            &[payment("t1", 5000), payment("t2", 3000)],
            "token:9",
            now(),
        )
        .await
        .unwrap();
    assert_eq!(replay, [Outcome::Replayed, Outcome::Recorded]);
    let conflict = s
        .record_transactions(
            &[payment("t3", 1000), payment("t1", 9999)],
            "token:9",
            now(),
        )
        .await;
    assert!(
        matches!(conflict, Err(StoreError::TransactionConflict(_))),
        "{conflict:?}"
    );
    let day = paid_at.date_naive();
    let totals = s.daily_totals(day, day, None, Some("11953")).await.unwrap();
    assert_eq!(totals.len(), 1);
    assert_eq!(
        (totals[0].transactions, totals[0].amount_vnd),
        (2, 8000),
        "t3 of the refused request was not kept"
    );
    assert!(s
        .daily_totals(day, day, None, Some("11977"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_snapshot_is_kept_once_per_day_with_all_its_counts() {
    let f = fresh().await;
    let s = f.store.as_ref();
    let houses: Vec<Place> = (0..3)
        .map(|i| place(25.0 * f64::from(i), &format!("Nhà {i}")))
        .collect();
    for p in &houses {
        s.insert_place(p, &event(Action::Create, p), None)
            .await
            .unwrap();
    }
    let rows: Vec<CountRow> = houses
        .iter()
        .enumerate()
        .map(|(i, p)| CountRow {
            line: i + 2,
            code: p.code,
            residents: 3 + i as u32,
            households: 1,
        })
        .collect();
    let snapshot = Snapshot {
        id: 0,
        as_of: "2026-11-01".into(),
        source: "test".into(),
        imported_at: "2026-11-27T00:00:00.000000Z".into(),
        imported_by: "sync".into(),
        addresses: 3,
        residents: 12,
        households: 3,
        generated: true,
    };
    let saved = s.insert_snapshot(&snapshot, &rows).await.unwrap();
    assert!(saved.id > 0);
    let mut counts = s.snapshot_counts(saved.id).await.unwrap();
    counts.sort();
    let mut expected: Vec<(LocationCode, u32, u32)> = rows
        .iter()
        .map(|r| (r.code, r.residents, r.households))
        .collect();
    expected.sort();
    assert_eq!(counts, expected);
    let again = s.insert_snapshot(&snapshot, &rows[..1]).await;
    assert!(
        matches!(again, Err(StoreError::SnapshotExists(_))),
        "{again:?}"
    );
    assert_eq!(s.snapshots().await.unwrap(), vec![saved]);
}

#[tokio::test]
async fn a_database_error_names_the_operation_that_failed() {
    let f = fresh().await;
    let s = f.store.as_ref();
    // A commune that does not exist breaks the foreign key: a database error, not a conflict.
    let p = Place {
        commune_code: "99999".into(),
        ..place(0.0, "Ngoài")
    };
    let error = s
        .insert_place(&p, &event(Action::Create, &p), None)
        .await
        .expect_err("no such commune");
    assert!(
        matches!(
            error,
            StoreError::Database {
                operation: "insert_place",
                statement: "insert_place",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error
        .to_string()
        .starts_with("insert_place failed at insert_place: "));
    assert_eq!(counts(s).await.places, 0);
}
