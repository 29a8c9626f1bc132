//! Cashless parking: settled payments reported by payment platforms, their daily totals, and
//! how many lots of each commune have a payment link.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use super::{allow, now, PlaceFilter, Registry, RegistryError, Result};
use crate::auth::{Actor, Role};
use crate::parking::{DailyTotal, Outcome, Transaction};
use crate::place::parking::PAYMENT_ACCOUNTS;
use crate::place::{FieldError, PlaceKind, Status, ValidationError};
use crate::store::StoreError;

/// Parking lots of one commune and how far their payment links are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotProgress {
    pub commune_code: String,
    pub commune_name: String,
    /// Provisional and active lots.
    pub lots: usize,
    /// Active (certified) lots.
    pub certified: usize,
    /// Lots with at least one payment account.
    pub with_payment_link: usize,
}

/// Readers and above (the Department); system roles are refused.
fn require_reader(actor: &Actor, what: &str) -> Result<()> {
    if !actor.is_authenticated() {
        Err(RegistryError::Unauthorized(format!(
            "{what} need a reader token: send Authorization: Bearer TOKEN"
        )))
    } else if !actor.can_read_all() {
        Err(RegistryError::Forbidden(format!(
            "{what} are for reader, editor, reviewer and admin tokens"
        )))
    } else {
        Ok(())
    }
}

impl Registry {
    /// Records settled payments (a payment platform's token), all or nothing: every lot must
    /// be a registered parking lot, and a transaction recorded before with other content
    /// refuses the whole request. Returns, per transaction, whether it was new or a replay.
    pub async fn record_payments(
        &self, actor: &Actor, transactions: &[Transaction],
    ) -> Result<Vec<Outcome>> {
        if !actor.is_authenticated() {
            return Err(RegistryError::Unauthorized(
                "payment platforms send their token".into(),
            ));
        }
        allow(
            actor.has_role(Role::PaymentPlatform),
            "reporting payments needs a payment_platform token",
        )?;
        // The platform is the token's: a platform cannot report (and so take the transaction
        // ids of) another.
        let platform = match actor {
            Actor::Token(t) if crate::parking::is_platform_id(&t.name) => t.name.clone(),
            _ => {
                return Err(RegistryError::Forbidden(
                    "this token's name is not a platform id; an admin makes the platform's token with --name <platform id>".into(),
                ))
            }
        };
        if let Some(other) = transactions
            .iter()
            .find(|t| !t.platform.is_empty() && t.platform != platform)
        {
            return Err(RegistryError::Forbidden(format!(
                "this token reports payments for the platform {platform:?} only, not {:?}",
                other.platform
            )));
        }
        let transactions: Vec<Transaction> = transactions
            .iter()
            .map(|t| Transaction {
                platform: platform.clone(),
                ..t.clone()
            })
            .collect();
        let transactions = &transactions[..];
        let codes: Vec<_> = transactions.iter().map(|t| t.lot_code).collect();
        let lots: BTreeMap<_, _> = self
            .store
            .get_places(&codes)
            .await?
            .into_iter()
            .map(|p| (p.code, p.kind))
            .collect();
        let errors: Vec<FieldError> = transactions
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let message = match lots.get(&t.lot_code) {
                    Some(PlaceKind::ParkingLot) => return None,
                    Some(_) => "is not a parking lot",
                    None => "no place is registered under this code",
                };
                Some(FieldError {
                    field: format!("/{i}/lot_code"),
                    message: message.into(),
                })
            })
            .collect();
        if !errors.is_empty() {
            return Err(RegistryError::Validation(ValidationError { errors }));
        }
        match self
            .store
            .record_transactions(transactions, &actor.audit_name(), now())
            .await
        {
            Err(StoreError::TransactionConflict(id)) => Err(RegistryError::TransactionConflict(id)),
            other => Ok(other?),
        }
    }

    /// Payments per lot, Vietnam day and vehicle type, for days `from..=to` (readers and
    /// above), of one lot or one commune when given.
    pub async fn parking_totals(
        &self, actor: &Actor, from: NaiveDate, to: NaiveDate, lot_code: Option<&str>,
        commune_code: Option<&str>,
    ) -> Result<Vec<DailyTotal>> {
        require_reader(actor, "payment totals")?;
        Ok(self
            .store
            .daily_totals(from, to, lot_code, commune_code)
            .await?)
    }

    /// Per commune (every commune loaded, in code order): parking lots, certified ones, and
    /// those with a payment link. Counts only, so public.
    pub async fn parking_progress(&self) -> Result<Vec<LotProgress>> {
        let filter = PlaceFilter {
            kind: Some(PlaceKind::ParkingLot),
            statuses: vec![Status::Provisional, Status::Active],
            ..PlaceFilter::default()
        };
        let codes = self.with_catalog(|c| c.list(&filter, 0, usize::MAX).1);
        let lots = self.store.get_places(&codes).await?;
        let mut rows: BTreeMap<String, LotProgress> = self
            .communes()
            .all()
            .iter()
            .map(|c| {
                let row = LotProgress {
                    commune_code: c.code.clone(),
                    commune_name: c.full_name.clone(),
                    lots: 0,
                    certified: 0,
                    with_payment_link: 0,
                };
                (c.code.clone(), row)
            })
            .collect();
        for lot in &lots {
            let Some(row) = rows.get_mut(&lot.commune_code) else {
                continue;
            };
            row.lots += 1;
            row.certified += usize::from(lot.status == Status::Active);
            let linked = lot
                .attributes
                .get(PAYMENT_ACCOUNTS)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            row.with_payment_link += usize::from(linked);
        }
        Ok(rows.into_values().collect())
    }
}
