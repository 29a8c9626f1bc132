//! What a commune editor asks of a numbering plan, checked before anything is read, and the
//! rules a plan is computed with.

use super::plan::{HouseGroup, PlanError, PlanRules};
use super::{CommuneRules, Street, StreetStatus};
use crate::numbering::SuffixStyle;

/// Default distance from a street within which a house is numbered on it, metres.
pub const DEFAULT_FRONTAGE_MAX_M: f64 = 40.0;

/// What a commune editor asks for when proposing a plan (all optional).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Renumber every house from the start (default: keep consistent existing numbers).
    #[serde(default)]
    pub renumber_all: bool,
    /// Override the street's / commune's suffix style for this plan.
    pub suffix_style: Option<SuffixStyle>,
    /// Override the reserved-number rule: one number per N metres of vacant frontage.
    pub reserve_every_m: Option<f64>,
    /// How far from the line a house may stand, metres (5–100, default 40).
    pub frontage_max_m: Option<f64>,
    /// Number the street's houses as a lettered house group (dãy, lô): `A10` or `BL.A-10`.
    pub house_group: Option<HouseGroup>,
}

impl PlanRequest {
    /// How far from the line a house may stand to be numbered on the street, metres.
    pub fn frontage_max_m(&self) -> f64 {
        self.frontage_max_m.unwrap_or(DEFAULT_FRONTAGE_MAX_M)
    }

    /// Checks the request on its own, before anything is read; reports the first bad field.
    pub fn validate(&self) -> Result<(), PlanError> {
        if !(5.0..=100.0).contains(&self.frontage_max_m()) {
            return Err(PlanError::invalid(
                "/frontage_max_m",
                "from 5 to 100 metres",
            ));
        }
        if self
            .reserve_every_m
            .is_some_and(|m| !(1.0..=1000.0).contains(&m))
        {
            return Err(PlanError::invalid(
                "/reserve_every_m",
                "one reserved number per N metres: N from 1 to 1000",
            ));
        }
        if let Some(g) = self.house_group {
            if !g.letter.is_ascii_alphabetic() {
                return Err(PlanError::invalid("/house_group/letter", "a letter A–Z"));
            }
        }
        Ok(())
    }

    /// The rules a plan for `street` is computed with: what the request sets, else the
    /// street's own setting, else the commune's.
    pub fn rules(&self, street: &Street, commune: &CommuneRules) -> PlanRules {
        PlanRules {
            suffix_style: self.suffix_style.unwrap_or(street.suffix_style),
            reserve_every_m: self
                .reserve_every_m
                .or(street.reserve_every_m)
                .or(commune.reserve_every_m),
            renumber_all: self.renumber_all,
            frontage_max_m: self.frontage_max_m(),
            house_group: self.house_group,
        }
    }
}

/// Refuses to number a retired street.
pub fn ensure_numberable(street: &Street) -> Result<(), PlanError> {
    if street.status == StreetStatus::Active {
        Ok(())
    } else {
        Err(PlanError::Transition(
            "a retired street is not numbered".into(),
        ))
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbering::GroupStyle;
    use crate::street::fixtures::{commune_rules, street};

    #[test]
    fn the_request_is_checked_field_by_field_and_overrides_the_street_and_commune() {
        let bad = |r: PlanRequest| match r.validate() {
            Err(PlanError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let request = |frontage, reserve, letter: Option<char>| PlanRequest {
            frontage_max_m: frontage,
            reserve_every_m: reserve,
            house_group: letter.map(|letter| HouseGroup {
                letter,
                style: GroupStyle::Compact,
            }),
            ..PlanRequest::default()
        };
        assert_eq!(bad(request(Some(4.0), Some(0.5), None)), "/frontage_max_m");
        assert_eq!(bad(request(Some(f64::NAN), None, None)), "/frontage_max_m");
        assert_eq!(bad(request(None, Some(0.5), Some('1'))), "/reserve_every_m");
        assert_eq!(bad(request(None, None, Some('1'))), "/house_group/letter");
        assert_eq!(
            request(Some(100.0), Some(1000.0), Some('z')).validate(),
            Ok(())
        );

        let mut street = street();
        street.suffix_style = SuffixStyle::Dash;
        let defaults = PlanRequest::default().rules(&street, &commune_rules(Some(30.0)));
        assert_eq!(
            (
                defaults.suffix_style,
                defaults.reserve_every_m,
                defaults.frontage_max_m
            ),
            (SuffixStyle::Dash, Some(30.0), DEFAULT_FRONTAGE_MAX_M)
        );
        street.reserve_every_m = Some(20.0);
        let overridden = PlanRequest {
            suffix_style: Some(SuffixStyle::Letters),
            ..PlanRequest::default()
        }
        .rules(&street, &commune_rules(Some(30.0)));
        assert_eq!(
            (overridden.suffix_style, overridden.reserve_every_m),
            (SuffixStyle::Letters, Some(20.0))
        );
    }

    #[test]
    fn a_retired_street_is_not_numbered() {
        let mut street = street();
        assert_eq!(ensure_numberable(&street), Ok(()));
        street.status = StreetStatus::Retired;
        assert!(matches!(
            ensure_numberable(&street),
            Err(PlanError::Transition(_))
        ));
    }
}
