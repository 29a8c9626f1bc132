//! EMVCo merchant-presented QR data objects: `tag` (2 digits), `length` (2 digits), `value`.
//!
//! A payload is a flat list of such objects; templates (tags 26–51, 62, …) carry another list
//! as their value. The last object of a payload is always the CRC, tag 63, whose value is the
//! CRC-16/CCITT-FALSE of everything before it *including* the characters `6304`.

use super::crc::crc_hex;
use super::error::{Error, Result};

/// Tag of the CRC data object, always last.
pub const CRC_TAG: u8 = 63;

/// Writes data objects one after another.
///
/// ```
/// use diachiso::payment::TlvBuilder;
/// let mut b = TlvBuilder::new();
/// b.push(0, "01")?.push(1, "11")?;
/// assert_eq!(b.as_str(), "000201010211");
/// assert_eq!(b.finish_with_crc(), "0002010102116304AD0A");
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlvBuilder {
    buf: String,
}

impl TlvBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one data object. Fails when `tag > 99` or the value is empty or longer than
    /// 99 bytes.
    pub fn push(&mut self, tag: u8, value: &str) -> Result<&mut Self> {
        let len = value.len();
        if tag > 99 || len == 0 || len > 99 {
            return Err(Error::TlvEncode { tag, len });
        }
        self.buf.push_str(&format!("{tag:02}{len:02}"));
        self.buf.push_str(value);
        Ok(self)
    }

    /// Appends a template: a data object whose value is another builder's output.
    pub fn push_template(&mut self, tag: u8, inner: &TlvBuilder) -> Result<&mut Self> {
        self.push(tag, inner.as_str())
    }

    /// What has been written so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// The data objects written, without a CRC (use this for templates).
    pub fn finish(self) -> String {
        self.buf
    }

    /// The data objects written followed by the CRC object `6304XXXX`.
    pub fn finish_with_crc(mut self) -> String {
        self.buf.push_str("6304");
        let crc = crc_hex(self.buf.as_bytes());
        self.buf.push_str(&crc);
        self.buf
    }
}

fn two_digits(s: &str, at: usize, what: &'static str) -> Result<usize> {
    let digits = s.get(at..at + 2).ok_or(Error::MalformedTlv {
        offset: at,
        reason: what,
    })?;
    let bytes = digits.as_bytes();
    if !bytes.iter().all(u8::is_ascii_digit) {
        return Err(Error::MalformedTlv {
            offset: at,
            reason: what,
        });
    }
    Ok(usize::from(bytes[0] - b'0') * 10 + usize::from(bytes[1] - b'0'))
}

/// Splits a TLV string into `(tag, value)` pairs, in order.
///
/// Rejects a tag or length that is not two digits, a length of `00`, a value that runs past
/// the end of the input (truncated) or that would split a UTF-8 character. Nested templates
/// are returned as their raw value; parse them again to descend.
///
/// ```
/// use diachiso::payment::parse_tlv;
/// let objects = parse_tlv("000201010211")?;
/// assert_eq!(objects, vec![(0, "01".to_string()), (1, "11".to_string())]);
/// assert!(parse_tlv("00050123").is_err()); // length 5 but only 4 bytes left
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
pub fn parse_tlv(s: &str) -> Result<Vec<(u8, String)>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.len() {
        if s.len() - at < 4 {
            return Err(Error::MalformedTlv {
                offset: at,
                reason: "fewer than 4 bytes left for tag and length",
            });
        }
        let tag = two_digits(s, at, "tag is not two digits")?;
        let len = two_digits(s, at + 2, "length is not two digits")?;
        if len == 0 {
            return Err(Error::MalformedTlv {
                offset: at,
                reason: "length 00",
            });
        }
        let start = at + 4;
        let end = start + len;
        if end > s.len() {
            return Err(Error::MalformedTlv {
                offset: at,
                reason: "value runs past the end (truncated or overlong length)",
            });
        }
        let value = s.get(start..end).ok_or(Error::MalformedTlv {
            offset: at,
            reason: "length splits a UTF-8 character",
        })?;
        // `tag` is at most 99, so it fits in u8.
        out.push((tag as u8, value.to_string()));
        at = end;
    }
    Ok(out)
}

/// Checks the CRC of a complete payload: tag 63 must be the last data object, hold exactly four
/// upper-case hex digits, and equal the CRC-16/CCITT-FALSE of everything up to and including
/// `6304`.
///
/// ```
/// use diachiso::payment::verify_crc;
/// let ok = "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4";
/// assert!(verify_crc(ok).is_ok());
/// assert!(verify_crc(&ok.replace("9704230110", "9704230111")).is_err());
/// ```
pub fn verify_crc(payload: &str) -> Result<()> {
    let objects = parse_tlv(payload)?;
    let Some((last_tag, last_value)) = objects.last() else {
        return Err(Error::BadCrcField("empty payload"));
    };
    if *last_tag != CRC_TAG {
        return Err(Error::BadCrcField("tag 63 is not the last data object"));
    }
    if objects[..objects.len() - 1]
        .iter()
        .any(|(tag, _)| *tag == CRC_TAG)
    {
        return Err(Error::BadCrcField("tag 63 appears more than once"));
    }
    if last_value.len() != 4
        || !last_value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    {
        return Err(Error::BadCrcField(
            "value is not four upper-case hex digits",
        ));
    }
    let covered = &payload[..payload.len() - 4];
    let computed = crc_hex(covered.as_bytes());
    if computed != *last_value {
        return Err(Error::CrcMismatch {
            found: last_value.clone(),
            computed,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_rejects_empty_and_overlong_values_and_big_tags() {
        let mut b = TlvBuilder::new();
        assert!(matches!(
            b.push(1, ""),
            Err(Error::TlvEncode { tag: 1, len: 0 })
        ));
        assert!(b.push(1, &"x".repeat(100)).is_err());
        assert!(b.push(100, "x").is_err());
        assert!(b.push(1, &"x".repeat(99)).is_ok());
    }

    #[test]
    fn builder_nests_templates() {
        let mut inner = TlvBuilder::new();
        inner.push(0, "970423").unwrap();
        let mut outer = TlvBuilder::new();
        outer.push_template(1, &inner).unwrap();
        assert_eq!(outer.finish(), "01100006970423");
    }

    #[test]
    fn parse_round_trips_the_builder() {
        let mut b = TlvBuilder::new();
        b.push(0, "01").unwrap().push(62, "0803abc").unwrap();
        let s = b.finish_with_crc();
        let objects = parse_tlv(&s).unwrap();
        assert_eq!(objects[0], (0, "01".into()));
        assert_eq!(objects[1], (62, "0803abc".into()));
        assert_eq!(objects[2].0, 63);
        verify_crc(&s).unwrap();
    }

    #[test]
    fn parse_rejects_malformed_input() {
        for bad in [
            "0",        // too short for tag and length
            "000",      // too short for tag and length
            "0002",     // declared 2 bytes, none there
            "000301",   // truncated value
            "00020102", // trailing garbage shorter than a header
            "0A0201",   // non-digit tag
            "000X01",   // non-digit length
            "0000",     // zero length
            "00 201",   // space in length
            "00990101", // overlong length
        ] {
            assert!(
                matches!(parse_tlv(bad), Err(Error::MalformedTlv { .. })),
                "{bad:?}"
            );
        }
        // "é" is two bytes: length 02 takes it whole.
        assert!(parse_tlv("0002\u{e9}").is_ok());
        // Length 01 would split the two-byte 'é'.
        assert!(matches!(
            parse_tlv("0001\u{e9}"),
            Err(Error::MalformedTlv { .. })
        ));
    }

    #[test]
    fn parse_of_empty_input_is_empty() {
        assert_eq!(parse_tlv("").unwrap(), vec![]);
    }

    #[test]
    fn verify_crc_checks_position_format_and_value() {
        let good = {
            let mut b = TlvBuilder::new();
            b.push(0, "01").unwrap();
            b.finish_with_crc()
        };
        verify_crc(&good).unwrap();
        // Lower-case hex is rejected even when the value matches.
        let lower = format!(
            "{}{}",
            &good[..good.len() - 4],
            good[good.len() - 4..].to_lowercase()
        );
        if lower != good {
            assert!(matches!(verify_crc(&lower), Err(Error::BadCrcField(_))));
        }
        // CRC not last.
        let not_last = format!("{good}0002AB");
        assert!(verify_crc(&not_last).is_err());
        // No CRC at all.
        assert!(matches!(verify_crc("000201"), Err(Error::BadCrcField(_))));
        assert!(matches!(verify_crc(""), Err(Error::BadCrcField(_))));
        // Wrong CRC value.
        let wrong = format!("{}0000", &good[..good.len() - 4]);
        assert!(matches!(verify_crc(&wrong), Err(Error::CrcMismatch { .. })));
        // CRC of length other than 4.
        assert!(matches!(
            verify_crc("0002016303ABC"),
            Err(Error::BadCrcField(_))
        ));
    }
}
