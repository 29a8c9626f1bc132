//! Who may do what: roles, bearer tokens (stored hashed) and the actor of a request.

mod token;

pub use token::{generate_token, hash_token, TOKEN_PREFIX};

use serde::Serialize;

/// A token's role. The staff roles form a ladder (reader < editor < reviewer < admin): each
/// may do what the ones below it may, except that an editor's writes are limited to the
/// communes on its token. The three system roles stand beside the ladder and may do only their
/// one job (they sort below `Reader`, so no ladder check ever lets them through).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A payment platform: reports settled parking payments, nothing else.
    PaymentPlatform,
    /// The population database's sync: imports resident counts, nothing else.
    PopulationSync,
    /// Population analysts: exact resident counts below the privacy threshold, nothing else.
    PopulationAnalyst,
    /// Other systems: reads every place whatever its status, history and the change feed.
    Reader,
    /// Commune staff: registers, corrects and retires places in the communes on the token.
    Editor,
    /// Department staff: certifies, corrects and retires places province-wide.
    Reviewer,
    /// Manages tokens; may do everything.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Reader,
        Role::Editor,
        Role::Reviewer,
        Role::Admin,
        Role::PaymentPlatform,
        Role::PopulationSync,
        Role::PopulationAnalyst,
    ];

    /// The identifier used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
            Role::PaymentPlatform => "payment_platform",
            Role::PopulationSync => "population_sync",
            Role::PopulationAnalyst => "population_analyst",
        }
    }

    /// Parses the identifier.
    ///
    /// ```
    /// use diachiso::auth::Role;
    /// assert_eq!(Role::parse("editor"), Some(Role::Editor));
    /// assert_eq!(Role::parse("payment_platform"), Some(Role::PaymentPlatform));
    /// assert_eq!(Role::parse("root"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The communes an editor may write in (empty for other roles).
    pub communes: Vec<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Token(TokenInfo),
    /// The command line on the server itself (imports, token creation).
    Local,
}

impl Actor {
    fn role(&self) -> Option<Role> {
        match self {
            Actor::Anonymous => None,
            Actor::Token(t) => Some(t.role),
            Actor::Local => Some(Role::Admin),
        }
    }

    /// The name written into the event log.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Anonymous => "anonymous".into(),
            Actor::Token(t) => format!("token:{}:{}", t.id, t.name),
            Actor::Local => "local-cli".into(),
        }
    }

    /// The key that scopes idempotency keys (one client's keys never clash with another's).
    pub fn idempotency_scope(&self) -> String {
        match self {
            Actor::Anonymous => "anonymous".into(),
            Actor::Token(t) => format!("token:{}", t.id),
            Actor::Local => "local".into(),
        }
    }

    /// Whether the actor is signed in at all.
    pub fn is_authenticated(&self) -> bool {
        !matches!(self, Actor::Anonymous)
    }

    /// Sees provisional and retired places, history and the change feed.
    pub fn can_read_all(&self) -> bool {
        self.role().is_some_and(|r| r >= Role::Reader)
    }

    /// Has exactly this role (the system roles' single permissions; admin has them all).
    pub fn has_role(&self, role: Role) -> bool {
        self.role().is_some_and(|r| r == role || r == Role::Admin)
    }

    /// May register or change places in this commune.
    pub fn can_write_in(&self, commune_code: &str) -> bool {
        match self {
            Actor::Token(t) => match t.role {
                Role::Reader
                | Role::PaymentPlatform
                | Role::PopulationSync
                | Role::PopulationAnalyst => false,
                Role::Editor => t.communes.iter().any(|c| c == commune_code),
                Role::Reviewer | Role::Admin => true,
            },
            Actor::Local => true,
            Actor::Anonymous => false,
        }
    }

    /// May write at all (in some commune).
    pub fn can_write(&self) -> bool {
        self.role().is_some_and(|r| r >= Role::Editor)
    }

    /// May certify places (province-wide).
    pub fn can_certify(&self) -> bool {
        self.role().is_some_and(|r| r >= Role::Reviewer)
    }

    /// May manage tokens.
    pub fn can_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }
}

/// Checks what a new token will be allowed: a name, and communes exactly when the role is
/// editor (each known to `commune_exists`). Returns the normalised name and sorted communes.
///
/// ```
/// use diachiso::auth::{check_new_token, Role};
/// let ok = check_new_token(Role::Editor, &["11977".into(), "11953".into()], " UBND ", |_| true);
/// assert_eq!(ok.unwrap(), ("UBND".to_string(), vec!["11953".to_string(), "11977".to_string()]));
/// assert!(check_new_token(Role::Editor, &[], "x", |_| true).is_err());
/// assert!(check_new_token(Role::Reader, &["11953".into()], "x", |_| true).is_err());
/// ```
pub fn check_new_token(
    role: Role, communes: &[String], name: &str, commune_exists: impl Fn(&str) -> bool,
) -> Result<(String, Vec<String>), String> {
    let name = crate::text::normalize_name(name);
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err("a token needs a name of 1–200 characters (who holds it)".into());
    }
    let mut communes: Vec<String> = communes.iter().map(|c| c.trim().to_owned()).collect();
    communes.sort();
    communes.dedup();
    match role {
        Role::Editor if communes.is_empty() => {
            return Err("an editor token needs the communes it may write in".into())
        }
        Role::Editor => {}
        _ if !communes.is_empty() => {
            return Err(format!(
                "only editor tokens are limited to communes; a {} token acts province-wide",
                role.as_str()
            ))
        }
        _ => {}
    }
    if role == Role::PaymentPlatform && !crate::parking::is_platform_id(&name) {
        return Err(
            "a payment platform's token is named with the platform's id (1–64 of a–z, 0–9, _ and -, e.g. napas): payments it reports carry that name"
                .into(),
        );
    }
    if let Some(bad) = communes
        .iter()
        .find(|c| !crate::commune::is_commune_code(c) || !commune_exists(c))
    {
        return Err(format!("{bad:?} is not the code of a loaded commune"));
    }
    Ok((name, communes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(role: Role, communes: &[&str]) -> Actor {
        Actor::Token(TokenInfo {
            id: 1,
            name: "t".into(),
            role,
            communes: communes.iter().map(|c| c.to_string()).collect(),
            created_at: String::new(),
            revoked_at: None,
        })
    }

    #[test]
    fn editors_write_only_in_their_communes() {
        let editor = token(Role::Editor, &["11953", "11977"]);
        assert!(editor.can_write_in("11953"));
        assert!(!editor.can_write_in("12000"));
        assert!(!editor.can_certify());
        assert!(token(Role::Reviewer, &[]).can_write_in("12000"));
        assert!(!token(Role::Reader, &[]).can_write_in("11953"));
        assert!(!Actor::Anonymous.can_read_all());
        assert!(token(Role::Admin, &[]).can_admin());
        assert!(!token(Role::Reviewer, &[]).can_admin());
    }
}
