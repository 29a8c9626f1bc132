//! CRC-16/CCITT-FALSE, the checksum of EMVCo QR payloads (tag 63).

/// Computes CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection,
/// no final XOR.
///
/// ```
/// use diachiso::payment::crc16_ccitt_false;
/// assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
/// ```
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The CRC of `data` as the four upper-case hex digits written in tag 63.
///
/// ```
/// use diachiso::payment::crc_hex;
/// assert_eq!(crc_hex(b"123456789"), "29B1");
/// ```
pub fn crc_hex(data: &[u8]) -> String {
    format!("{:04X}", crc16_ccitt_false(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn empty_input_is_the_initial_value() {
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
    }

    #[test]
    fn hex_is_four_upper_case_digits() {
        assert_eq!(crc_hex(b"A"), "B915");
        assert_eq!(crc_hex(b"123456789"), "29B1");
    }
}
