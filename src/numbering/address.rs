//! Writing a full address line from its parts.

use super::street_type::StreetType;

/// The full address, Vietnamese style: `Số <number>, <streets innermost
/// first>, <commune>, <province>`.
///
/// `streets` lists the ngách/ngõ/street chain from the innermost outward,
/// each as (type, name); `commune_full_name` and `province_full_name` already
/// carry their own type word ("phường Phố Hiến", "tỉnh Hưng Yên"). Blank
/// parts are left out, so an unnumbered plot still gets a readable line.
///
/// ```
/// use diachiso::numbering::{format_full_address, StreetType};
/// let a = format_full_address(
///     "20A",
///     &[(StreetType::Ngo, "5"), (StreetType::Pho, "Nguyễn Văn Linh")],
///     "phường Phố Hiến",
///     "tỉnh Hưng Yên",
/// );
/// assert_eq!(a, "Số 20A, ngõ 5, phố Nguyễn Văn Linh, phường Phố Hiến, tỉnh Hưng Yên");
/// ```
pub fn format_full_address(
    number: &str, streets: &[(StreetType, &str)], commune_full_name: &str, province_full_name: &str,
) -> String {
    let number = number.trim();
    let mut parts: Vec<String> = Vec::with_capacity(streets.len() + 3);
    if !number.is_empty() {
        parts.push(format!("Số {number}"));
    }
    parts.extend(
        streets
            .iter()
            .filter(|(_, name)| !name.trim().is_empty())
            .map(|(t, name)| format!("{} {}", t.label_vi(), name.trim())),
    );
    parts.extend(
        [commune_full_name, province_full_name]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngach_in_ngo_in_street() {
        let a = format_full_address(
            " 7 ",
            &[
                (StreetType::Ngach, "20A"),
                (StreetType::Ngo, "5"),
                (StreetType::Duong, "Điện Biên"),
            ],
            "phường Phố Hiến",
            "tỉnh Hưng Yên",
        );
        assert_eq!(
            a,
            "Số 7, ngách 20A, ngõ 5, đường Điện Biên, phường Phố Hiến, tỉnh Hưng Yên"
        );
    }

    #[test]
    fn blank_parts_are_left_out() {
        let a = format_full_address("", &[(StreetType::Pho, " ")], "xã Tân Hưng", "");
        assert_eq!(a, "xã Tân Hưng");
    }
}
