//! Streets, alleys and numbering plans over the store, with the street index.
//!
//! Writes follow the places' discipline: under the registry's write lock, validate, decide,
//! commit the row and its event in one transaction, then update the in-memory index. A plan's
//! approval commits the plan, every renumbered house (with its place event) and every renamed
//! alley in one transaction: all or nothing.
//!
//! One file per concern: `writes` (drawing, changing and retiring streets), `address` (how a
//! street and a house are written), `plans` (numbering rules and plans), `catalogue` (the
//! standardised house-number catalogue) and `units` (apartment units). What they share — the
//! street index, permissions, reading a street for a write, a street's event — is here.

mod address;
mod catalogue;
mod plans;
mod units;
mod writes;

pub use crate::street::{PlanRequest, DEFAULT_FRONTAGE_MAX_M};
pub use catalogue::CatalogueRow;
pub use units::{MAX_UNITS, UNITS_ATTRIBUTE};
pub use writes::ALLEY_ENTRANCE_MAX_M;

use std::sync::Arc;

use super::{Registry, RegistryError, Result};
use crate::auth::Actor;
use crate::event::{NewStreetEvent, StreetAction};
use crate::street::{Street, StreetStatus};

impl Registry {
    /// Runs `f` with read access to the street index.
    pub fn with_streets<R>(&self, f: impl FnOnce(&crate::street::StreetIndex) -> R) -> R {
        f(&self.indexes().streets)
    }

    /// A street by id: anonymous callers see active streets only.
    pub fn street(&self, actor: &Actor, id: &str) -> Result<Arc<Street>> {
        match self.with_streets(|s| s.get(id)) {
            Some(s) if s.status == StreetStatus::Active || actor.can_read_all() => Ok(s),
            _ => Err(RegistryError::StreetNotFound(id.to_owned())),
        }
    }

    /// An editor writes a street only if it may write in every commune the street runs
    /// through (a street crossing a boundary is the province's, or both communes', business).
    pub(super) fn require_write_street(actor: &Actor, communes: &[String]) -> Result<()> {
        communes
            .iter()
            .try_for_each(|c| Self::require_write_in(actor, c))
    }

    /// The streets' log entry of a write, stamped with the new version's time.
    pub(super) fn street_event(
        actor: &Actor, action: StreetAction, before: Option<&Street>, after: &Street,
        plan_id: Option<String>, reason: Option<String>,
    ) -> NewStreetEvent {
        NewStreetEvent {
            at: after.updated_at,
            actor: actor.audit_name(),
            action,
            street_id: after.id.clone(),
            plan_id,
            before: before.map(Street::feature),
            after: Some(after.feature()),
            reason,
        }
    }

    /// Reads the stored street for a write (the index may lag behind another node), checking
    /// the ETag the client holds when it sent one.
    pub(super) async fn current_street_for_write(
        &self, id: &str, if_match: Option<&str>,
    ) -> Result<Street> {
        let street = self
            .store
            .get_street(id)
            .await?
            .ok_or_else(|| RegistryError::StreetNotFound(id.to_owned()))?;
        super::check_if_match(if_match, street.etag())?;
        Ok(street)
    }
}
