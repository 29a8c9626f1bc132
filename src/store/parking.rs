//! Settled parking payments and their daily totals: written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::codec::*;
use super::sql::{args, statement, Dialect, SqlStore};
use super::{ParkingStore, StoreError, StoreResult};
use crate::parking::{DailyTotal, Outcome, Transaction};

#[async_trait]
impl<D: Dialect> ParkingStore for SqlStore<D> {
    async fn record_transactions(
        &self, transactions: &[Transaction], received_by: &str, received_at: DateTime<Utc>,
    ) -> StoreResult<Vec<Outcome>> {
        let mut s = self.write("record_transactions").await?;
        let received_at = time_to_text(&received_at);
        let mut outcomes = Vec::with_capacity(transactions.len());
        for t in transactions {
            let amount = i64::try_from(t.amount_vnd)
                .map_err(|_| StoreError::Corrupt(format!("amount {}", t.amount_vnd)))?;
            let inserted = s
                .execute(
                    statement!("insert_transaction"),
                    args![
                        t.platform.as_str(),
                        t.transaction_id.as_str(),
                        t.lot_code.to_string(),
                        t.vehicle.as_str(),
                        amount,
                        time_to_text(&t.paid_at),
                        t.day().to_string(),
                        received_at.as_str(),
                        received_by,
                    ],
                )
                .await?;
            if inserted == 1 {
                outcomes.push(Outcome::Recorded);
                continue;
            }
            // Recorded before: the same content is a replay, other content refuses the whole
            // request (the transaction is dropped, nothing is written).
            let row = s
                .one(
                    statement!("select_transaction"),
                    args![t.platform.as_str(), t.transaction_id.as_str()],
                )
                .await?;
            if transaction_from_columns(&row)? != *t {
                return Err(StoreError::TransactionConflict(format!(
                    "{}/{}",
                    t.platform, t.transaction_id
                )));
            }
            outcomes.push(Outcome::Replayed);
        }
        s.commit().await?;
        Ok(outcomes)
    }

    async fn daily_totals(
        &self, from: NaiveDate, to: NaiveDate, lot_code: Option<&str>, commune_code: Option<&str>,
    ) -> StoreResult<Vec<DailyTotal>> {
        self.read_all(
            "daily_totals",
            statement!("select_daily_totals"),
            args![from.to_string(), to.to_string(), lot_code, commune_code],
            daily_total_from_columns,
        )
        .await
    }
}
