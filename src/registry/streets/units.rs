//! Apartment units numbered floor–unit under their building's code.

use serde_json::{json, Value};

use crate::auth::Actor;
use crate::event::Action;
use crate::numbering;
use crate::place::{Place, PlaceKind};
use crate::registry::{Registry, RegistryError, Result, PLACE_RETIRED};

/// The attribute that holds a building's apartment units (written only by
/// [`Registry::number_units`]).
pub const UNITS_ATTRIBUTE: &str = "units";

/// Most apartment units one building may have.
pub const MAX_UNITS: usize = 5000;

impl Registry {
    /// Numbers a building's apartments floor–unit (Circular 08/2024, Art. 13): per floor, units
    /// clockwise from the main access, floors from 1 (basements get no number). The units are
    /// kept in the building's `units` attribute, under its location code, with an event.
    pub async fn number_units(
        &self, actor: &Actor, code: crate::code::LocationCode, if_match: Option<&str>,
        access_bearing_deg: f64, units: &[numbering::UnitPosition],
    ) -> Result<Place> {
        if units.is_empty() || units.len() > MAX_UNITS {
            return Err(RegistryError::invalid(
                "/units",
                format!("1 to {MAX_UNITS} units"),
            ));
        }
        if !access_bearing_deg.is_finite() || !(0.0..360.0).contains(&access_bearing_deg) {
            return Err(RegistryError::invalid(
                "/access_bearing_deg",
                "the main access's bearing from the building's core, degrees 0 ≤ b < 360",
            ));
        }
        if let Some(i) = units.iter().position(|u| {
            !u.bearing_deg.is_finite()
                || !(0.0..360.0).contains(&u.bearing_deg)
                || !(-10..=200).contains(&u.floor)
        }) {
            return Err(RegistryError::invalid(
                format!("/units/{i}"),
                "floor from -10 (basements) to 200, bearing_deg 0 ≤ b < 360",
            ));
        }
        let _write = self.writes.lock().await;
        let before = self
            .place_to_change(actor, code, if_match, PLACE_RETIRED)
            .await?;
        if !matches!(
            before.kind,
            PlaceKind::House | PlaceKind::Other | PlaceKind::PublicBuilding
        ) {
            return Err(RegistryError::invalid(
                "/",
                "apartments belong to a residential building (kind house, other or public_building)",
            ));
        }
        let numbers = numbering::number_units(units, access_bearing_deg);
        let address = self.full_address_of(&before);
        let list: Vec<Value> = units
            .iter()
            .zip(&numbers)
            .map(|(u, n)| {
                json!({
                    "number": n.map(|n| n.to_string()),
                    "floor": u.floor,
                    "bearing_deg": u.bearing_deg,
                    "full_address": n.map(|n| format!("Căn hộ {n}, {address}")),
                })
            })
            .collect();
        let mut after = before.clone();
        after
            .attributes
            .insert(UNITS_ATTRIBUTE.into(), Value::Array(list));
        self.commit_change(
            actor,
            before,
            after,
            Action::Update,
            Some("apartment units numbered".into()),
        )
        .await
    }
}
