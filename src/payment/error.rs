//! The one error type of the payment module.

/// Everything that can go wrong while building, parsing or rendering a VietQR payment code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The bank BIN is not exactly six ASCII digits.
    #[error("invalid bank BIN {0:?}: expected exactly 6 digits")]
    InvalidBin(String),
    /// The account number is empty, longer than 19 characters or has characters other than 0-9, A-Z.
    #[error("invalid account number {0:?}: expected 1 to 19 characters 0-9 or A-Z")]
    InvalidAccount(String),
    /// The amount is zero or has more than 13 digits.
    #[error("invalid amount {0} VND: expected 1 to 9,999,999,999,999")]
    InvalidAmount(u64),
    /// The location code is not exactly twelve ASCII digits.
    #[error("invalid location code {0:?}: expected exactly 12 digits")]
    InvalidLocationCode(String),
    /// The free-text note has a character that has no ASCII form (after removing Vietnamese marks).
    #[error("note {note:?} contains {ch:?}, which has no ASCII form")]
    NonAsciiNote {
        /// The note as given.
        note: String,
        /// The offending character.
        ch: char,
    },
    /// The purpose of transaction (tag 62/08) would be longer than 25 characters.
    #[error("purpose of transaction {text:?} has {len} characters; at most 25 fit")]
    PurposeTooLong {
        /// The purpose text that was too long.
        text: String,
        /// Its length in characters.
        len: usize,
    },
    /// A TLV value to be written is empty or longer than 99 bytes, or the tag is above 99.
    #[error("cannot encode tag {tag}: value of {len} bytes (tags 0..=99, values 1..=99 bytes)")]
    TlvEncode {
        /// The tag that was being written.
        tag: u8,
        /// Byte length of the value.
        len: usize,
    },
    /// A TLV string could not be parsed.
    #[error("malformed TLV at byte {offset}: {reason}")]
    MalformedTlv {
        /// Byte offset of the data object that failed.
        offset: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// The CRC field (tag 63) is missing, not last, or not four upper-case hex digits.
    #[error("bad CRC field: {0}")]
    BadCrcField(&'static str),
    /// The CRC in the payload does not match the one computed over it.
    #[error("CRC mismatch: payload carries {found}, computed {computed}")]
    CrcMismatch {
        /// The four hex digits found in the payload.
        found: String,
        /// The four hex digits computed.
        computed: String,
    },
    /// The payload is well-formed EMV TLV but not a VietQR transfer code this module understands.
    #[error("not a VietQR transfer code: {0}")]
    NotVietQr(String),
    /// The payload could not be encoded as a QR symbol (for example, it is too long).
    #[error("QR encoding failed: {0}")]
    QrEncode(String),
    /// The PNG module size is out of range.
    #[error("invalid PNG module size {0} px: expected 1..=64")]
    InvalidModuleSize(u32),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
    /// The embedded bank list is malformed.
    #[error("bank list: {0}")]
    BankList(String),
    /// The sticker data cannot be laid out.
    #[error("invalid sticker: {0}")]
    InvalidSticker(String),
}

/// `Result` with this module's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
