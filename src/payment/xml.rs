//! Escaping text for SVG (XML 1.0) documents.

/// Escapes `& < > " '` and drops characters that XML 1.0 forbids (most C0 controls).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            escape(r#"<a & b> "c" 'd'"#),
            "&lt;a &amp; b&gt; &quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(escape("x\u{0}y\u{1b}z"), "xyz");
        assert_eq!(escape("Bãi đỗ"), "Bãi đỗ");
    }
}
