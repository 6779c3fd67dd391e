//! Accounts use cases: create, list and disable accounts; set a password from a single-use
//! link; authenticate by e-mail and password; API keys; sessions with idle and absolute
//! timeouts; TOTP second factor.
//!
//! Secrets never reach the database in clear: passwords are argon2id hashes, links and
//! session cookies are stored as SHA-256, API keys as HMAC-SHA256 with a pepper kept in the
//! server's environment ([`Security`]). Failures that could tell an attacker whether an
//! account exists all give the same French message after the same work.
//!
//! The web pages (login form, CSRF checks, rate limiting) use these functions; they come with
//! the back office.

use std::sync::{Arc, Mutex};

use obs_auth::{ApiKeyPepper, NewPassword, PasswordHasher, SecretToken, TokenHash, TotpSecret};
use obs_store::accounts::{self, NewUser, TokenPurpose, User};
/// The role names accounts are created with (parsed once at the storage edge).
pub use obs_store::accounts::RoleName;
use obs_store::{api_keys, audit, sessions};
use time::{Duration, OffsetDateTime};

use crate::App;
use crate::error::{AppError, Result};
use crate::policy::{Account, Action, Actor, Assignments, Ministries, Resource, Role, authorize};

/// How long a set-password link stays valid.
pub const LINK_VALIDITY: Duration = Duration::hours(1);
/// Longest validity of an API key.
pub const MAX_KEY_VALIDITY: Duration = Duration::days(366);
/// Validity of an API key created without an explicit end.
pub const DEFAULT_KEY_VALIDITY: Duration = Duration::days(90);

/// The one answer to a failed login, whatever the reason (unknown e-mail, wrong password,
/// disabled account, no password yet), so that it tells nothing about the account.
pub const LOGIN_REFUSED: &str = "adresse électronique ou mot de passe incorrect";
const LINK_REFUSED: &str = "ce lien n'est pas valable : il a déjà servi, a expiré ou n'existe pas ; demandez-en un nouveau";
const KEY_REFUSED: &str = "clé d'API invalide, révoquée ou expirée";

/// The current time, real or (in tests) set by hand, so expiry can be tested without waiting.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<Mutex<OffsetDateTime>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stays at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: OffsetDateTime) -> Clock {
        Clock(Some(Arc::new(Mutex::new(start))))
    }

    /// Now.
    pub fn now(&self) -> OffsetDateTime {
        match &self.0 {
            None => OffsetDateTime::now_utc(),
            Some(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward (no effect on the system clock).
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.0 {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            *t += by;
        }
    }
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    /// Two hours idle, twelve hours in all (a working day).
    fn default() -> Self {
        SessionPolicy { idle: Duration::hours(2), absolute: Duration::hours(12) }
    }
}

/// The security settings the accounts use cases need, read once at start by the binary and
/// passed explicitly.
#[derive(Debug, Clone)]
pub struct Security {
    /// Password hashing cost.
    pub hasher: PasswordHasher,
    /// The API-key pepper; API keys are refused without one.
    pub pepper: Option<ApiKeyPepper>,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// The time.
    pub clock: Clock,
}

impl Security {
    /// Production settings: production argon2 cost, default session lifetimes, system clock.
    pub fn new(pepper: Option<ApiKeyPepper>) -> Security {
        Security { hasher: PasswordHasher::production(), pepper, sessions: SessionPolicy::default(), clock: Clock::system() }
    }

    /// Cheap hashing, a fixed pepper and a manual clock: for tests only.
    pub fn for_tests(clock: Clock) -> Security {
        Security {
            hasher: PasswordHasher::cheap_for_tests(),
            pepper: ApiKeyPepper::new("poivre de test, jamais utilisé en production"),
            sessions: SessionPolicy::default(),
            clock,
        }
    }

    fn pepper(&self) -> Result<&ApiKeyPepper> {
        self.pepper.as_ref().ok_or_else(|| AppError::Refused("les clés d'API ne sont pas activées sur ce serveur (OBSERVATOIRE_API_KEY_PEPPER non défini)".into()))
    }
}

/// A new account, as typed by an administrator.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// E-mail (any case).
    pub email: String,
    /// Role.
    pub role: RoleName,
    /// Ministry labels, required for `ministere` and refused otherwise.
    pub ministries: Vec<String>,
    /// The password, when set at creation; otherwise a set-password link is issued.
    pub password: Option<String>,
}

/// An account as listed (no secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountSummary {
    /// E-mail.
    pub email: String,
    /// Role.
    pub role: RoleName,
    /// Ministries.
    pub ministries: Vec<String>,
    /// Disabled.
    pub disabled: bool,
    /// Whether a password is set.
    pub password_set: bool,
    /// Whether a TOTP second factor is enrolled.
    pub totp: bool,
    /// Creation instant (RFC 3339).
    pub created_at: String,
}

impl From<&User> for AccountSummary {
    fn from(u: &User) -> Self {
        AccountSummary {
            email: u.email.clone(),
            role: u.role,
            ministries: u.ministries.clone(),
            disabled: u.disabled,
            password_set: u.password_hash.is_some(),
            totp: u.totp_secret.is_some(),
            created_at: accounts::instant_text(u.created_at),
        }
    }
}

/// A single-use link's secret, to put in the link given to the person.
#[derive(Debug, Clone)]
pub struct PasswordLink {
    /// The secret (the `jeton` parameter of the link).
    pub token: String,
    /// End of validity.
    pub expires_at: OffsetDateTime,
}

/// What [`App::create_user`] returns.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The account.
    pub account: AccountSummary,
    /// The set-password link, when no password was given.
    pub link: Option<PasswordLink>,
}

/// An issued API key: the only moment the full key exists.
#[derive(Debug, Clone)]
pub struct IssuedApiKey {
    /// Public identifier.
    pub prefix: String,
    /// The full key, to show once.
    pub key: String,
    /// End of validity.
    pub expires_at: OffsetDateTime,
}

/// An API key as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiKeySummary {
    /// Public identifier.
    pub prefix: String,
    /// Label.
    pub label: String,
    /// Creation (RFC 3339).
    pub created_at: String,
    /// End of validity (RFC 3339).
    pub expires_at: String,
    /// Revocation (RFC 3339), if revoked.
    pub revoked_at: Option<String>,
    /// Last use (RFC 3339).
    pub last_used_at: Option<String>,
}

/// A new session: the cookie's secret and the CSRF token of its forms.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    /// The cookie's value (only its hash is stored).
    pub cookie: String,
    /// The token forms of this session must carry.
    pub csrf: String,
    /// Absolute end.
    pub expires_at: OffsetDateTime,
}

/// A live session, resolved from its cookie.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// The signed-in person.
    pub actor: Actor,
    /// The session's CSRF token.
    pub csrf: String,
    /// Absolute end.
    pub expires_at: OffsetDateTime,
}

/// Lower-cases and checks an e-mail address (one `@`, a dotted domain, no space, at most 254
/// characters); the French error names the address.
pub fn normalize_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    let valid = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|part| !part.is_empty())
        });
    if valid { Ok(e) } else { Err(AppError::Invalid(format!("adresse électronique « {} » invalide", email.trim()))) }
}

/// The policy's view of a stored account.
fn account_of(user: &User) -> Result<Account> {
    let role = match user.role {
        RoleName::Admin => Role::Admin,
        RoleName::Lecteur => Role::Lecteur,
        // Assignments come with the test campaigns; until then a tester is assigned nothing.
        RoleName::Testeur => Role::Testeur(Assignments::default()),
        RoleName::Ministere => Role::Ministere(
            Ministries::new(user.ministries.iter().cloned())
                .ok_or_else(|| AppError::Internal(format!("le compte {} (ministère) n'a aucun ministère", user.email)))?,
        ),
    };
    Ok(Account { id: user.id, email: user.email.clone(), role })
}

fn password(p: &str) -> Result<NewPassword> {
    NewPassword::parse(p).map_err(|e| AppError::Invalid(e.to_string()))
}

fn crypto(e: obs_auth::CryptoError) -> AppError {
    AppError::Internal(e.to_string())
}

fn summary_of_key(k: &api_keys::ApiKey) -> ApiKeySummary {
    ApiKeySummary {
        prefix: k.prefix.clone(),
        label: k.label.clone(),
        created_at: accounts::instant_text(k.created_at),
        expires_at: accounts::instant_text(k.expires_at),
        revoked_at: k.revoked_at.map(accounts::instant_text),
        last_used_at: k.last_used_at.map(accounts::instant_text),
    }
}

impl App {
    /// Creates an account. A `ministere` account needs at least one ministry, each the exact
    /// label of a ministry of the catalogue; other roles take none. With a password, it is
    /// checked against the policy and stored hashed; without, a one-hour set-password link
    /// is returned.
    pub async fn create_user(&self, actor: &Actor, security: &Security, input: NewAccount) -> Result<CreatedAccount> {
        authorize(actor, Action::ManageAccounts, Resource::Observatory)?;
        let email = normalize_email(&input.email)?;
        let mut ministries: Vec<String> = input.ministries.iter().map(|m| m.trim().to_string()).collect();
        ministries.sort();
        ministries.dedup();
        match input.role {
            RoleName::Ministere if ministries.is_empty() => {
                return Err(AppError::Invalid("un compte « ministere » doit être rattaché à au moins un ministère (--ministere)".into()));
            }
            RoleName::Ministere => {
                let known = accounts::catalogue_ministries(self.store.conn().await?.conn()).await?;
                if let Some(unknown) = ministries.iter().find(|m| !known.contains(m)) {
                    return Err(AppError::Invalid(format!(
                        "ministère « {unknown} » inconnu du catalogue : indiquez son libellé complet, tel qu'il figure dans le catalogue"
                    )));
                }
            }
            other if !ministries.is_empty() => {
                return Err(AppError::Invalid(format!("le rôle « {other} » ne se rattache à aucun ministère : retirez --ministere")));
            }
            _ => {}
        }
        let hash = match &input.password {
            Some(p) => Some(security.hasher.hash(&password(p)?).map_err(crypto)?),
            None => None,
        };
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let new = NewUser { email: &email, role: input.role, ministries: &ministries, password_hash: hash.as_deref() };
        let id = accounts::insert(tx.conn(), &new, now).await?;
        let link = match hash {
            Some(_) => None,
            None => Some(issue_link(&mut tx, id, TokenPurpose::SetPassword, now).await?),
        };
        let detail = match ministries.is_empty() {
            true => format!("rôle {}", input.role),
            false => format!("rôle {} ; ministères : {}", input.role, ministries.join(" | ")),
        };
        audit::record(tx.conn(), &actor.audit_name(), "compte.creation", &format!("compte:{email}"), &detail).await?;
        let user = accounts::by_id(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(CreatedAccount { account: AccountSummary::from(&user), link })
    }

    /// Every account, by e-mail.
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<AccountSummary>> {
        authorize(actor, Action::ManageAccounts, Resource::Observatory)?;
        let users = accounts::list(self.store.conn().await?.conn()).await?;
        Ok(users.iter().map(AccountSummary::from).collect())
    }

    /// Disables an account: it can no longer sign in, its sessions end, its API keys and
    /// unused links are revoked. Disabling a disabled account is refused.
    pub async fn disable_user(&self, actor: &Actor, security: &Security, email: &str) -> Result<AccountSummary> {
        authorize(actor, Action::ManageAccounts, Resource::Observatory)?;
        let email = normalize_email(email)?;
        if actor.account().is_some_and(|a| a.email == email) {
            return Err(AppError::Refused("vous ne pouvez pas désactiver votre propre compte".into()));
        }
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let user = accounts::by_email(tx.conn(), &email).await?.ok_or_else(|| AppError::NotFound(format!("compte {email}")))?;
        if user.disabled {
            return Err(AppError::Refused(format!("le compte {email} est déjà désactivé")));
        }
        accounts::set_disabled(tx.conn(), user.id, true, now).await?;
        let ended = sessions::delete_for_user(tx.conn(), user.id).await?;
        let revoked = api_keys::revoke_for_user(tx.conn(), user.id, now).await?;
        accounts::void_tokens(tx.conn(), user.id, now).await?;
        audit::record(
            tx.conn(),
            &actor.audit_name(),
            "compte.desactivation",
            &format!("compte:{email}"),
            &format!("{ended} session(s) fermée(s), {revoked} clé(s) d'API révoquée(s)"),
        )
        .await?;
        let user = accounts::by_id(tx.conn(), user.id).await?;
        tx.commit().await?;
        Ok(AccountSummary::from(&user))
    }

    /// Issues a new one-hour link to set the password of an account (replacing its unused
    /// links), e.g. when the person lost the first one or forgot the password.
    pub async fn create_password_link(&self, actor: &Actor, security: &Security, email: &str) -> Result<PasswordLink> {
        authorize(actor, Action::ManageAccounts, Resource::Observatory)?;
        let email = normalize_email(email)?;
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let user = accounts::by_email(tx.conn(), &email).await?.ok_or_else(|| AppError::NotFound(format!("compte {email}")))?;
        if user.disabled {
            return Err(AppError::Refused(format!("le compte {email} est désactivé")));
        }
        accounts::void_tokens(tx.conn(), user.id, now).await?;
        let purpose = if user.password_hash.is_some() { TokenPurpose::ResetPassword } else { TokenPurpose::SetPassword };
        let link = issue_link(&mut tx, user.id, purpose, now).await?;
        audit::record(tx.conn(), &actor.audit_name(), "compte.lien_mot_de_passe", &format!("compte:{email}"), "lien valable une heure").await?;
        tx.commit().await?;
        Ok(link)
    }

    /// Sets a password from a single-use link. The password is checked first, so a refused
    /// password does not use up the link; the link then works once, within its hour.
    pub async fn set_password_with_token(&self, security: &Security, token: &str, new_password: &str) -> Result<()> {
        let new_password = password(new_password)?;
        let hash = security.hasher.hash(&new_password).map_err(crypto)?;
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let user_id = accounts::take_token(tx.conn(), TokenHash::of(token).as_str(), now)
            .await?
            .ok_or_else(|| AppError::Refused(LINK_REFUSED.into()))?;
        let user = accounts::by_id(tx.conn(), user_id).await?;
        if user.disabled {
            return Err(AppError::Refused(LINK_REFUSED.into()));
        }
        accounts::set_password_hash(tx.conn(), user.id, &hash, now).await?;
        // A new password ends the sessions opened with the old one.
        sessions::delete_for_user(tx.conn(), user.id).await?;
        let subject = format!("compte:{}", user.email);
        audit::record(tx.conn(), &subject, "compte.mot_de_passe", &subject, "mot de passe défini par lien à usage unique").await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks an e-mail and password. Every failure (unknown e-mail, no password yet,
    /// disabled account, wrong password) costs one argon2 verification and gives
    /// [`LOGIN_REFUSED`]. Returns the signed-in person.
    pub async fn authenticate(&self, security: &Security, email: &str, password: &str) -> Result<Actor> {
        let user = match normalize_email(email) {
            Ok(e) => accounts::by_email(self.store.conn().await?.conn(), &e).await?,
            Err(_) => None,
        };
        let ok = match user.as_ref().and_then(|u| u.password_hash.as_deref().map(|h| (u, h))) {
            Some((u, hash)) => security.hasher.verify(password, hash) && !u.disabled,
            None => security.hasher.verify_dummy(password),
        };
        match user {
            Some(u) if ok => Ok(Actor::User(account_of(&u)?)),
            _ => Err(AppError::Refused(LOGIN_REFUSED.into())),
        }
    }

    /// Whether the signed-in person has a TOTP second factor (admins must).
    pub async fn totp_enrolled(&self, actor: &Actor) -> Result<bool> {
        let account = actor.account().ok_or_else(|| AppError::Forbidden("réservé aux personnes connectées".into()))?;
        Ok(accounts::by_id(self.store.conn().await?.conn(), account.id).await?.totp_secret.is_some())
    }

    /// Enrols a TOTP second factor for the signed-in person: `secret` is the base32 secret
    /// shown on the enrolment page, `code` the first code the app gave.
    pub async fn enrol_totp(&self, actor: &Actor, security: &Security, secret: &str, code: &str) -> Result<()> {
        let Actor::User(account) = actor else {
            return Err(AppError::Forbidden("seule la personne connectée peut enrôler son second facteur".into()));
        };
        let secret = TotpSecret::from_base32(secret).ok_or_else(|| AppError::Invalid("secret TOTP invalide".into()))?;
        let now = security.clock.now();
        let step = secret.verify(code, now.unix_timestamp(), None).ok_or_else(|| AppError::Invalid("code incorrect : saisissez le code à six chiffres affiché par l'application".into()))?;
        let mut tx = self.store.begin().await?;
        accounts::set_totp(tx.conn(), account.id, Some(&secret.to_base32()), Some(step), now).await?;
        audit::record(tx.conn(), &actor.audit_name(), "compte.totp", &format!("compte:{}", account.email), "second facteur enrôlé").await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a TOTP code of a person who passed the password step. A code is accepted once:
    /// replaying it (or an earlier one) is refused.
    pub async fn verify_totp(&self, actor: &Actor, security: &Security, code: &str) -> Result<()> {
        let refused = || AppError::Refused("code de vérification incorrect".into());
        let account = actor.account().ok_or_else(refused)?;
        let mut tx = self.store.begin().await?;
        let user = accounts::by_id(tx.conn(), account.id).await?;
        let secret = user.totp_secret.as_deref().and_then(TotpSecret::from_base32).ok_or_else(refused)?;
        let step = secret.verify(code, security.clock.now().unix_timestamp(), user.totp_last_step).ok_or_else(refused)?;
        if user.disabled || !accounts::advance_totp_step(tx.conn(), user.id, step).await? {
            return Err(refused());
        }
        tx.commit().await?;
        Ok(())
    }

    /// Issues an API key to `owner` (an e-mail; the signed-in person when `None`). People
    /// issue keys to themselves; issuing to someone else needs account management. A key
    /// cannot issue keys. The validity defaults to 90 days and cannot exceed 366.
    pub async fn create_api_key(&self, actor: &Actor, security: &Security, owner: Option<&str>, label: &str, expires_at: Option<OffsetDateTime>) -> Result<IssuedApiKey> {
        let pepper = security.pepper()?;
        let user = self.key_owner(actor, owner).await?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(AppError::Invalid("le libellé de la clé est obligatoire (100 caractères au plus)".into()));
        }
        let now = security.clock.now();
        let expires_at = expires_at.unwrap_or(now + DEFAULT_KEY_VALIDITY);
        if expires_at <= now || expires_at > now + MAX_KEY_VALIDITY {
            return Err(AppError::Invalid("la date de fin de validité doit être dans l'avenir, à un an au plus".into()));
        }
        if user.disabled {
            return Err(AppError::Refused(format!("le compte {} est désactivé", user.email)));
        }
        let issued = pepper.issue().map_err(crypto)?;
        let mut tx = self.store.begin().await?;
        let new = api_keys::NewApiKey { user_id: user.id, prefix: &issued.prefix, hash: &issued.hash, label, expires_at };
        api_keys::insert(tx.conn(), &new, now).await?;
        audit::record(
            tx.conn(),
            &actor.audit_name(),
            "cle_api.creation",
            &format!("compte:{}", user.email),
            &format!("clé {} « {label} » valable jusqu'au {}", issued.prefix, accounts::instant_text(expires_at)),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedApiKey { prefix: issued.prefix, key: issued.key, expires_at })
    }

    /// The API keys of `owner` (the signed-in person when `None`), newest first.
    pub async fn list_api_keys(&self, actor: &Actor, owner: Option<&str>) -> Result<Vec<ApiKeySummary>> {
        let user = self.key_owner(actor, owner).await?;
        let keys = api_keys::for_user(self.store.conn().await?.conn(), user.id).await?;
        Ok(keys.iter().map(summary_of_key).collect())
    }

    /// Revokes a key by its prefix: its owner or an account manager may.
    pub async fn revoke_api_key(&self, actor: &Actor, security: &Security, prefix: &str) -> Result<()> {
        let key = api_keys::by_prefix(self.store.conn().await?.conn(), prefix)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("clé d'API {prefix}")))?;
        let own = matches!(actor, Actor::User(a) if a.id == key.user_id);
        if !own {
            authorize(actor, Action::ManageAccounts, Resource::Observatory)?;
        }
        let mut tx = self.store.begin().await?;
        if !api_keys::revoke(tx.conn(), key.id, security.clock.now()).await? {
            return Err(AppError::Refused(format!("la clé {prefix} est déjà révoquée")));
        }
        let owner = accounts::by_id(tx.conn(), key.user_id).await?;
        audit::record(tx.conn(), &actor.audit_name(), "cle_api.revocation", &format!("compte:{}", owner.email), &format!("clé {prefix}")).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns a presented API key into the caller it stands for. Unknown, malformed, revoked
    /// and expired keys, and keys of disabled accounts, all give one refusal.
    pub async fn resolve_api_key(&self, security: &Security, key: &str) -> Result<Actor> {
        let pepper = security.pepper()?;
        let refused = || AppError::Refused(KEY_REFUSED.into());
        let prefix = obs_auth::api_key::prefix_of(key).ok_or_else(refused)?;
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let stored = api_keys::by_prefix(tx.conn(), prefix).await?.ok_or_else(refused)?;
        if !pepper.verify(key, &stored.hash) || stored.revoked_at.is_some() || stored.expires_at <= now {
            return Err(refused());
        }
        let user = accounts::by_id(tx.conn(), stored.user_id).await?;
        if user.disabled {
            return Err(refused());
        }
        api_keys::touch(tx.conn(), stored.id, now).await?;
        tx.commit().await?;
        Ok(Actor::ApiClient { key: stored.prefix, account: account_of(&user)? })
    }

    /// Opens a session for a person who just signed in (after the second factor, if any).
    pub async fn open_session(&self, actor: &Actor, security: &Security) -> Result<OpenedSession> {
        let Actor::User(account) = actor else {
            return Err(AppError::Forbidden("seule une personne connectée ouvre une session".into()));
        };
        let cookie = SecretToken::generate().map_err(crypto)?;
        let csrf = SecretToken::generate().map_err(crypto)?;
        let now = security.clock.now();
        let expires_at = now + security.sessions.absolute;
        let mut tx = self.store.begin().await?;
        let data = serde_json::json!({ "csrf": csrf.secret() });
        sessions::insert(tx.conn(), cookie.hash().as_str(), account.id, now, expires_at, &data).await?;
        audit::record(tx.conn(), &actor.audit_name(), "compte.connexion", &format!("compte:{}", account.email), "").await?;
        tx.commit().await?;
        Ok(OpenedSession { cookie: cookie.secret().to_string(), csrf: csrf.secret().to_string(), expires_at })
    }

    /// The live session of a cookie, touched; `None` (and the session deleted) when unknown,
    /// idle too long, past its absolute end, or of a disabled account.
    pub async fn session(&self, security: &Security, cookie: &str) -> Result<Option<LiveSession>> {
        let id = TokenHash::of(cookie);
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(s) = sessions::get(tx.conn(), id.as_str()).await? else { return Ok(None) };
        let user = accounts::by_id(tx.conn(), s.user_id).await?;
        if now >= s.expires_at || now - s.last_seen_at >= security.sessions.idle || user.disabled {
            sessions::delete(tx.conn(), id.as_str()).await?;
            tx.commit().await?;
            return Ok(None);
        }
        // Activity is recorded at most once a minute, to spare writes.
        if now - s.last_seen_at >= Duration::minutes(1) {
            sessions::touch(tx.conn(), id.as_str(), now).await?;
        }
        tx.commit().await?;
        let csrf = s.data.get("csrf").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        Ok(Some(LiveSession { actor: Actor::User(account_of(&user)?), csrf, expires_at: s.expires_at }))
    }

    /// Logs out: ends the session of this cookie.
    pub async fn close_session(&self, cookie: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        sessions::delete(tx.conn(), TokenHash::of(cookie).as_str()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// "Log out everywhere": ends every session of the signed-in person; returns how many.
    pub async fn close_all_sessions(&self, actor: &Actor) -> Result<u64> {
        let Actor::User(account) = actor else {
            return Err(AppError::Forbidden("réservé aux personnes connectées".into()));
        };
        let mut tx = self.store.begin().await?;
        let n = sessions::delete_for_user(tx.conn(), account.id).await?;
        audit::record(tx.conn(), &actor.audit_name(), "compte.deconnexion_partout", &format!("compte:{}", account.email), &format!("{n} session(s) fermée(s)")).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Deletes ended sessions (for a periodic job); returns how many.
    pub async fn purge_sessions(&self, security: &Security) -> Result<u64> {
        let now = security.clock.now();
        let mut tx = self.store.begin().await?;
        let n = sessions::delete_expired(tx.conn(), now, now - security.sessions.idle).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn key_owner(&self, actor: &Actor, owner: Option<&str>) -> Result<User> {
        if matches!(actor, Actor::ApiClient { .. }) {
            return Err(AppError::Forbidden("une clé d'API ne peut pas gérer les clés d'API".into()));
        }
        let conn = || async { self.store.conn().await };
        match (owner, actor) {
            (None, Actor::User(a)) => Ok(accounts::by_id(conn().await?.conn(), a.id).await?),
            (None, _) => Err(AppError::Invalid("indiquez le compte titulaire de la clé".into())),
            (Some(email), _) => {
                let email = normalize_email(email)?;
                if actor.account().is_none_or(|a| a.email != email) {
                    authorize(actor, Action::ManageAccounts, Resource::Observatory)?;
                }
                accounts::by_email(conn().await?.conn(), &email).await?.ok_or_else(|| AppError::NotFound(format!("compte {email}")))
            }
        }
    }
}

async fn issue_link(tx: &mut obs_store::Tx, user_id: i64, purpose: TokenPurpose, now: OffsetDateTime) -> Result<PasswordLink> {
    let token = SecretToken::generate().map_err(crypto)?;
    let expires_at = now + LINK_VALIDITY;
    accounts::insert_token(tx.conn(), token.hash().as_str(), user_id, purpose, now, expires_at).await?;
    Ok(PasswordLink { token: token.secret().to_string(), expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(normalize_email("  Anne.Martin@Exemple.GOUV.fr ").unwrap(), "anne.martin@exemple.gouv.fr");
        for bad in ["", "anne", "anne@", "@exemple.fr", "anne@exemple", "anne@@exemple.fr", "an ne@exemple.fr", "anne@exemple..fr", "a@b.fr,c@d.fr"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = time::macros::datetime!(2026-10-01 08:00 UTC);
        let c = Clock::manual(start);
        assert_eq!(c.now(), start);
        c.advance(Duration::minutes(61));
        assert_eq!(c.now(), start + Duration::minutes(61));
    }
}
