//! How a street and a house are written in an address.

use std::sync::Arc;

use crate::numbering::{self, format_full_address};
use crate::place::Place;
use crate::registry::{Registry, NUMBERING_ATTRIBUTE};
use crate::street::Street;

/// "tỉnh Hưng Yên" from the province name as loaded ("Hưng Yên" or "Tỉnh Hưng Yên").
fn province_in_address(name: &str) -> String {
    let lower_first = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    if name.starts_with("Tỉnh ") || name.starts_with("Thành phố ") {
        lower_first(name)
    } else {
        format!("tỉnh {name}")
    }
}

/// "phường Phố Hiến" from "Phường Phố Hiến".
fn commune_in_address(full_name: &str) -> String {
    let mut c = full_name.chars();
    c.next()
        .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl Registry {
    /// The street a house is numbered on, and the chain of its parents ("ngõ 5", "phố X").
    fn street_chain(&self, street: &Street) -> Vec<Arc<Street>> {
        let mut chain = Vec::new();
        let mut next = Some(Arc::new(street.clone()));
        while let Some(s) = next {
            next = s
                .parent_id
                .as_ref()
                .and_then(|p| self.with_streets(|idx| idx.get(p)))
                .filter(|p| !chain.iter().any(|c: &Arc<Street>| c.id == p.id) && p.id != s.id);
            chain.push(s);
            if chain.len() > 8 {
                break;
            }
        }
        chain
    }

    /// How a house on this street is written, without its number: "ngõ 5, phố Nguyễn Văn Linh".
    pub fn street_address_text(&self, street: &Street) -> String {
        self.street_chain(street)
            .iter()
            .map(|s| s.display_name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The full Vietnamese address of a number on a street: "Số 20A, ngõ 5, phố Nguyễn Văn
    /// Linh, phường Phố Hiến, tỉnh Hưng Yên".
    pub fn full_address(&self, number: &str, street: &Street, commune_code: &str) -> String {
        let chain = self.street_chain(street);
        let names: Vec<String> = chain
            .iter()
            .map(|s| {
                s.name
                    .clone()
                    .or_else(|| s.entrance_number.clone())
                    .unwrap_or_default()
            })
            .collect();
        let parts: Vec<(numbering::StreetType, &str)> = chain
            .iter()
            .zip(&names)
            .map(|(s, n)| (s.street_type, n.as_str()))
            .collect();
        let (commune, province) = self.commune_and_province_in_address(commune_code);
        format_full_address(number, &parts, &commune, &province)
    }

    /// The full Vietnamese address of a place in today's form, from its address parts (the
    /// street through its numbered street when a plan numbered it): "Số 7, phố Lê Lợi, Thôn
    /// Đông, phường Phố Hiến, tỉnh Hưng Yên". The address export and the geocoder write it.
    pub fn full_address_of(&self, place: &Place) -> String {
        let planned_street = place
            .attributes
            .get(NUMBERING_ATTRIBUTE)
            .and_then(|n| n["street_id"].as_str())
            .and_then(|id| self.with_streets(|s| s.get(id)))
            .map(|street| self.street_address_text(&street));
        self.address_line(
            place.address.house_number.as_deref(),
            planned_street
                .as_deref()
                .or(place.address.street.as_deref()),
            place.address.hamlet.as_deref(),
            &place.commune_code,
        )
    }

    /// One address line from its parts: "Số 12, ngõ 5, phố X, Thôn 3, phường Y, tỉnh Hưng
    /// Yên" (blank parts left out).
    pub fn address_line(
        &self, number: Option<&str>, street: Option<&str>, hamlet: Option<&str>, commune_code: &str,
    ) -> String {
        let (commune, province) = self.commune_and_province_in_address(commune_code);
        [
            number.map(|n| format!("Số {n}")),
            street.map(str::to_owned),
            hamlet.map(str::to_owned),
            Some(commune),
            Some(province),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }

    /// The commune and province as an address writes them ("phường Phố Hiến", "tỉnh Hưng
    /// Yên"); both empty for a commune that is not loaded.
    fn commune_and_province_in_address(&self, commune_code: &str) -> (String, String) {
        self.communes()
            .get(commune_code)
            .map(|c| {
                (
                    commune_in_address(&c.full_name),
                    province_in_address(&c.province_name),
                )
            })
            .unwrap_or_default()
    }
}
