//! The national list of commune-level units (3,321 since 1 July 2025).

use std::collections::HashMap;

/// The CSV `data/vietnam-admin-units-2025.csv`, embedded.
const ADMIN_UNITS_CSV: &str = include_str!("../../data/vietnam-admin-units-2025.csv");

/// One row of the national list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUnit {
    pub province_code: String,
    pub province_name: String,
    pub commune_code: String,
    pub commune_name: String,
    pub commune_full_name: String,
    pub commune_type: String,
}

/// The national list of commune-level units, keyed by commune code.
#[derive(Debug, Clone)]
pub struct AdminUnits {
    by_code: HashMap<String, AdminUnit>,
}

impl AdminUnits {
    /// The list shipped with the binary.
    pub fn national() -> &'static AdminUnits {
        static UNITS: std::sync::OnceLock<AdminUnits> = std::sync::OnceLock::new();
        UNITS.get_or_init(|| AdminUnits::parse(ADMIN_UNITS_CSV))
    }

    /// Parses the CSV (header line first; no field contains a comma).
    fn parse(csv: &str) -> AdminUnits {
        let by_code = csv
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
                (f.len() >= 6).then(|| AdminUnit {
                    province_code: f[0].to_owned(),
                    province_name: f[1].to_owned(),
                    commune_code: f[2].to_owned(),
                    commune_name: f[3].to_owned(),
                    commune_full_name: f[4].to_owned(),
                    commune_type: f[5].to_owned(),
                })
            })
            .map(|u| (u.commune_code.clone(), u))
            .collect();
        AdminUnits { by_code }
    }

    /// Every province: (code, full name such as "Tỉnh Hưng Yên"), by code.
    pub fn provinces(&self) -> Vec<(String, String)> {
        let mut provinces: Vec<(String, String)> = self
            .by_code
            .values()
            .map(|u| (u.province_code.clone(), u.province_name.clone()))
            .collect();
        provinces.sort();
        provinces.dedup();
        provinces
    }

    /// The unit with this commune code.
    pub fn get(&self, commune_code: &str) -> Option<&AdminUnit> {
        self.by_code.get(commune_code)
    }

    /// Number of units in the list.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_list_has_every_commune_of_2025() {
        let units = AdminUnits::national();
        assert_eq!(units.len(), 3321);
        let pho_hien = units.get("11953").expect("Phố Hiến is listed");
        assert_eq!(pho_hien.province_code, "33");
        assert_eq!(pho_hien.commune_full_name, "Phường Phố Hiến");
    }
}
