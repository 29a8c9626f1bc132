//! VietQR (NAPAS 247 interbank transfer to an account) payloads: building and parsing.
//!
//! A VietQR code is an EMVCo merchant-presented QR whose consumer account information
//! (tag 38) names NAPAS (`A000000727`), the beneficiary bank by its BIN and the account number,
//! and the service `QRIBFTTA` (transfer to account).
//!
//! # Choices made here
//!
//! * Merchant name (59) and city (60) are **not written**: VietQR marks them optional, the
//!   paying app shows the account holder's name looked up through NAPAS, and the published
//!   NAPAS/VietQR examples omit them. The parser ignores them when present.
//! * The 12-digit location code of the parking lot goes twice into the additional data
//!   template (62): as the *store label* (62/03, machine-readable) and inside the *purpose of
//!   transaction* (62/08) as `MDD 798580039614` ("mã định danh"), optionally followed by a short
//!   note such as the vehicle type (`MDD 798580039614 Xe may`). The purpose is the text bank
//!   apps copy into the transfer description, so it is what reaches the lot operator's bank
//!   statement; it is ASCII only (Vietnamese is folded) and at most 25 characters, which leaves
//!   8 characters for the note when a location code is present.
//! * Static code (01 = `11`) without an amount, dynamic code (01 = `12`) with an amount
//!   (54, whole đồng, 1–13 digits).

use super::ascii::ascii_fold;
use super::emv::{parse_tlv, verify_crc, TlvBuilder};
use super::error::{Error, Result};

/// NAPAS global unique identifier in tag 38/00.
pub const NAPAS_GUID: &str = "A000000727";
/// Service code: interbank fund transfer to an account.
pub const SERVICE_TO_ACCOUNT: &str = "QRIBFTTA";
/// Service code: interbank fund transfer to a card.
pub const SERVICE_TO_CARD: &str = "QRIBFTTC";
/// ISO 4217 numeric code of the Vietnamese đồng.
pub const CURRENCY_VND: &str = "704";
/// Prefix of the purpose text that carries a location code ("mã định danh").
pub const LOCATION_PREFIX: &str = "MDD ";
/// Maximum length of the purpose of transaction (62/08).
pub const MAX_PURPOSE_LEN: usize = 25;
/// Largest amount that fits in 13 digits.
pub const MAX_AMOUNT_VND: u64 = 9_999_999_999_999;

/// What to put in a VietQR code. Build the payload with [`VietQr::payload`].
///
/// ```
/// use diachiso::payment::VietQr;
/// let qr = VietQr::new("970423", "0099999999");
/// assert_eq!(
///     qr.payload()?,
///     "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4"
/// );
/// let lot = VietQr::new("970436", "0011004455667")
///     .with_amount(5_000)
///     .with_location_code("798580039614")
///     .with_note("Xe máy");
/// assert_eq!(lot.purpose()?.as_deref(), Some("MDD 798580039614 Xe may"));
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VietQr {
    /// NAPAS BIN of the beneficiary bank: 6 digits (e.g. `970436` Vietcombank).
    pub bank_bin: String,
    /// Beneficiary account number: 1–19 characters `0-9`, `A-Z`.
    pub account_number: String,
    /// Amount in whole đồng; `Some` makes a dynamic code, `None` a static one.
    pub amount_vnd: Option<u64>,
    /// 12-digit location code of the place being paid for, written to 62/03 and 62/08.
    /// Always set for diachiso parking lots; `None` only to reproduce third-party codes.
    pub location_code: Option<String>,
    /// Free text appended to the purpose (e.g. the vehicle type); folded to ASCII.
    pub note: Option<String>,
}

impl VietQr {
    /// A static code for `bank_bin` / `account_number`, with nothing else set.
    pub fn new(bank_bin: impl Into<String>, account_number: impl Into<String>) -> Self {
        Self {
            bank_bin: bank_bin.into(),
            account_number: account_number.into(),
            amount_vnd: None,
            location_code: None,
            note: None,
        }
    }

    /// Sets the amount, making the code dynamic.
    pub fn with_amount(mut self, amount_vnd: u64) -> Self {
        self.amount_vnd = Some(amount_vnd);
        self
    }

    /// Sets the 12-digit location code.
    pub fn with_location_code(mut self, code: impl Into<String>) -> Self {
        self.location_code = Some(code.into());
        self
    }

    /// Sets the note appended to the purpose of transaction.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Checks every field; [`VietQr::payload`] calls this first.
    pub fn validate(&self) -> Result<()> {
        check_bin(&self.bank_bin)?;
        check_account(&self.account_number)?;
        if let Some(amount) = self.amount_vnd {
            check_amount(amount)?;
        }
        if let Some(code) = &self.location_code {
            check_location_code(code)?;
        }
        self.purpose().map(|_| ())
    }

    /// The purpose of transaction (62/08) this code will carry, if any:
    /// `MDD <code>`, `MDD <code> <note>`, or the note alone. ASCII, at most 25 characters.
    pub fn purpose(&self) -> Result<Option<String>> {
        let note = match &self.note {
            Some(note) => {
                let folded = ascii_fold(note).map_err(|ch| Error::NonAsciiNote {
                    note: note.clone(),
                    ch,
                })?;
                Some(folded).filter(|f| !f.is_empty())
            }
            None => None,
        };
        let text = match (&self.location_code, note) {
            (Some(code), Some(note)) => format!("{LOCATION_PREFIX}{code} {note}"),
            (Some(code), None) => format!("{LOCATION_PREFIX}{code}"),
            (None, Some(note)) => note,
            (None, None) => return Ok(None),
        };
        if text.len() > MAX_PURPOSE_LEN {
            return Err(Error::PurposeTooLong {
                len: text.len(),
                text,
            });
        }
        Ok(Some(text))
    }

    /// Whether the code is dynamic (carries an amount).
    pub fn is_dynamic(&self) -> bool {
        self.amount_vnd.is_some()
    }

    /// The complete payload string, CRC included, ready to be drawn as a QR code.
    ///
    /// ```
    /// use diachiso::payment::VietQr;
    /// let payload = VietQr::new("970436", "0011004455667")
    ///     .with_amount(10_000)
    ///     .with_location_code("798580039614")
    ///     .payload()?;
    /// assert!(payload.starts_with("000201010212"));
    /// assert!(payload.contains("0312798580039614")); // 62/03 store label
    /// assert!(payload.contains("0816MDD 798580039614")); // 62/08 purpose
    /// # Ok::<(), diachiso::payment::Error>(())
    /// ```
    pub fn payload(&self) -> Result<String> {
        self.validate()?;
        let mut beneficiary = TlvBuilder::new();
        beneficiary
            .push(0, &self.bank_bin)?
            .push(1, &self.account_number)?;
        let mut account_info = TlvBuilder::new();
        account_info
            .push(0, NAPAS_GUID)?
            .push_template(1, &beneficiary)?
            .push(2, SERVICE_TO_ACCOUNT)?;

        let mut root = TlvBuilder::new();
        root.push(0, "01")?
            .push(1, if self.is_dynamic() { "12" } else { "11" })?
            .push_template(38, &account_info)?
            .push(53, CURRENCY_VND)?;
        if let Some(amount) = self.amount_vnd {
            root.push(54, &amount.to_string())?;
        }
        root.push(58, "VN")?;
        let mut additional = TlvBuilder::new();
        if let Some(code) = &self.location_code {
            additional.push(3, code)?;
        }
        if let Some(purpose) = self.purpose()? {
            additional.push(8, &purpose)?;
        }
        if !additional.as_str().is_empty() {
            root.push_template(62, &additional)?;
        }
        Ok(root.finish_with_crc())
    }
}

/// How the paying app should treat the code (tag 01).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiation {
    /// `11`: reusable, the payer types the amount.
    Static,
    /// `12`: for one payment, the amount is in the code.
    Dynamic,
}

/// Where the money goes (tag 38/02).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `QRIBFTTA`: to an account number.
    ToAccount,
    /// `QRIBFTTC`: to a card number.
    ToCard,
}

/// The fields read back from a VietQR payload by [`parse_vietqr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedVietQr {
    /// Static or dynamic (tag 01; static when absent).
    pub initiation: Initiation,
    /// NAPAS BIN of the beneficiary bank (38/01/00).
    pub bank_bin: String,
    /// Account (or card) number (38/01/01).
    pub account_number: String,
    /// Account or card transfer (38/02).
    pub service: Service,
    /// Amount in whole đồng (54), if present.
    pub amount_vnd: Option<u64>,
    /// The 12-digit location code: 62/03 when it is 12 digits, else taken from a purpose that
    /// starts with `MDD ` and 12 digits.
    pub location_code: Option<String>,
    /// Purpose of transaction (62/08) as written.
    pub purpose: Option<String>,
}

/// Parses and checks a VietQR transfer payload: CRC, payload format `01`, NAPAS GUID, BIN,
/// account, service, currency `704`, country `VN`, amount digits.
///
/// ```
/// use diachiso::payment::{parse_vietqr, Initiation};
/// let p = parse_vietqr(
///     "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4",
/// )?;
/// assert_eq!((p.bank_bin.as_str(), p.account_number.as_str()), ("970423", "0099999999"));
/// assert_eq!((p.initiation, p.amount_vnd, p.location_code), (Initiation::Static, None, None));
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
pub fn parse_vietqr(payload: &str) -> Result<ParsedVietQr> {
    verify_crc(payload)?;
    let root = unique_tags(parse_tlv(payload)?)?;
    let get = |tag: u8| {
        root.iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v.as_str())
    };

    if get(0) != Some("01") {
        return Err(not_vietqr("payload format indicator (00) is not 01"));
    }
    let initiation = match get(1) {
        None | Some("11") => Initiation::Static,
        Some("12") => Initiation::Dynamic,
        Some(other) => return Err(not_vietqr(format!("point of initiation {other:?}"))),
    };

    let account_info =
        unique_tags(parse_tlv(get(38).ok_or_else(|| {
            not_vietqr("no consumer account information (38)")
        })?)?)?;
    let sub = |tag: u8| {
        account_info
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v.as_str())
    };
    if sub(0) != Some(NAPAS_GUID) {
        return Err(not_vietqr("38/00 is not the NAPAS GUID A000000727"));
    }
    let beneficiary = unique_tags(parse_tlv(
        sub(1).ok_or_else(|| not_vietqr("no beneficiary (38/01)"))?,
    )?)?;
    let ben = |tag: u8| {
        beneficiary
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v.clone())
    };
    let bank_bin = ben(0).ok_or_else(|| not_vietqr("no bank BIN (38/01/00)"))?;
    check_bin(&bank_bin)?;
    let account_number = ben(1).ok_or_else(|| not_vietqr("no account number (38/01/01)"))?;
    check_account(&account_number)?;
    let service = match sub(2) {
        Some(SERVICE_TO_ACCOUNT) => Service::ToAccount,
        Some(SERVICE_TO_CARD) => Service::ToCard,
        other => return Err(not_vietqr(format!("service code {other:?}"))),
    };

    if get(53) != Some(CURRENCY_VND) {
        return Err(not_vietqr("currency (53) is not 704"));
    }
    if let Some(country) = get(58) {
        if country != "VN" {
            return Err(not_vietqr(format!("country {country:?}")));
        }
    }
    let amount_vnd = match get(54) {
        None => None,
        Some(text) => {
            if text.len() > 13 || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_vietqr(format!(
                    "amount {text:?} is not 1 to 13 digits of whole dong"
                )));
            }
            let amount: u64 = text
                .parse()
                .map_err(|_| not_vietqr(format!("amount {text:?}")))?;
            check_amount(amount)?;
            Some(amount)
        }
    };

    let (mut location_code, mut purpose) = (None, None);
    if let Some(additional) = get(62) {
        for (tag, value) in unique_tags(parse_tlv(additional)?)? {
            match tag {
                3 if is_location_code(&value) => location_code = Some(value),
                8 => purpose = Some(value),
                _ => {}
            }
        }
    }
    if location_code.is_none() {
        location_code = purpose
            .as_deref()
            .and_then(|p| p.strip_prefix(LOCATION_PREFIX))
            .and_then(|rest| rest.get(..12))
            .filter(|code| is_location_code(code))
            .map(str::to_string);
    }

    Ok(ParsedVietQr {
        initiation,
        bank_bin,
        account_number,
        service,
        amount_vnd,
        location_code,
        purpose,
    })
}

fn not_vietqr(why: impl Into<String>) -> Error {
    Error::NotVietQr(why.into())
}

fn unique_tags(objects: Vec<(u8, String)>) -> Result<Vec<(u8, String)>> {
    for (i, (tag, _)) in objects.iter().enumerate() {
        if objects[..i].iter().any(|(t, _)| t == tag) {
            return Err(not_vietqr(format!("tag {tag:02} appears twice")));
        }
    }
    Ok(objects)
}

fn is_location_code(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_bin(bin: &str) -> Result<()> {
    if bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::InvalidBin(bin.to_string()))
    }
}

fn check_account(account: &str) -> Result<()> {
    if (1..=19).contains(&account.len())
        && account
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        Ok(())
    } else {
        Err(Error::InvalidAccount(account.to_string()))
    }
}

fn check_amount(amount: u64) -> Result<()> {
    if (1..=MAX_AMOUNT_VND).contains(&amount) {
        Ok(())
    } else {
        Err(Error::InvalidAmount(amount))
    }
}

fn check_location_code(code: &str) -> Result<()> {
    if is_location_code(code) {
        Ok(())
    } else {
        Err(Error::InvalidLocationCode(code.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Published by NAPAS/VietQR as the example static code: TPBank (970423), account 0099999999.
    const NAPAS_STATIC_TPBANK: &str =
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4";

    #[test]
    fn builds_the_published_napas_static_example_exactly() {
        assert_eq!(
            VietQr::new("970423", "0099999999").payload().unwrap(),
            NAPAS_STATIC_TPBANK
        );
    }

    #[test]
    fn parses_the_published_napas_static_example() {
        let p = parse_vietqr(NAPAS_STATIC_TPBANK).unwrap();
        assert_eq!(
            p,
            ParsedVietQr {
                initiation: Initiation::Static,
                bank_bin: "970423".into(),
                account_number: "0099999999".into(),
                service: Service::ToAccount,
                amount_vnd: None,
                location_code: None,
                purpose: None,
            }
        );
    }

    #[test]
    fn every_single_character_flip_is_rejected() {
        let bytes = NAPAS_STATIC_TPBANK.as_bytes();
        for i in 0..bytes.len() {
            for replacement in [b'0', b'7', b'A', b'Z'] {
                if bytes[i] == replacement {
                    continue;
                }
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                let changed = String::from_utf8(changed).unwrap();
                assert!(parse_vietqr(&changed).is_err(), "flip at {i}: {changed}");
                assert!(verify_crc(&changed).is_err(), "flip at {i}: {changed}");
            }
        }
    }

    // xuannghia/vietnam-qr-pay, README.md ("VietQR Tĩnh" and "VietQR Động" examples):
    // ACB (970416), account 257678859; the dynamic one for 10,000 đ with purpose "Chuyen tien".
    const VIETNAM_QR_PAY_STATIC: &str =
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F";
    const VIETNAM_QR_PAY_DYNAMIC: &str = "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6";

    // subiz/vietqr, README.md: 120,000 đ to VietinBank (970415) account 0011001932418 with the
    // note "ủng hộ lũ lụt", which the library folds to "ung ho lu lut".
    const SUBIZ_DYNAMIC: &str = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C";

    // NAPAS "QR Format" specification, example 6.1.3 (dynamic QR to account): Sacombank
    // (970403), account 0011012345678, 180,000 đ, bill number NPS6869 (62/01), purpose
    // "thanh toan don hang". Quoted as a compliance vector by binhnguyenduc/vietqr-ts
    // (NAPAS IBFT v1.5.2 compliance test) and others. Uses 62/01, which this builder does not
    // write, so it is a parsing vector only.
    const NAPAS_SPEC_DYNAMIC: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

    #[test]
    fn builds_other_published_vectors_exactly() {
        assert_eq!(
            VietQr::new("970416", "257678859").payload().unwrap(),
            VIETNAM_QR_PAY_STATIC
        );
        assert_eq!(
            VietQr::new("970416", "257678859")
                .with_amount(10_000)
                .with_note("Chuyen tien")
                .payload()
                .unwrap(),
            VIETNAM_QR_PAY_DYNAMIC
        );
        assert_eq!(
            VietQr::new("970415", "0011001932418")
                .with_amount(120_000)
                .with_note("ủng hộ lũ lụt")
                .payload()
                .unwrap(),
            SUBIZ_DYNAMIC
        );
    }

    #[test]
    fn parses_other_published_vectors() {
        let p = parse_vietqr(VIETNAM_QR_PAY_DYNAMIC).unwrap();
        assert_eq!(p.initiation, Initiation::Dynamic);
        assert_eq!(p.bank_bin, "970416");
        assert_eq!(p.account_number, "257678859");
        assert_eq!(p.amount_vnd, Some(10_000));
        assert_eq!(p.purpose.as_deref(), Some("Chuyen tien"));
        assert_eq!(p.location_code, None);

        let p = parse_vietqr(SUBIZ_DYNAMIC).unwrap();
        assert_eq!(p.amount_vnd, Some(120_000));
        assert_eq!(p.purpose.as_deref(), Some("ung ho lu lut"));

        let p = parse_vietqr(NAPAS_SPEC_DYNAMIC).unwrap();
        assert_eq!(p.initiation, Initiation::Dynamic);
        assert_eq!(
            (p.bank_bin.as_str(), p.account_number.as_str()),
            ("970403", "0011012345678")
        );
        assert_eq!(p.service, Service::ToAccount);
        assert_eq!(p.amount_vnd, Some(180_000));
        assert_eq!(p.purpose.as_deref(), Some("thanh toan don hang"));
        assert_eq!(p.location_code, None);
    }

    #[test]
    fn parking_lot_code_carries_the_location_twice() {
        let qr = VietQr::new("970436", "0011004455667")
            .with_amount(5_000)
            .with_location_code("798580039614")
            .with_note("Ô tô");
        let payload = qr.payload().unwrap();
        assert!(payload.contains("62410312798580039614"), "{payload}");
        assert!(payload.contains("0821MDD 798580039614 O to"), "{payload}");
        let p = parse_vietqr(&payload).unwrap();
        assert_eq!(p.location_code.as_deref(), Some("798580039614"));
        assert_eq!(p.purpose.as_deref(), Some("MDD 798580039614 O to"));
        assert_eq!(p.amount_vnd, Some(5_000));
        assert_eq!(p.initiation, Initiation::Dynamic);
    }

    #[test]
    fn location_code_is_recovered_from_the_purpose_alone() {
        let mut additional = TlvBuilder::new();
        additional.push(8, "MDD 798580039614 Xe may").unwrap();
        let payload = {
            let base = VietQr::new("970436", "1").payload().unwrap();
            let without_crc = base.strip_suffix(&base[base.len() - 8..]).unwrap();
            let mut b = TlvBuilder::new();
            for (tag, value) in parse_tlv(without_crc).unwrap() {
                b.push(tag, &value).unwrap();
            }
            b.push_template(62, &additional).unwrap();
            b.finish_with_crc()
        };
        let p = parse_vietqr(&payload).unwrap();
        assert_eq!(p.location_code.as_deref(), Some("798580039614"));
    }

    #[test]
    fn validation_errors_are_specific() {
        let ok = || VietQr::new("970436", "0011004455667");
        assert!(matches!(
            VietQr::new("97043", "1").payload(),
            Err(Error::InvalidBin(_))
        ));
        assert!(matches!(
            VietQr::new("97043X", "1").payload(),
            Err(Error::InvalidBin(_))
        ));
        for bad in ["", "12345678901234567890", "abc", "12-34", "12 34"] {
            assert!(
                matches!(
                    VietQr::new("970436", bad).payload(),
                    Err(Error::InvalidAccount(_))
                ),
                "{bad:?}"
            );
        }
        assert!(VietQr::new("970436", "1234567890123456789")
            .payload()
            .is_ok());
        assert!(VietQr::new("970436", "V3CAS5601999228").payload().is_ok());
        assert_eq!(ok().with_amount(0).payload(), Err(Error::InvalidAmount(0)));
        assert_eq!(
            ok().with_amount(MAX_AMOUNT_VND + 1).payload(),
            Err(Error::InvalidAmount(MAX_AMOUNT_VND + 1))
        );
        assert!(ok().with_amount(MAX_AMOUNT_VND).payload().is_ok());
        assert!(matches!(
            ok().with_location_code("79858003961").payload(),
            Err(Error::InvalidLocationCode(_))
        ));
        assert!(matches!(
            ok().with_location_code("7985 8003 9614").payload(),
            Err(Error::InvalidLocationCode(_))
        ));
        assert!(matches!(
            ok().with_location_code("798580039614")
                .with_note("Xe tải lớn")
                .payload(),
            Err(Error::PurposeTooLong { len: 27, .. })
        ));
        assert!(ok()
            .with_location_code("798580039614")
            .with_note("Xe tai l")
            .payload()
            .is_ok());
        assert!(matches!(
            ok().with_note("xe 🚗").payload(),
            Err(Error::NonAsciiNote { ch: '🚗', .. })
        ));
        assert!(matches!(
            ok().with_note("x".repeat(26)).payload(),
            Err(Error::PurposeTooLong { len: 26, .. })
        ));
        // A blank note writes no purpose at all.
        assert_eq!(ok().with_note("  ").purpose().unwrap(), None);
    }

    fn with_crc(body: &str) -> String {
        let mut b = TlvBuilder::new();
        for (tag, value) in parse_tlv(body).unwrap() {
            b.push(tag, &value).unwrap();
        }
        b.finish_with_crc()
    }

    #[test]
    fn parser_rejects_codes_that_are_not_vietqr_transfers() {
        let account = "0010A00000072701240006970423011000999999990208QRIBFTTA";
        let cases = [
            // payload format 02
            format!("0002020102113854{account}53037045802VN"),
            // initiation 13
            format!("0002010102133854{account}53037045802VN"),
            // no tag 38
            "00020101021153037045802VN".to_string(),
            // US dollars
            format!("0002010102113854{account}53038405802VN"),
            // country TH
            format!("0002010102113854{account}53037045802TH"),
            // amount with decimals
            format!("0002010102123854{account}5303704540610.5005802VN"),
            // amount zero
            format!("0002010102123854{account}5303704540105802VN"),
            // duplicate tag
            format!("0002010102110102113854{account}53037045802VN"),
            // other GUID
            "000201010211385400100000000000012400069704230110009999999902080RIBFTTA53037045802VN"
                .to_string(),
            // unknown service
            "00020101021138540010A00000072701240006970423011000999999990208QRPUSH0053037045802VN"
                .to_string(),
        ];
        for body in cases {
            let payload = with_crc(&body);
            assert!(parse_vietqr(&payload).is_err(), "{payload}");
        }
    }

    #[test]
    fn card_transfers_parse_as_to_card() {
        // NAPAS "QR Format" specification, example 6.1.2 (static QR to card).
        let p = parse_vietqr(
            "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52",
        )
        .unwrap();
        assert_eq!(p.service, Service::ToCard);
        assert_eq!(p.account_number, "9704031101234567");
    }

    fn vietnamese_note() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "Xe máy",
            "Ô tô",
            "Xe đạp",
            "Lượt",
            "Đêm",
            "Tháng",
            "xe tai",
            "A-1",
            "Vé #7",
            "Ngày",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn build_then_parse_round_trips(
            bin in "[0-9]{6}",
            account in "[0-9A-Z]{1,19}",
            amount in prop::option::of(1..=MAX_AMOUNT_VND),
            location in prop::option::of("[0-9]{12}"),
            note in prop::option::of(vietnamese_note()),
        ) {
            let qr = VietQr {
                bank_bin: bin.clone(),
                account_number: account.clone(),
                amount_vnd: amount,
                location_code: location.clone(),
                note,
            };
            let payload = qr.payload().unwrap();
            prop_assert!(payload.is_ascii());
            let p = parse_vietqr(&payload).unwrap();
            prop_assert_eq!(p.bank_bin, bin);
            prop_assert_eq!(p.account_number, account);
            prop_assert_eq!(p.amount_vnd, amount);
            prop_assert_eq!(p.location_code, location);
            prop_assert_eq!(p.purpose, qr.purpose().unwrap());
            prop_assert_eq!(p.service, Service::ToAccount);
            prop_assert_eq!(
                p.initiation,
                if amount.is_some() { Initiation::Dynamic } else { Initiation::Static }
            );
        }
    }
}
