//! API tokens (only their SHA-256 hashes are stored): written once for both databases.

use async_trait::async_trait;

use super::codec::*;
use super::sql::{args, statement, Dialect, SqlStore};
use super::{StoreResult, TokenStore};
use crate::auth::{Role, TokenInfo};

#[async_trait]
impl<D: Dialect> TokenStore for SqlStore<D> {
    async fn create_token(
        &self, name: &str, role: Role, communes: &[String], token_hash: &str,
    ) -> StoreResult<TokenInfo> {
        let mut s = self.read("create_token").await?;
        let row = s
            .one(
                statement!("insert_token"),
                args![
                    name,
                    role.as_str(),
                    communes_to_text(communes),
                    token_hash,
                    time_to_text(&chrono::Utc::now()),
                ],
            )
            .await?;
        token_from_columns(&row)
    }

    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
        self.read_optional(
            "token_by_hash",
            statement!("select_token_by_hash"),
            args![token_hash],
            token_from_columns,
        )
        .await
    }

    async fn list_tokens(&self) -> StoreResult<Vec<TokenInfo>> {
        self.read_all(
            "list_tokens",
            statement!("select_tokens"),
            vec![],
            token_from_columns,
        )
        .await
    }

    async fn revoke_token(&self, id: i64) -> StoreResult<bool> {
        let mut s = self.read("revoke_token").await?;
        let revoked = s
            .execute(
                statement!("revoke_token"),
                args![id, time_to_text(&chrono::Utc::now())],
            )
            .await?;
        Ok(revoked == 1)
    }
}
