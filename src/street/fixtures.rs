//! Streets and houses for the plan tests, in Phường Phố Hiến (Hưng Yên): a street drawn and
//! numbered north → south, so that facing the numbering direction east is the left (odd) side.

use chrono::{DateTime, TimeZone, Utc};

use super::{CommuneRules, DirectionSetting, Street, StreetHouse, StreetHouses, StreetStatus};
use crate::numbering::{Direction, DirectionRule, StreetType, SuffixStyle};
use crate::place::{Address, Place, PlaceKind, Status};

/// Admin centre of Phường Phố Hiến (11953).
pub const PHO_HIEN: [f64; 2] = [106.068, 20.6634];

/// The commune every fixture lies in.
pub const COMMUNE: &str = "11953";

/// A point `east_m` east and `north_m` north of Phố Hiến's centre.
pub fn offset(east_m: f64, north_m: f64) -> [f64; 2] {
    [
        PHO_HIEN[0] + east_m / (111_320.0 * PHO_HIEN[1].to_radians().cos()),
        PHO_HIEN[1] + north_m / 110_574.0,
    ]
}

/// A fixed instant, so that versions and times in the assertions are known.
pub fn t(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, hour, 0, 0)
        .single()
        .expect("a valid fixed time")
}

/// "phố Nguyễn Văn Linh": 240 m north → south through the centre, 24 m wide, version 3.
pub fn street() -> Street {
    Street {
        id: "st-nguyenvanl".into(),
        street_type: StreetType::Pho,
        name: Some("Nguyễn Văn Linh".into()),
        line: vec![offset(0.0, 120.0), offset(0.0, -120.0)],
        width_m: 24.0,
        communes: vec![COMMUNE.into()],
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
        version: 3,
        created_at: t(1),
        updated_at: t(2),
    }
}

/// An unnamed alley leaving `parent` eastwards from its point `north_m` north of the centre.
pub fn alley(id: &str, parent: &Street, north_m: f64) -> Street {
    Street {
        id: id.into(),
        street_type: StreetType::Ngo,
        name: None,
        line: vec![offset(2.0, north_m), offset(80.0, north_m)],
        width_m: 4.0,
        parent_id: Some(parent.id.clone()),
        direction_rule: DirectionRule::AlleyFromParent,
        version: 1,
        ..parent.clone()
    }
}

/// An active house, version 1, `east_m` east and `north_m` north of the centre.
pub fn house(east_m: f64, north_m: f64) -> Place {
    let [lon, lat] = offset(east_m, north_m);
    Place {
        code: crate::code::encode(lon, lat).expect("Phố Hiến is inside the territory"),
        kind: PlaceKind::House,
        name: format!("Hộ {east_m} {north_m}"),
        lon,
        lat,
        footprint: None,
        commune_code: COMMUNE.into(),
        address: Address::default(),
        attributes: serde_json::Map::new(),
        external_ids: Default::default(),
        status: Status::Active,
        generated: true,
        version: 1,
        created_at: t(1),
        updated_at: t(1),
    }
}

/// The same house carrying a number written on "phố Nguyễn Văn Linh" (never planned).
pub fn numbered(mut place: Place, number: &str) -> Place {
    place.address.house_number = Some(number.into());
    place.address.street = Some("phố Nguyễn Văn Linh".into());
    place
}

/// Phố Hiến's rules: letter suffixes, and reserved numbers as given.
pub fn commune_rules(reserve_every_m: Option<f64>) -> CommuneRules {
    CommuneRules {
        commune_code: COMMUNE.into(),
        suffix_style: SuffixStyle::Letters,
        reserve_every_m,
        updated_by: "default".into(),
        updated_at: t(0),
    }
}

/// These houses, all numbered on the street (no corner house among them).
pub fn on_street(places: Vec<Place>) -> StreetHouses {
    StreetHouses {
        houses: places
            .into_iter()
            .map(|place| StreetHouse {
                place,
                corner_rule: None,
            })
            .collect(),
        elsewhere: Vec::new(),
    }
}
