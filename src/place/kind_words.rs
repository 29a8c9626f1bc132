//! Kinds of place as people write them in their spreadsheets: "Chùa", "Bãi đỗ xe", "UBND xã",
//! "Trường THCS" … (any case, with or without diacritics).

use super::PlaceKind;
use crate::text::fold;

/// Folded words (or their start) → kind, longest first so that "nha van hoa" wins over "nha".
const WORDS: &[(&str, PlaceKind)] = &[
    // The identifiers and the Vietnamese labels themselves.
    ("public_building", PlaceKind::PublicBuilding),
    ("government_office", PlaceKind::GovernmentOffice),
    ("business", PlaceKind::Business),
    ("tourist_site", PlaceKind::TouristSite),
    ("bus_station", PlaceKind::BusStation),
    ("parking_lot", PlaceKind::ParkingLot),
    ("religious_site", PlaceKind::ReligiousSite),
    ("community_point", PlaceKind::CommunityPoint),
    ("house", PlaceKind::House),
    ("other", PlaceKind::Other),
    ("cong trinh cong cong", PlaceKind::PublicBuilding),
    ("tru so co quan", PlaceKind::GovernmentOffice),
    ("co so kinh doanh", PlaceKind::Business),
    ("diem du lich", PlaceKind::TouristSite),
    ("diem sinh hoat cong dong", PlaceKind::CommunityPoint),
    // Parking before "bến xe" and "xe".
    ("diem trong giu xe", PlaceKind::ParkingLot),
    ("bai do xe", PlaceKind::ParkingLot),
    ("bai dau xe", PlaceKind::ParkingLot),
    ("bai xe", PlaceKind::ParkingLot),
    ("nha xe", PlaceKind::ParkingLot),
    ("ben xe", PlaceKind::BusStation),
    ("diem dung xe buyt", PlaceKind::BusStation),
    ("tram xe buyt", PlaceKind::BusStation),
    ("nha cho xe buyt", PlaceKind::BusStation),
    // Religious sites.
    ("nha tho", PlaceKind::ReligiousSite),
    ("thanh that", PlaceKind::ReligiousSite),
    ("tu duong", PlaceKind::ReligiousSite),
    ("chua", PlaceKind::ReligiousSite),
    ("dinh", PlaceKind::ReligiousSite),
    ("den", PlaceKind::ReligiousSite),
    ("mieu", PlaceKind::ReligiousSite),
    ("phu", PlaceKind::ReligiousSite),
    ("am", PlaceKind::ReligiousSite),
    // Offices.
    ("ubnd", PlaceKind::GovernmentOffice),
    ("uy ban nhan dan", PlaceKind::GovernmentOffice),
    ("hdnd", PlaceKind::GovernmentOffice),
    ("tru so", PlaceKind::GovernmentOffice),
    ("cong an", PlaceKind::GovernmentOffice),
    ("dang uy", PlaceKind::GovernmentOffice),
    ("uy ban", PlaceKind::GovernmentOffice),
    ("mat tran to quoc", PlaceKind::GovernmentOffice),
    ("kho bac", PlaceKind::GovernmentOffice),
    ("chi cuc", PlaceKind::GovernmentOffice),
    ("toa an", PlaceKind::GovernmentOffice),
    ("vien kiem sat", PlaceKind::GovernmentOffice),
    ("ban chi huy quan su", PlaceKind::GovernmentOffice),
    // Community points before public buildings ("nhà văn hóa" before "nhà").
    ("nha van hoa", PlaceKind::CommunityPoint),
    ("nvh", PlaceKind::CommunityPoint),
    ("diem sinh hoat", PlaceKind::CommunityPoint),
    ("khu vui choi", PlaceKind::CommunityPoint),
    ("quang truong", PlaceKind::CommunityPoint),
    ("cong vien", PlaceKind::CommunityPoint),
    ("vuon hoa", PlaceKind::CommunityPoint),
    ("san choi", PlaceKind::CommunityPoint),
    ("nha thieu nhi", PlaceKind::CommunityPoint),
    // Public buildings.
    ("truong", PlaceKind::PublicBuilding),
    ("thcs", PlaceKind::PublicBuilding),
    ("thpt", PlaceKind::PublicBuilding),
    ("mam non", PlaceKind::PublicBuilding),
    ("benh vien", PlaceKind::PublicBuilding),
    ("tram y te", PlaceKind::PublicBuilding),
    ("tyt", PlaceKind::PublicBuilding),
    ("buu dien", PlaceKind::PublicBuilding),
    ("thu vien", PlaceKind::PublicBuilding),
    ("san van dong", PlaceKind::PublicBuilding),
    ("nha thi dau", PlaceKind::PublicBuilding),
    ("trung tam y te", PlaceKind::PublicBuilding),
    ("phong kham", PlaceKind::PublicBuilding),
    ("tieu hoc", PlaceKind::PublicBuilding),
    ("trung hoc", PlaceKind::PublicBuilding),
    ("dai hoc", PlaceKind::PublicBuilding),
    ("cao dang", PlaceKind::PublicBuilding),
    ("nha tre", PlaceKind::PublicBuilding),
    ("bao tang", PlaceKind::TouristSite),
    ("khu du lich", PlaceKind::TouristSite),
    // Businesses.
    ("cho", PlaceKind::Business),
    ("cua hang", PlaceKind::Business),
    ("quan", PlaceKind::Business),
    ("sieu thi", PlaceKind::Business),
    ("cong ty", PlaceKind::Business),
    ("nha nghi", PlaceKind::Business),
    ("khach san", PlaceKind::Business),
    // "Nhà hàng", "nhà thuốc" before "nhà" (a house).
    ("nha hang", PlaceKind::Business),
    ("nha thuoc", PlaceKind::Business),
    ("hieu thuoc", PlaceKind::Business),
    ("quay thuoc", PlaceKind::Business),
    ("cay xang", PlaceKind::Business),
    ("tram xang", PlaceKind::Business),
    ("xang dau", PlaceKind::Business),
    ("ngan hang", PlaceKind::Business),
    ("tiem", PlaceKind::Business),
    ("ca phe", PlaceKind::Business),
    ("cafe", PlaceKind::Business),
    ("tap hoa", PlaceKind::Business),
    ("hop tac xa", PlaceKind::Business),
    ("doanh nghiep", PlaceKind::Business),
    ("nha may", PlaceKind::Business),
    ("xuong", PlaceKind::Business),
    ("van phong cong ty", PlaceKind::Business),
];

/// Further words for sites and houses, checked after [`WORDS`].
const MORE_WORDS: &[(&str, PlaceKind)] = &[
    ("di tich", PlaceKind::TouristSite),
    ("danh thang", PlaceKind::TouristSite),
    ("lang nghe", PlaceKind::TouristSite),
    ("nha o", PlaceKind::House),
    ("nha rieng", PlaceKind::House),
    ("nha", PlaceKind::House),
];

impl PlaceKind {
    /// The kind a written word or phrase names (its first words decide: "Chùa Keo" is a
    /// religious site, "Bãi đỗ xe Phố Hiến" a parking lot); `None` for a word it does not
    /// know.
    ///
    /// ```
    /// use diachiso::place::PlaceKind;
    /// assert_eq!(PlaceKind::from_words("Chùa"), Some(PlaceKind::ReligiousSite));
    /// assert_eq!(PlaceKind::from_words("bai do xe"), Some(PlaceKind::ParkingLot));
    /// assert_eq!(PlaceKind::from_words("UBND xã"), Some(PlaceKind::GovernmentOffice));
    /// assert_eq!(PlaceKind::from_words("Nhà văn hóa thôn 3"), Some(PlaceKind::CommunityPoint));
    /// assert_eq!(PlaceKind::from_words("parking_lot"), Some(PlaceKind::ParkingLot));
    /// assert_eq!(PlaceKind::from_words("tàu vũ trụ"), None);
    /// ```
    pub fn from_words(text: &str) -> Option<PlaceKind> {
        if let Some(k) = PlaceKind::parse(text.trim()) {
            return Some(k);
        }
        // Whole words from the start: " bai do xe pho hien " starts with " bai do xe ".
        let words: Vec<String> = fold(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let text = format!(" {} ", words.join(" "));
        WORDS
            .iter()
            .chain(MORE_WORDS.iter())
            .find(|(w, _)| text.starts_with(&format!(" {} ", w.replace('_', " "))))
            .map(|&(_, k)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_words() {
        for (word, kind) in [
            ("chùa", PlaceKind::ReligiousSite),
            ("Đình", PlaceKind::ReligiousSite),
            ("đền", PlaceKind::ReligiousSite),
            ("Miếu", PlaceKind::ReligiousSite),
            ("Nhà thờ", PlaceKind::ReligiousSite),
            ("UBND", PlaceKind::GovernmentOffice),
            ("Trụ sở", PlaceKind::GovernmentOffice),
            ("Chợ", PlaceKind::Business),
            ("cửa hàng", PlaceKind::Business),
            ("Quán", PlaceKind::Business),
            ("Bến xe", PlaceKind::BusStation),
            ("Bãi đỗ xe", PlaceKind::ParkingLot),
            ("Điểm trông giữ xe", PlaceKind::ParkingLot),
            ("Trường", PlaceKind::PublicBuilding),
            ("Bệnh viện", PlaceKind::PublicBuilding),
            ("Trạm y tế", PlaceKind::PublicBuilding),
            ("Nhà văn hóa", PlaceKind::CommunityPoint),
            ("nha van hoa", PlaceKind::CommunityPoint),
            ("Nhà", PlaceKind::House),
            ("Di tích", PlaceKind::TouristSite),
            ("bãi đỗ xe", PlaceKind::ParkingLot),
            ("Nhà hàng Hương Sen", PlaceKind::Business),
            ("Nhà thuốc", PlaceKind::Business),
            ("Cây xăng", PlaceKind::Business),
            ("Ngân hàng Agribank", PlaceKind::Business),
            ("Quảng trường", PlaceKind::CommunityPoint),
            ("Trường Tiểu học", PlaceKind::PublicBuilding),
            ("Đảng ủy xã", PlaceKind::GovernmentOffice),
            ("Bảo tàng", PlaceKind::TouristSite),
            ("Nhà thờ họ Nguyễn", PlaceKind::ReligiousSite),
        ] {
            assert_eq!(PlaceKind::from_words(word), Some(kind), "{word}");
        }
        // Whole words only: "chuông" is not "chợ", "nhà" alone is a house.
        assert_eq!(PlaceKind::from_words("Chuông"), None);
        assert_eq!(PlaceKind::from_words(""), None);
    }
}
