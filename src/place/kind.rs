//! Place kinds and lifecycle states.

use serde::{Deserialize, Serialize};

/// What a place is. The Vietnamese label is the one shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    PublicBuilding,
    GovernmentOffice,
    Business,
    TouristSite,
    BusStation,
    ParkingLot,
    ReligiousSite,
    CommunityPoint,
    House,
    Other,
}

impl PlaceKind {
    /// Every kind, in display order.
    pub const ALL: [PlaceKind; 10] = [
        PlaceKind::PublicBuilding,
        PlaceKind::GovernmentOffice,
        PlaceKind::Business,
        PlaceKind::TouristSite,
        PlaceKind::BusStation,
        PlaceKind::ParkingLot,
        PlaceKind::ReligiousSite,
        PlaceKind::CommunityPoint,
        PlaceKind::House,
        PlaceKind::Other,
    ];

    /// The identifier used in the API and the store, e.g. `"parking_lot"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::PublicBuilding => "public_building",
            PlaceKind::GovernmentOffice => "government_office",
            PlaceKind::Business => "business",
            PlaceKind::TouristSite => "tourist_site",
            PlaceKind::BusStation => "bus_station",
            PlaceKind::ParkingLot => "parking_lot",
            PlaceKind::ReligiousSite => "religious_site",
            PlaceKind::CommunityPoint => "community_point",
            PlaceKind::House => "house",
            PlaceKind::Other => "other",
        }
    }

    /// The Vietnamese label, e.g. `"bãi đỗ xe"`.
    pub fn label_vi(self) -> &'static str {
        match self {
            PlaceKind::PublicBuilding => "công trình công cộng",
            PlaceKind::GovernmentOffice => "trụ sở cơ quan",
            PlaceKind::Business => "cơ sở kinh doanh",
            PlaceKind::TouristSite => "điểm du lịch",
            PlaceKind::BusStation => "bến xe",
            PlaceKind::ParkingLot => "bãi đỗ xe",
            PlaceKind::ReligiousSite => "cơ sở tôn giáo, tín ngưỡng",
            PlaceKind::CommunityPoint => "điểm sinh hoạt cộng đồng",
            PlaceKind::House => "nhà ở",
            PlaceKind::Other => "khác",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            PlaceKind::PublicBuilding => "public building",
            PlaceKind::GovernmentOffice => "government office",
            PlaceKind::Business => "business",
            PlaceKind::TouristSite => "tourist site",
            PlaceKind::BusStation => "bus station",
            PlaceKind::ParkingLot => "parking lot",
            PlaceKind::ReligiousSite => "religious site",
            PlaceKind::CommunityPoint => "community point",
            PlaceKind::House => "house",
            PlaceKind::Other => "other",
        }
    }

    /// Parses the API identifier.
    ///
    /// ```
    /// use diachiso::place::PlaceKind;
    /// assert_eq!(PlaceKind::parse("parking_lot"), Some(PlaceKind::ParkingLot));
    /// assert_eq!(PlaceKind::parse("castle"), None);
    /// ```
    pub fn parse(s: &str) -> Option<PlaceKind> {
        PlaceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Lifecycle: `provisional` → `active` (certified by a reviewer) → `retired`.
/// A provisional place may also be retired directly (registered by mistake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Provisional,
    Active,
    Retired,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 3] = [Status::Provisional, Status::Active, Status::Retired];

    /// The identifier used in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Provisional => "provisional",
            Status::Active => "active",
            Status::Retired => "retired",
        }
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Provisional => "tạm thời",
            Status::Active => "đã xác nhận",
            Status::Retired => "đã hủy",
        }
    }

    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
