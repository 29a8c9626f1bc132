//! Property tests: the numbering invariants hold on random streets.
//!
//! Streets are random polylines of 2–8 vertices (turning up to ±60° at each,
//! so many are curved) near Hưng Yên; frontages are random points within
//! 40 m of them, with optional random existing numbers.

use proptest::prelude::*;

use super::direction::DirectionHint;
use super::line::StreetLine;
use super::number::{HouseNumber, SuffixStyle};
use super::plan::{number_street, Frontage, NumberingOutcome, Rules};
use super::planar;
use super::reason::Reason;
use super::shapes::{beside, en, ll, towards};
use super::side::Side;

/// A random polyline: start within 500 m of the origin, then 1–7 legs.
fn polyline() -> impl Strategy<Value = Vec<[f64; 2]>> {
    (
        (-500.0..500.0f64, -500.0..500.0f64),
        0.0..360.0f64,
        prop::collection::vec((-60.0..60.0f64, 20.0..200.0f64), 1..8),
    )
        .prop_map(|((x, y), heading, legs)| {
            let mut at = [x, y];
            let mut bearing = heading;
            let mut pts = vec![ll(at)];
            for (turn, length) in legs {
                bearing += turn;
                at = towards(at, bearing, length);
                pts.push(ll(at));
            }
            pts
        })
}

/// Random existing number: mostly plain, some lettered A–C, bases 1–60.
fn existing() -> impl Strategy<Value = Option<HouseNumber>> {
    prop_oneof![
        2 => Just(None),
        2 => (1u32..=60).prop_map(|b| HouseNumber::new(b).ok()),
        1 => (1u32..=60, 1u32..=3).prop_map(|(b, i)| HouseNumber::with_suffix(b, i, SuffixStyle::Letters).ok()),
    ]
}

/// (fraction along the drawn line, offset in metres, existing number).
type RawFrontage = (f64, f64, Option<HouseNumber>);

fn raw_frontages() -> impl Strategy<Value = Vec<RawFrontage>> {
    prop::collection::vec((0.0..1.0f64, -40.0..40.0f64, existing()), 0..24)
}

fn rules() -> impl Strategy<Value = Rules> {
    (
        prop_oneof![Just(SuffixStyle::Letters), Just(SuffixStyle::Dash)],
        prop_oneof![Just(None), (5.0..50.0f64).prop_map(Some)],
    )
        .prop_map(|(suffix_style, reserve_every_m)| Rules {
            suffix_style,
            reserve_every_m,
            renumber_all: false,
        })
}

fn drawn_length(coords: &[[f64; 2]]) -> f64 {
    coords
        .windows(2)
        .map(|w| planar::distance(en(w[0]), en(w[1])))
        .sum()
}

fn build(coords: &[[f64; 2]], raw: &[RawFrontage], with_existing: bool) -> Vec<Frontage> {
    let length = drawn_length(coords);
    raw.iter()
        .enumerate()
        .map(|(i, &(t, offset, old))| {
            let p = beside(coords, t * length, offset);
            Frontage {
                id: format!("h{i:02}"),
                lon: p[0],
                lat: p[1],
                existing: if with_existing { old } else { None },
            }
        })
        .collect()
}

/// Checks every invariant of one outcome; returns a description of the first broken one.
fn check(frontages: &[Frontage], out: &NumberingOutcome) -> Result<(), TestCaseError> {
    prop_assert_eq!(out.assignments.len(), frontages.len());
    for (f, a) in frontages.iter().zip(&out.assignments) {
        prop_assert_eq!(&f.id, &a.id, "assignments follow the input order");
        prop_assert!(
            a.side.accepts(a.number),
            "{} has {} on the {:?} side",
            a.id,
            a.number,
            a.side
        );
        if a.reason == Reason::Kept {
            prop_assert_eq!(a.old, Some(a.number), "kept numbers are unchanged");
        }
        if a.old == Some(a.number) {
            prop_assert_eq!(a.reason, Reason::Kept);
        }
    }
    for side in [Side::Left, Side::Right] {
        let mut on_side: Vec<_> = out.assignments.iter().filter(|a| a.side == side).collect();
        on_side.sort_by(|a, b| {
            a.chainage_m
                .total_cmp(&b.chainage_m)
                .then_with(|| a.id.cmp(&b.id))
        });
        for w in on_side.windows(2) {
            prop_assert!(
                w[0].number < w[1].number,
                "{} ({} at {:.2} m) !< {} ({} at {:.2} m)",
                w[0].id,
                w[0].number,
                w[0].chainage_m,
                w[1].id,
                w[1].number,
                w[1].chainage_m
            );
        }
        for r in out.reserved.iter().filter(|r| r.side == side) {
            prop_assert!(side.accepts(r.number) && r.number.is_plain());
            prop_assert!(
                on_side.iter().all(|a| a.number != r.number),
                "reserved {} is also assigned",
                r.number
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_when_keeping_numbers(coords in polyline(), raw in raw_frontages(), rules in rules()) {
        let (line, _) = StreetLine::from_hint(&coords, &DirectionHint::Auto).unwrap();
        let frontages = build(&coords, &raw, true);
        let out = number_street(&line, &frontages, &rules).unwrap();
        check(&frontages, &out)?;
        // Deterministic, and independent of the input order.
        prop_assert_eq!(&number_street(&line, &frontages, &rules).unwrap(), &out);
        let reversed: Vec<Frontage> = frontages.iter().rev().cloned().collect();
        let again = number_street(&line, &reversed, &rules).unwrap();
        for a in &out.assignments {
            prop_assert_eq!(again.number_of(&a.id), Some(a.number));
        }
    }

    #[test]
    fn invariants_hold_when_renumbering_all(coords in polyline(), raw in raw_frontages(), rules in rules()) {
        let (line, _) = StreetLine::from_hint(&coords, &DirectionHint::Auto).unwrap();
        let frontages = build(&coords, &raw, true);
        let all = Rules { renumber_all: true, ..rules.clone() };
        let out = number_street(&line, &frontages, &all).unwrap();
        check(&frontages, &out)?;
        // With no existing numbers, renumbering everything is the fresh numbering.
        let bare = build(&coords, &raw, false);
        prop_assert_eq!(
            number_street(&line, &bare, &all).unwrap(),
            number_street(&line, &bare, &rules).unwrap()
        );
    }

    #[test]
    fn a_numbered_street_renumbered_in_keep_mode_is_unchanged(coords in polyline(), raw in raw_frontages(), rules in rules()) {
        let (line, _) = StreetLine::from_hint(&coords, &DirectionHint::Auto).unwrap();
        let bare = build(&coords, &raw, false);
        let first = number_street(&line, &bare, &rules).unwrap();
        let numbered: Vec<Frontage> = bare
            .iter()
            .map(|f| Frontage { existing: first.number_of(&f.id), ..f.clone() })
            .collect();
        let second = number_street(&line, &numbered, &rules).unwrap();
        check(&numbered, &second)?;
        prop_assert!(second.assignments.iter().all(|a| a.reason == Reason::Kept));
        prop_assert_eq!(&second.reserved, &first.reserved);
    }

    #[test]
    fn house_numbers_round_trip_through_text(base in 1u32..=9999, idx in 0u32..=99, letters in any::<bool>()) {
        let style = if letters { SuffixStyle::Letters } else { SuffixStyle::Dash };
        let n = if idx == 0 { HouseNumber::new(base) } else { HouseNumber::with_suffix(base, idx, style) };
        if let Ok(n) = n {
            prop_assert_eq!(n.to_string().parse::<HouseNumber>().unwrap(), n);
        } else {
            prop_assert!(letters && idx > 26);
        }
    }
}
