//! `/api/reports/progress`: the monthly progress report the plan asks for, per commune.

use std::collections::BTreeMap;
use utoipa::IntoParams;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::extract::{format_param, QueryParams};
use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::place::{PlaceKind, Status};
use crate::registry::RegistryError;

/// Query of the report.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// `json` or `csv`
    format: Option<String>,
}

/// The members of a row's JSON that are CSV columns too, after the counts by kind.
const CSV_FIGURES: [&str; 9] = [
    "certified",
    "provisional",
    "houses",
    "houses_numbered",
    "numbered_ratio",
    "addresses_linked",
    "linked_ratio",
    "parking_lots",
    "parking_with_payment_link",
];

#[derive(Debug, Default, Clone)]
struct Row {
    by_kind: BTreeMap<&'static str, u64>,
    certified: u64,
    provisional: u64,
    houses: u64,
    numbered: u64,
    linked: u64,
    parking_lots: u64,
    parking_linked: u64,
}

fn ratio(a: u64, b: u64) -> Value {
    if b == 0 {
        Value::Null
    } else {
        (((a as f64 / b as f64) * 1000.0).round() / 1000.0).into()
    }
}

impl Row {
    fn add(&mut self, o: &Row) {
        for (k, v) in &o.by_kind {
            *self.by_kind.entry(k).or_default() += v;
        }
        self.certified += o.certified;
        self.provisional += o.provisional;
        self.houses += o.houses;
        self.numbered += o.numbered;
        self.linked += o.linked;
        self.parking_lots += o.parking_lots;
        self.parking_linked += o.parking_linked;
    }

    fn json(&self) -> Value {
        json!({
            "places_by_kind": self.by_kind,
            "places": self.certified + self.provisional,
            "certified": self.certified,
            "provisional": self.provisional,
            "certified_ratio": ratio(self.certified, self.certified + self.provisional),
            "houses": self.houses,
            "houses_numbered": self.numbered,
            "numbered_ratio": ratio(self.numbered, self.houses),
            "addresses_linked": self.linked,
            "linked_ratio": ratio(self.linked, self.houses),
            "parking_lots": self.parking_lots,
            "parking_with_payment_link": self.parking_linked,
            "payment_link_ratio": ratio(self.parking_linked, self.parking_lots),
        })
    }
}

/// `GET /api/reports/progress`.
#[utoipa::path(
    get, path = "/api/reports/progress", tag = "meta", operation_id = "progress_report",
    summary = "The monthly progress report, per commune (JSON or CSV)",
    description = "Public (counts of registry records only). Per commune and for the province: \
        places registered by kind (not retired), certified vs provisional, houses numbered \
        under Circular 08/2024 (by an approved plan), addresses linked to a resident count (in \
        the latest snapshot), parking lots with a payment link, and the coverage ratios. \
        `format` json (default) or csv.",
    params(ProgressQuery),
    responses(
        (status = 200, description = "The report.", content((schema::AnyJson = "application/json"), (String = "text/csv"))),
        responses::BadFormat,
    )
)]
pub async fn progress(
    State(state): State<AppState>, QueryParams(q): QueryParams<ProgressQuery>,
) -> ApiResult<Response> {
    let csv = format_param(q.format.as_deref(), &["json", "csv"])? == "csv";
    let communes = state.registry.communes();
    let mut rows: BTreeMap<u32, Row> = communes
        .all()
        .iter()
        .map(|c| (c.code.parse().unwrap_or(0), Row::default()))
        .collect();
    state.registry.with_catalog(|catalog| {
        for d in catalog.iter() {
            if d.status == Status::Retired {
                continue;
            }
            let r = rows.entry(d.commune).or_default();
            *r.by_kind.entry(d.kind.as_str()).or_default() += 1;
            match d.status {
                Status::Active => r.certified += 1,
                _ => r.provisional += 1,
            }
            if d.kind == PlaceKind::House {
                r.houses += 1;
            }
        }
    });
    for (commune, n) in state.registry.numbered_houses().await? {
        rows.entry(commune.parse().unwrap_or(0))
            .or_default()
            .numbered = n as u64;
    }
    let snapshot = match state.registry.population(None).await {
        Ok(data) => {
            for (commune, n) in &data.linked_per_commune {
                rows.entry(*commune).or_default().linked = *n;
            }
            Some(json!({"id": data.snapshot.id, "as_of": data.snapshot.as_of}))
        }
        Err(RegistryError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    for lots in state.registry.parking_progress().await? {
        let r = rows
            .entry(lots.commune_code.parse().unwrap_or(0))
            .or_default();
        r.parking_lots = lots.lots as u64;
        r.parking_linked = lots.with_payment_link as u64;
    }
    let mut province = Row::default();
    rows.values().for_each(|r| province.add(r));
    let name = |c: u32| {
        communes
            .get_by_number(c)
            .map(|c| (c.code.clone(), c.full_name.clone()))
            .unwrap_or_else(|| (format!("{c:05}"), String::new()))
    };
    if csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| Problem::internal(&e);
        let mut header = vec!["commune_code".to_owned(), "commune_name".to_owned()];
        header.extend(
            PlaceKind::ALL
                .iter()
                .map(|k| format!("places_{}", k.as_str())),
        );
        header.extend(CSV_FIGURES.map(str::to_owned));
        w.write_record(&header).map_err(io)?;
        let line = |code: String, name: String, r: &Row| {
            let mut rec = vec![code, name];
            rec.extend(
                PlaceKind::ALL
                    .iter()
                    .map(|k| r.by_kind.get(k.as_str()).copied().unwrap_or(0).to_string()),
            );
            let j = r.json();
            for k in CSV_FIGURES {
                rec.push(match &j[k] {
                    Value::Null => String::new(),
                    v => v.to_string(),
                });
            }
            rec
        };
        for (c, r) in &rows {
            let (code, n) = name(*c);
            w.write_record(crate::formats::spreadsheet_record(&line(code, n, r)))
                .map_err(io)?;
        }
        w.write_record(line("province".into(), String::new(), &province))
            .map_err(io)?;
        let bytes = w.into_inner().map_err(|e| Problem::internal(&e))?;
        return Ok(reply::csv(bytes));
    }
    let list: Vec<Value> = rows
        .iter()
        .map(|(c, r)| {
            let (code, n) = name(*c);
            let mut v = r.json();
            v["commune_code"] = code.into();
            v["commune_name"] = n.into();
            v
        })
        .collect();
    Ok(Json(json!({
        "month": chrono::Utc::now().format("%Y-%m").to_string(),
        "generated_at": chrono::Utc::now().to_rfc3339(),
        "resident_snapshot": snapshot,
        "province": province.json(),
        "communes": list,
    }))
    .into_response())
}
