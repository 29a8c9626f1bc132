//! Tokens: who may make, list and revoke them, and who holds a token a request carries (with
//! a short cache, so that a signed-in request does not read the token table).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Registry, RegistryError, Result};
use crate::auth::{check_new_token, generate_token, hash_token, Actor, Role, TokenInfo};

/// Valid tokens seen in the last [`TokenCache::TTL`], by hash. A token revoked through this
/// process is dropped at once; one revoked elsewhere (the command line, another node) stops
/// working within the TTL.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, (TokenInfo, Instant)>>,
}

impl TokenCache {
    /// How long a looked-up token is trusted without reading the store again.
    pub const TTL: Duration = Duration::from_secs(5);
    /// Most tokens kept (the cache is emptied when full: tokens are few).
    const MAX: usize = 10_000;

    fn get(&self, hash: &str) -> Option<TokenInfo> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(hash)
            .filter(|(_, at)| at.elapsed() < Self::TTL)
            .map(|(info, _)| info.clone())
    }

    /// A token seen valid at any time since it was cached, however long ago: for when the
    /// store cannot be asked (a token revoked meanwhile keeps working until the store is back).
    fn get_stale(&self, hash: &str) -> Option<TokenInfo> {
        let entries = self.entries.lock().ok()?;
        entries.get(hash).map(|(info, _)| info.clone())
    }

    fn put(&self, hash: String, info: TokenInfo) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= Self::MAX {
                entries.clear();
            }
            entries.insert(hash, (info, Instant::now()));
        }
    }

    fn forget(&self, id: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (info, _)| info.id != id);
        }
    }
}

/// A token just made: its record and its secret, which is shown once and never stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub info: TokenInfo,
    pub secret: String,
}

/// Token management is for admins (anonymous callers are told to sign in).
pub fn require_token_admin(actor: &Actor) -> Result<()> {
    match actor {
        Actor::Anonymous => Err(RegistryError::Unauthorized(
            "token management needs an admin token".into(),
        )),
        a if a.can_admin() => Ok(()),
        _ => Err(RegistryError::Forbidden(
            "token management needs an admin token".into(),
        )),
    }
}

impl Registry {
    /// The holder of a token secret; `None` when the token is unknown or revoked.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<TokenInfo>> {
        let hash = hash_token(secret);
        if let Some(info) = self.tokens.get(&hash) {
            return Ok(Some(info));
        }
        let info = match self.store.token_by_hash(&hash).await {
            Ok(info) => info,
            // The store is out of reach: a token this node has seen valid goes on working
            // (reads from memory keep answering); one it has never seen cannot be checked.
            Err(e) if e.is_unavailable() => match self.tokens.get_stale(&hash) {
                Some(info) => return Ok(Some(info)),
                None => return Err(e.into()),
            },
            Err(e) => return Err(e.into()),
        };
        if let Some(info) = &info {
            self.tokens.put(hash, info.clone());
        }
        Ok(info)
    }

    /// Makes a token (admin): a name, and communes exactly when the role is editor.
    pub async fn create_token(
        &self, actor: &Actor, role: Role, communes: &[String], name: &str,
    ) -> Result<NewToken> {
        require_token_admin(actor)?;
        let index = self.communes();
        let (name, communes) = check_new_token(role, communes, name, |c| index.get(c).is_some())
            .map_err(RegistryError::TokenRequest)?;
        let secret = generate_token();
        let info = self
            .store
            .create_token(&name, role, &communes, &hash_token(&secret))
            .await?;
        Ok(NewToken { info, secret })
    }

    /// Every token, revoked ones included, without secrets (admin).
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<TokenInfo>> {
        require_token_admin(actor)?;
        Ok(self.store.list_tokens().await?)
    }

    /// Revokes a token at once on this node (admin).
    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<()> {
        require_token_admin(actor)?;
        if !self.store.revoke_token(id).await? {
            return Err(RegistryError::TokenNotFound(id));
        }
        self.tokens.forget(id);
        Ok(())
    }
}
