//! Streets and alleys, the streets' log, numbering plans (a decision renumbers houses in the
//! same transaction) and the communes' numbering rules: written once for both databases.

use async_trait::async_trait;

use super::codec::*;
use super::places::{append_event, update_place_in};
use super::sql::{args, statement, Arg, Constraint, Dialect, Session, SqlStore};
use super::{StoreError, StoreResult, StreetStore};
use crate::event::{NewEvent, NewStreetEvent, StreetEvent};
use crate::place::Place;
use crate::street::{CommuneRules, NumberingPlan, Street};

/// Appends an event to the streets' log in the session's transaction; its sequence number.
async fn append_street_event<D: Dialect>(
    session: &mut Session<D>, e: &NewStreetEvent,
) -> StoreResult<i64> {
    session.lock_event_log().await?;
    let row = session
        .one(
            statement!("insert_street_event"),
            args![
                time_to_text(&e.at),
                e.actor.as_str(),
                e.action.as_str(),
                e.street_id.as_str(),
                e.plan_id.as_deref(),
                e.before.as_ref().map(|v| v.to_string()),
                e.after.as_ref().map(|v| v.to_string()),
                e.reason.as_deref(),
            ],
        )
        .await?;
    row.integer("seq")
}

/// Inserts a street (`expected_version` `None`) or updates it at that version; a street that
/// exists already, or changed since, is a `StreetConflict`.
async fn write_street<D: Dialect>(
    session: &mut Session<D>, s: &Street, expected_version: Option<i64>,
) -> StoreResult<()> {
    let statement = match expected_version {
        Some(_) => statement!("update_street"),
        None => statement!("insert_street"),
    };
    let mut args = args![
        s.id.as_str(),
        s.street_type.as_str(),
        s.name.as_deref(),
        s.parent_id.as_deref(),
        communes_to_text(&s.communes),
        s.status.as_str(),
        street_to_doc(s),
        s.version,
        time_to_text(&s.created_at),
        time_to_text(&s.updated_at),
    ];
    args.extend(expected_version.map(Arg::Int));
    match session
        .execute_unique(statement, args, Constraint::StreetId)
        .await?
    {
        Some(1) => Ok(()),
        _ => Err(StoreError::StreetConflict(s.id.clone())),
    }
}

fn street_docs(rows: &[impl Columns]) -> StoreResult<Vec<Street>> {
    rows.iter()
        .map(|r| street_from_doc(&r.text("doc")?))
        .collect()
}

fn plan_docs(rows: &[impl Columns]) -> StoreResult<Vec<NumberingPlan>> {
    rows.iter()
        .map(|r| plan_from_doc(&r.text("doc")?))
        .collect()
}

#[async_trait]
impl<D: Dialect> StreetStore for SqlStore<D> {
    async fn load_streets(&self) -> StoreResult<Vec<Street>> {
        let mut s = self.read("load_streets").await?;
        street_docs(&s.all(statement!("select_streets"), vec![]).await?)
    }

    async fn get_street(&self, id: &str) -> StoreResult<Option<Street>> {
        let mut s = self.read("get_street").await?;
        let row = s.optional(statement!("select_street"), args![id]).await?;
        Ok(street_docs(row.as_slice())?.pop())
    }

    async fn save_street(
        &self, street: &Street, expected_version: Option<i64>, event: &NewStreetEvent,
    ) -> StoreResult<i64> {
        let mut s = self.write("save_street").await?;
        write_street(&mut s, street, expected_version).await?;
        let seq = append_street_event(&mut s, event).await?;
        s.commit().await?;
        Ok(seq)
    }

    async fn last_street_event_seq(&self) -> StoreResult<i64> {
        let mut s = self.read("last_street_event_seq").await?;
        s.one(statement!("select_last_street_seq"), vec![])
            .await?
            .integer("seq")
    }

    async fn street_history(&self, id: &str) -> StoreResult<Vec<StreetEvent>> {
        self.read_all(
            "street_history",
            statement!("select_street_history"),
            args![id],
            street_event_from_columns,
        )
        .await
    }

    async fn street_events_after(
        &self, after_seq: i64, limit: i64,
    ) -> StoreResult<Vec<StreetEvent>> {
        self.read_all(
            "street_events_after",
            statement!("select_street_events_after"),
            args![after_seq, limit],
            street_event_from_columns,
        )
        .await
    }

    async fn get_plan(&self, id: &str) -> StoreResult<Option<NumberingPlan>> {
        let mut s = self.read("get_plan").await?;
        let row = s.optional(statement!("select_plan"), args![id]).await?;
        Ok(plan_docs(row.as_slice())?.pop())
    }

    async fn list_plans(&self, street_id: &str) -> StoreResult<Vec<NumberingPlan>> {
        let mut s = self.read("list_plans").await?;
        plan_docs(
            &s.all(statement!("select_plans_of_street"), args![street_id])
                .await?,
        )
    }

    async fn insert_plan(&self, plan: &NumberingPlan, event: &NewStreetEvent) -> StoreResult<i64> {
        let mut s = self.write("insert_plan").await?;
        s.execute(
            statement!("insert_plan"),
            args![
                plan.id.as_str(),
                plan.street_id.as_str(),
                plan.status.as_str(),
                plan_to_doc(plan),
                plan.proposed_by.as_str(),
                time_to_text(&plan.proposed_at),
                plan.decided_by.as_deref(),
                plan.decided_at.as_ref().map(time_to_text),
            ],
        )
        .await?;
        let seq = append_street_event(&mut s, event).await?;
        s.commit().await?;
        Ok(seq)
    }

    async fn decide_plan(
        &self, plan: &NumberingPlan, event: &NewStreetEvent,
        streets: &[(Street, i64, NewStreetEvent)], places: &[(Place, i64, NewEvent)],
    ) -> StoreResult<()> {
        let mut s = self.write("decide_plan").await?;
        let decided = s
            .execute(
                statement!("decide_plan"),
                args![
                    plan.id.as_str(),
                    plan.status.as_str(),
                    plan_to_doc(plan),
                    plan.decided_by.as_deref(),
                    plan.decided_at.as_ref().map(time_to_text),
                ],
            )
            .await?;
        if decided != 1 {
            return Err(StoreError::StreetConflict(plan.street_id.clone()));
        }
        append_street_event(&mut s, event).await?;
        for (street, expected, e) in streets {
            write_street(&mut s, street, Some(*expected)).await?;
            append_street_event(&mut s, e).await?;
        }
        for (place, expected, e) in places {
            update_place_in(&mut s, place, *expected).await?;
            append_event(&mut s, e).await?;
        }
        s.commit().await
    }

    async fn numbered_houses(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut s = self.read("numbered_houses").await?;
        let rows = s.all(statement!("count_numbered_houses"), vec![]).await?;
        rows.iter()
            .map(|r| Ok((r.text("commune_code")?, r.integer("n")?)))
            .collect()
    }

    async fn numbering_rules(&self, commune_code: &str) -> StoreResult<Option<CommuneRules>> {
        self.read_optional(
            "numbering_rules",
            statement!("select_numbering_rules"),
            args![commune_code],
            rules_from_columns,
        )
        .await
    }

    async fn save_numbering_rules(&self, rules: &CommuneRules) -> StoreResult<()> {
        let mut s = self.read("save_numbering_rules").await?;
        s.execute(
            statement!("upsert_numbering_rules"),
            args![
                rules.commune_code.as_str(),
                suffix_style_to_text(rules.suffix_style),
                rules.reserve_every_m,
                rules.updated_by.as_str(),
                time_to_text(&rules.updated_at),
            ],
        )
        .await?;
        Ok(())
    }
}
