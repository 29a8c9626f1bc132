//! The numbering rules a commune sets for its streets (Circular 08/2024/TT-BXD leaves the
//! suffix style and the spacing of reserved numbers to the commune).

use crate::numbering::SuffixStyle;

/// The numbering rules a commune sets for its streets.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CommuneRules {
    pub commune_code: String,
    pub suffix_style: SuffixStyle,
    pub reserve_every_m: Option<f64>,
    pub updated_by: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
