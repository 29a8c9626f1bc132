//! Resident-count snapshots (counts per address, never people): written once for both
//! databases.

use async_trait::async_trait;

use super::codec::*;
use super::sql::{args, statement, Constraint, Dialect, SqlStore};
use super::{PopulationStore, StoreError, StoreResult};
use crate::code::LocationCode;
use crate::population::{CountRow, Snapshot};

/// Rows per statement when a snapshot's counts are written (one JSON array each).
const COUNTS_PER_STATEMENT: usize = 20_000;

#[async_trait]
impl<D: Dialect> PopulationStore for SqlStore<D> {
    async fn insert_snapshot(
        &self, snapshot: &Snapshot, rows: &[CountRow],
    ) -> StoreResult<Snapshot> {
        let mut s = self.write("insert_snapshot").await?;
        let head = args![
            snapshot.as_of.as_str(),
            snapshot.source.as_str(),
            snapshot.imported_at.as_str(),
            snapshot.imported_by.as_str(),
            snapshot.addresses,
            snapshot.residents,
            snapshot.households,
            snapshot.generated,
        ];
        // A second snapshot of the same day is refused whole.
        let id = s
            .one_unique(
                statement!("insert_snapshot"),
                head,
                Constraint::SnapshotAsOf,
            )
            .await?
            .ok_or_else(|| StoreError::SnapshotExists(snapshot.as_of.clone()))?
            .integer("id")?;
        for chunk in rows.chunks(COUNTS_PER_STATEMENT) {
            let counts: Vec<(String, u32, u32)> = chunk
                .iter()
                .map(|r| (r.code.to_string(), r.residents, r.households))
                .collect();
            s.execute(
                statement!("insert_counts"),
                args![id, serde_json::to_string(&counts).unwrap_or_default()],
            )
            .await?;
        }
        s.commit().await?;
        Ok(Snapshot {
            id,
            ..snapshot.clone()
        })
    }

    async fn snapshots(&self) -> StoreResult<Vec<Snapshot>> {
        self.read_all(
            "snapshots",
            statement!("select_snapshots"),
            vec![],
            snapshot_from_columns,
        )
        .await
    }

    async fn snapshot_counts(&self, id: i64) -> StoreResult<Vec<(LocationCode, u32, u32)>> {
        let mut s = self.read("snapshot_counts").await?;
        let rows = s.all(statement!("select_counts"), args![id]).await?;
        rows.iter()
            .map(|r| {
                let count = |c: &str| -> StoreResult<u32> {
                    u32::try_from(r.integer(c)?)
                        .map_err(|_| StoreError::Corrupt(format!("{c} out of range")))
                };
                Ok((
                    code_from_text(&r.text("code")?)?,
                    count("residents")?,
                    count("households")?,
                ))
            })
            .collect()
    }
}
