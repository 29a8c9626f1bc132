//! The standardised house-number catalogue of a commune.

use crate::auth::Actor;
use crate::numbering::HouseNumber;
use crate::place::{Place, PlaceKind, Status};
use crate::registry::{Registry, RegistryError, Result, NUMBERING_ATTRIBUTE};

/// One row of a commune's standardised house-number catalogue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CatalogueRow {
    pub code: String,
    pub house_number: String,
    pub street: String,
    pub street_id: String,
    pub commune_code: String,
    pub commune_name: String,
    pub full_address: String,
    pub plan_id: String,
    pub approved_at: String,
    pub lon: f64,
    pub lat: f64,
    pub status: String,
    pub generated: bool,
}

impl Registry {
    /// The standardised catalogue of a commune: every house numbered by an approved plan,
    /// ordered by street, side and number. Anonymous callers get certified (active) houses
    /// only, as everywhere else; signed-in roles also provisional ones.
    pub async fn catalogue(&self, actor: &Actor, commune_code: &str) -> Result<Vec<CatalogueRow>> {
        let commune_name = self
            .communes()
            .get(commune_code)
            .map(|c| c.full_name.clone())
            .ok_or_else(|| RegistryError::NotFound(format!("commune {commune_code}")))?;
        let mut houses: Vec<Place> = Vec::new();
        self.store
            .export_places(Some(commune_code), &mut |p: Place| {
                if p.kind == PlaceKind::House
                    && (p.status == Status::Active
                        || (p.status == Status::Provisional && actor.can_read_all()))
                    && p.attributes.contains_key(NUMBERING_ATTRIBUTE)
                {
                    houses.push(p);
                }
                Ok(())
            })
            .await?;
        let mut rows: Vec<(String, u8, Option<HouseNumber>, CatalogueRow)> = Vec::new();
        for p in houses {
            let n = &p.attributes["numbering"];
            let street_id = n["street_id"].as_str().unwrap_or_default().to_owned();
            let number = p.address.house_number.clone().unwrap_or_default();
            let full_address = match self.with_streets(|s| s.get(&street_id)) {
                Some(street) => self.full_address(&number, &street, &p.commune_code),
                None => format!(
                    "Số {number}, {}",
                    p.address.street.clone().unwrap_or_default()
                ),
            };
            let side = u8::from(n["side"].as_str() == Some("right"));
            rows.push((
                street_id.clone(),
                side,
                number.parse::<HouseNumber>().ok(),
                CatalogueRow {
                    code: p.code.to_string(),
                    house_number: number,
                    street: p.address.street.clone().unwrap_or_default(),
                    street_id,
                    commune_code: p.commune_code.clone(),
                    commune_name: commune_name.clone(),
                    full_address,
                    plan_id: n["plan_id"].as_str().unwrap_or_default().to_owned(),
                    approved_at: n["approved_at"].as_str().unwrap_or_default().to_owned(),
                    lon: p.lon,
                    lat: p.lat,
                    status: p.status.as_str().to_owned(),
                    generated: p.generated,
                },
            ));
        }
        rows.sort_by(|a, b| (&a.3.street, &a.0, a.1, a.2).cmp(&(&b.3.street, &b.0, b.1, b.2)));
        Ok(rows.into_iter().map(|r| r.3).collect())
    }
}
