//! Vietnamese display of amounts in đồng.

/// Formats an amount the Vietnamese way: `.` between thousands, then ` đ`.
///
/// ```
/// use diachiso::payment::format_vnd;
/// assert_eq!(format_vnd(5_000), "5.000 đ");
/// assert_eq!(format_vnd(1_250_000), "1.250.000 đ");
/// assert_eq!(format_vnd(0), "0 đ");
/// ```
pub fn format_vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" đ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(format_vnd(7), "7 đ");
        assert_eq!(format_vnd(999), "999 đ");
        assert_eq!(format_vnd(1_000), "1.000 đ");
        assert_eq!(format_vnd(30_000), "30.000 đ");
        assert_eq!(format_vnd(100_000), "100.000 đ");
        assert_eq!(format_vnd(u64::MAX), "18.446.744.073.709.551.615 đ");
    }
}
