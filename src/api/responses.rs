//! Problem responses that several operations document in the same words, written once.
//!
//! Each type is one `application/problem+json` response for the `responses(...)` list of a
//! `#[utoipa::path]` attribute, next to the operation's own `(status = …)` tuples. Its doc
//! comment is its description in the OpenAPI document, to the letter: change the wording here
//! and every operation that lists the type changes with it. Where two operations say the same
//! thing in other words, each keeps its own tuple.

#![allow(
    dead_code,
    reason = "the types only describe answers in the document; handlers answer with api::Problem"
)]

use utoipa::IntoResponses;

use super::problem::PROBLEM_JSON;
use super::schema::Problem;

// ---------------------------------------------------------------------------------------------
// 400

/// Not a valid location code (`/problems/invalid-code`, with `reason`).
#[derive(IntoResponses)]
#[response(status = 400, content_type = PROBLEM_JSON)]
pub struct InvalidCode(Problem);

/// Invalid code (`/problems/invalid-code`), malformed JSON or a body that is not UTF-8.
#[derive(IntoResponses)]
#[response(status = 400, content_type = PROBLEM_JSON)]
pub struct InvalidCodeOrBody(Problem);

/// A missing, unknown, malformed or out-of-range parameter (`/problems/invalid-query`).
#[derive(IntoResponses)]
#[response(status = 400, content_type = PROBLEM_JSON)]
pub struct InvalidQuery(Problem);

/// Bad parameters.
#[derive(IntoResponses)]
#[response(status = 400, content_type = PROBLEM_JSON)]
pub struct BadParameters(Problem);

/// Bad format.
#[derive(IntoResponses)]
#[response(status = 400, content_type = PROBLEM_JSON)]
pub struct BadFormat(Problem);

// ---------------------------------------------------------------------------------------------
// 401: the public operations say "malformed, unknown or revoked" (no header is fine), the
// signed-in ones "no token" as well.

/// No token, or an unknown or revoked one (`/problems/unauthorized`).
#[derive(IntoResponses)]
#[response(status = 401, content_type = PROBLEM_JSON,
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"diachiso\"`")))]
pub struct TokenRequired(Problem);

/// An `Authorization` header that is malformed, unknown or revoked (`/problems/unauthorized`).
#[derive(IntoResponses)]
#[response(status = 401, content_type = PROBLEM_JSON,
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"diachiso\"`")))]
pub struct BadAuthorization(Problem);

/// An unknown or revoked token (`/problems/unauthorized`).
#[derive(IntoResponses)]
#[response(status = 401, content_type = PROBLEM_JSON,
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"diachiso\"`")))]
pub struct UnknownToken(Problem);

/// No valid token.
#[derive(IntoResponses)]
#[response(status = 401, content_type = PROBLEM_JSON)]
pub struct NoValidToken(Problem);

/// No token.
#[derive(IntoResponses)]
#[response(status = 401, content_type = PROBLEM_JSON)]
pub struct NoToken(Problem);

// ---------------------------------------------------------------------------------------------
// 403

/// The token is not an admin's (`/problems/forbidden`).
#[derive(IntoResponses)]
#[response(status = 403, content_type = PROBLEM_JSON)]
pub struct NotAdmin(Problem);

/// Not a reviewer.
#[derive(IntoResponses)]
#[response(status = 403, content_type = PROBLEM_JSON)]
pub struct NotReviewer(Problem);

/// A system role.
#[derive(IntoResponses)]
#[response(status = 403, content_type = PROBLEM_JSON)]
pub struct SystemRole(Problem);

// ---------------------------------------------------------------------------------------------
// 404

/// No place under this code (`/problems/not-found`).
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct NoPlaceUnderCode(Problem);

/// No such place.
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct NoSuchPlace(Problem);

/// No such street.
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct NoSuchStreet(Problem);

/// No such plan.
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct NoSuchPlan(Problem);

/// No such commune.
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct NoSuchCommune(Problem);

/// No such commune is loaded (`/problems/not-found`).
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct CommuneNotLoaded(Problem);

/// No such collection (`/problems/not-found`).
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM_JSON)]
pub struct NoSuchCollection(Problem);

// ---------------------------------------------------------------------------------------------
// 409, 412

/// The street is retired.
#[derive(IntoResponses)]
#[response(status = 409, content_type = PROBLEM_JSON)]
pub struct StreetRetired(Problem);

/// Not a parking lot, retired, or no payment account.
#[derive(IntoResponses)]
#[response(status = 409, content_type = PROBLEM_JSON)]
pub struct NotPayableLot(Problem);

/// `If-Match` does not hold the current ETag (`/problems/stale`).
#[derive(IntoResponses)]
#[response(status = 412, content_type = PROBLEM_JSON,
    headers(("ETag" = String, description = "The current ETag")))]
pub struct StaleIfMatch(Problem);

/// Stale ETag.
#[derive(IntoResponses)]
#[response(status = 412, content_type = PROBLEM_JSON)]
pub struct StaleEtag(Problem);

// ---------------------------------------------------------------------------------------------
// The body: 413, 415, 422

/// The body is larger than 1 MiB (`/problems/too-large`).
#[derive(IntoResponses)]
#[response(status = 413, content_type = PROBLEM_JSON)]
pub struct BodyTooLarge(Problem);

/// The body is not sent as JSON (`/problems/unsupported-media-type`).
#[derive(IntoResponses)]
#[response(status = 415, content_type = PROBLEM_JSON)]
pub struct BodyNotJson(Problem);

/// A body not sent as JSON (`/problems/unsupported-media-type`).
#[derive(IntoResponses)]
#[response(status = 415, content_type = PROBLEM_JSON)]
pub struct OptionalBodyNotJson(Problem);

/// No reason.
#[derive(IntoResponses)]
#[response(status = 422, content_type = PROBLEM_JSON)]
pub struct NoReason(Problem);
