//! Who may do what, to which thing. Every use case that reads unpublished data or writes asks
//! this module, with the resource in hand: `authorize(actor, action, resource)`.
//!
//! The resource is part of the decision so that scoped roles stay scoped: a ministry's contact
//! acts on its own ministries' démarches only, a tester on the démarches assigned to them. Use
//! cases build the [`Resource`] from the row they are about to read or write (never from an id
//! taken from the request alone), so a forged id in a URL or a form meets the same check.
//!
//! Published figures (frozen revisions) and the démarche records of the catalogue are public:
//! everyone may read them. Everything else is decided by the actor's [`Role`].
//!
//! There is no login here: the web layer (and, later, sessions and API keys) turns a request
//! into an [`Actor`]; the command line acts as [`Actor::Operator`].

use std::collections::BTreeSet;

use obs_domain::EditionState;

use crate::error::{AppError, Result};

/// The identifier of a démarche in the catalogue.
pub type DemarcheId = i64;

/// The caller of a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An anonymous visitor of the public site or API.
    Public,
    /// The observatory team working from the command line (the operator of the machine).
    Operator(String),
    /// A person signed in to the back office.
    User(Account),
    /// A program calling the API with a key issued to a person: it acts with that person's
    /// rights, except managing accounts (a leaked key must not be able to create accounts).
    ApiClient {
        /// The public identifier of the key (never the secret), for the audit log.
        key: String,
        /// The person the key was issued to.
        account: Account,
    },
}

/// A person with a back-office account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Database identifier.
    pub id: i64,
    /// Login e-mail, shown in the audit log.
    pub email: String,
    /// What the person may do.
    pub role: Role,
}

/// The role of an account, with its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The observatory team: everything.
    Admin,
    /// A ministry's contact: its own démarches, services and proposals only.
    Ministere(Ministries),
    /// A tester: the démarches assigned to them.
    Testeur(Assignments),
    /// Read-only back-office access (ministers' offices, partners), drafts included.
    Lecteur,
}

/// The ministries a `ministere` account speaks for (full labels, as in the catalogue); never
/// empty, since a ministry contact scoped to nothing is a mistake, not a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ministries(BTreeSet<String>);

impl Ministries {
    /// The scope, or `None` when `names` is empty.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Option<Ministries> {
        let set: BTreeSet<String> = names.into_iter().map(Into::into).collect();
        (!set.is_empty()).then_some(Ministries(set))
    }

    /// Whether `ministry` is one of them (a démarche without ministry belongs to nobody).
    pub fn covers(&self, ministry: Option<&str>) -> bool {
        ministry.is_some_and(|m| self.0.contains(m))
    }

    /// The labels, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// The démarches assigned to a tester (possibly none yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignments(BTreeSet<DemarcheId>);

impl Assignments {
    /// Assignments to these démarches.
    pub fn new(ids: impl IntoIterator<Item = DemarcheId>) -> Assignments {
        Assignments(ids.into_iter().collect())
    }

    /// Whether the tester is assigned démarche `id`.
    pub fn covers(&self, id: DemarcheId) -> bool {
        self.0.contains(&id)
    }
}

impl Actor {
    /// The name written in the audit log.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Public => "public".to_string(),
            Actor::Operator(name) => format!("cli:{name}"),
            Actor::User(a) => format!("compte:{}", a.email),
            Actor::ApiClient { key, account } => format!("api:{key}:{}", account.email),
        }
    }

    /// The account behind a signed-in person or an API client.
    pub fn account(&self) -> Option<&Account> {
        match self {
            Actor::User(a) | Actor::ApiClient { account: a, .. } => Some(a),
            Actor::Public | Actor::Operator(_) => None,
        }
    }

    /// Whether the caller is identified (anyone but the anonymous public).
    pub fn is_identified(&self) -> bool {
        !matches!(self, Actor::Public)
    }

    /// Whether the caller belongs to the observatory team (operator or admin account).
    pub fn is_team(&self) -> bool {
        matches!(self, Actor::Operator(_)) || self.account().is_some_and(|a| a.role == Role::Admin)
    }
}

/// An action subject to a permission. Each one is named for what the next capabilities do:
/// accounts and consultation (issue 7), feedback (8), probes and campaigns (9), notes (10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the resource (published figures are open to all; drafts depend on the role).
    Read,
    /// Create editions, import values, move an edition through its states, publish, correct.
    ManageEditions,
    /// Propose a value for a row while the edition is in consultation.
    ProposeValue,
    /// Comment on a démarche or an edition row.
    Comment,
    /// Change the catalogue: create, rename, move, merge démarches, enter or leave the list.
    ManageCatalogue,
    /// Propose a démarche to enter the observatory.
    ProposeDemarche,
    /// Create, disable or change accounts and API keys.
    ManageAccounts,
    /// Read the audit log.
    ReadAudit,
    /// Create or change a feedback service and its buttons.
    ManageService,
    /// Read a feedback service's statistics and comments.
    ReadFeedback,
    /// Create test grids and campaigns, assign testers, validate answers.
    ManageCampaigns,
    /// Record test results on a démarche.
    RecordTest,
}

/// Which figures of an edition are touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A frozen, published revision: public.
    Frozen,
    /// The live (draft) figures of an edition in this state.
    Live(EditionState),
}

/// A démarche as the policy sees it: its id and its ministry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemarcheScope<'a> {
    /// Catalogue identifier.
    pub id: DemarcheId,
    /// The ministry it belongs to, if known.
    pub ministry: Option<&'a str>,
}

/// The thing an action applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// The observatory as a whole: the list of editions, rule sets, the catalogue, accounts,
    /// the audit log.
    Observatory,
    /// An edition as a whole (its whole table).
    Edition(Stage),
    /// A démarche's catalogue record (public) and what hangs on it (comments, tests).
    Demarche(DemarcheScope<'a>),
    /// One démarche's row in an edition.
    Row {
        /// Frozen or live figures.
        stage: Stage,
        /// The démarche of the row.
        demarche: DemarcheScope<'a>,
    },
    /// A feedback service, owned by a ministry (or by nobody yet).
    Service {
        /// The owning ministry.
        ministry: Option<&'a str>,
    },
    /// A test campaign as a whole.
    Campaign,
    /// One ministry's space: its proposals, its notes, its follow-up.
    Ministry(&'a str),
}

impl Resource<'_> {
    /// Public data: published revisions and catalogue records.
    fn is_public(self) -> bool {
        matches!(
            self,
            Resource::Edition(Stage::Frozen) | Resource::Row { stage: Stage::Frozen, .. } | Resource::Demarche(_)
        )
    }
}

/// Checks that `actor` may perform `action` on `resource`; the refusal is a French
/// [`AppError::Forbidden`].
pub fn authorize(actor: &Actor, action: Action, resource: Resource<'_>) -> Result<()> {
    if permits(actor, action, resource) { Ok(()) } else { Err(AppError::Forbidden(refusal(actor, action, resource).into())) }
}

/// The decision, as a boolean (for filtering lists).
pub fn permits(actor: &Actor, action: Action, resource: Resource<'_>) -> bool {
    if action == Action::Read && resource.is_public() {
        return true;
    }
    match actor {
        // The public form of issue 10 lets anyone propose a démarche, without an account.
        Actor::Public => action == Action::ProposeDemarche && resource == Resource::Observatory,
        Actor::Operator(_) => true,
        Actor::User(a) => a.role.permits(action, resource),
        Actor::ApiClient { account, .. } => action != Action::ManageAccounts && account.role.permits(action, resource),
    }
}

impl Role {
    fn permits(&self, action: Action, resource: Resource<'_>) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Lecteur => matches!(action, Read | ReadFeedback),
            Role::Ministere(m) => match (action, resource) {
                // Live rows are shown to the ministry once the team opens the consultation.
                (Read | ProposeValue | Comment, Resource::Row { stage: Stage::Live(EditionState::Consultation), demarche }) => {
                    m.covers(demarche.ministry)
                }
                (Comment, Resource::Row { stage: Stage::Frozen, demarche } | Resource::Demarche(demarche)) => m.covers(demarche.ministry),
                (Read | ProposeDemarche, Resource::Ministry(name)) => m.covers(Some(name)),
                (ManageService | ReadFeedback, Resource::Service { ministry }) => m.covers(ministry),
                _ => false,
            },
            Role::Testeur(assigned) => match (action, resource) {
                (Read, Resource::Row { demarche, .. }) | (RecordTest, Resource::Demarche(demarche)) => assigned.covers(demarche.id),
                _ => false,
            },
        }
    }
}

fn refusal(actor: &Actor, action: Action, resource: Resource<'_>) -> &'static str {
    match (actor, action, resource) {
        (Actor::Public, Action::Read, Resource::Edition(_) | Resource::Row { .. }) => "cette édition n'est pas encore publiée",
        (Actor::Public, _, _) => "réservé à l'équipe de l'observatoire",
        (Actor::ApiClient { .. }, Action::ManageAccounts, _) => "une clé d'API ne peut pas gérer les comptes",
        (
            _,
            _,
            Resource::Demarche(_) | Resource::Row { .. } | Resource::Service { .. } | Resource::Ministry(_),
        ) => "cette ressource ne relève pas de votre périmètre",
        _ => "votre rôle ne permet pas cette action",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "Ministère A";
    const OTHER: &str = "Ministère B";

    fn account(role: Role) -> Account {
        Account { id: 7, email: "agent@exemple.gouv.fr".into(), role }
    }

    fn ministere() -> Role {
        Role::Ministere(Ministries::new([OWN]).unwrap())
    }

    fn testeur() -> Role {
        // Assigned démarche 1 (of the own ministry), not 2 nor 3.
        Role::Testeur(Assignments::new([1]))
    }

    /// The columns of the table: resources of the own ministry, another ministry, and none.
    fn resources() -> Vec<(&'static str, Resource<'static>)> {
        let own = DemarcheScope { id: 1, ministry: Some(OWN) };
        let other = DemarcheScope { id: 2, ministry: Some(OTHER) };
        let none = DemarcheScope { id: 3, ministry: None };
        let cons = Stage::Live(EditionState::Consultation);
        let draft = Stage::Live(EditionState::Brouillon);
        vec![
            ("observatoire", Resource::Observatory),
            ("édition publiée", Resource::Edition(Stage::Frozen)),
            ("édition en consultation", Resource::Edition(cons)),
            ("édition en brouillon", Resource::Edition(draft)),
            ("démarche du ministère", Resource::Demarche(own)),
            ("démarche d'un autre ministère", Resource::Demarche(other)),
            ("démarche sans ministère", Resource::Demarche(none)),
            ("ligne du ministère, consultation", Resource::Row { stage: cons, demarche: own }),
            ("ligne d'un autre ministère, consultation", Resource::Row { stage: cons, demarche: other }),
            ("ligne sans ministère, consultation", Resource::Row { stage: cons, demarche: none }),
            ("ligne du ministère, brouillon", Resource::Row { stage: draft, demarche: own }),
            ("ligne du ministère, publiée", Resource::Row { stage: Stage::Frozen, demarche: own }),
            ("service du ministère", Resource::Service { ministry: Some(OWN) }),
            ("service d'un autre ministère", Resource::Service { ministry: Some(OTHER) }),
            ("service sans ministère", Resource::Service { ministry: None }),
            ("campagne", Resource::Campaign),
            ("espace du ministère", Resource::Ministry(OWN)),
            ("espace d'un autre ministère", Resource::Ministry(OTHER)),
        ]
    }

    const ACTIONS: [Action; 12] = [
        Action::Read,
        Action::ManageEditions,
        Action::ProposeValue,
        Action::Comment,
        Action::ManageCatalogue,
        Action::ProposeDemarche,
        Action::ManageAccounts,
        Action::ReadAudit,
        Action::ManageService,
        Action::ReadFeedback,
        Action::ManageCampaigns,
        Action::RecordTest,
    ];

    /// One grid per role: a line per action (in the order of `ACTIONS`), a character per
    /// resource (in the order of `resources()`): `x` allowed, `.` refused.
    #[rustfmt::skip]
    fn expected() -> Vec<(&'static str, Actor, [&'static str; 12])> {
        let all = "xxxxxxxxxxxxxxxxxx";
        let public_read = ".x..xxx....x......";
        let none = "..................";
        vec![
            ("public", Actor::Public, [
                public_read, none, none, none, none,
                "x.................", // ProposeDemarche: the public form, not a ministry's space
                none, none, none, none, none, none,
            ]),
            ("opérateur", Actor::Operator("x".into()), [all; 12]),
            ("admin", Actor::User(account(Role::Admin)), [all; 12]),
            ("lecteur", Actor::User(account(Role::Lecteur)), [
                all, none, none, none, none, none, none, none, none,
                all, // ReadFeedback
                none, none,
            ]),
            ("ministère", Actor::User(account(ministere())), [
                ".x..xxxx...x....x.", // Read: own live rows in consultation, own space, public data
                none,
                ".......x..........", // ProposeValue: own row in consultation only
                "....x..x...x......", // Comment: own démarche, own row in consultation or published
                none,
                "................x.", // ProposeDemarche: own ministry's space
                none, none,
                "............x.....", // ManageService
                "............x.....", // ReadFeedback
                none, none,
            ]),
            ("testeur", Actor::User(account(testeur())), [
                ".x..xxxx..xx......", // Read: assigned rows at any stage
                none, none, none, none, none, none, none, none, none, none,
                "....x.............", // RecordTest: assigned démarche only
            ]),
            ("client d'API d'un ministère", Actor::ApiClient { key: "k1".into(), account: account(ministere()) }, [
                ".x..xxxx...x....x.",
                none,
                ".......x..........",
                "....x..x...x......",
                none,
                "................x.",
                none, none,
                "............x.....",
                "............x.....",
                none, none,
            ]),
            ("client d'API d'un admin", Actor::ApiClient { key: "k2".into(), account: account(Role::Admin) }, [
                all, all, all, all, all, all,
                none, // ManageAccounts: never with a key
                all, all, all, all, all,
            ]),
        ]
    }

    #[test]
    fn every_role_action_and_resource() {
        let resources = resources();
        let mut wrong = Vec::new();
        for (role, actor, grid) in expected() {
            for (action, line) in ACTIONS.iter().zip(grid) {
                assert_eq!(line.len(), resources.len(), "{role} {action:?}: one character per resource");
                for ((name, resource), want) in resources.iter().zip(line.chars()) {
                    let got = authorize(&actor, *action, *resource);
                    if got.is_ok() != (want == 'x') {
                        wrong.push(format!("{role} / {action:?} / {name}: attendu {want}, obtenu {got:?}"));
                    }
                    if let Err(e) = got {
                        assert!(matches!(e, AppError::Forbidden(_)), "a refusal is Forbidden");
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{} cellule(s) fausse(s):\n{}", wrong.len(), wrong.join("\n"));
    }

    #[test]
    fn scopes_cannot_be_empty_or_foreign() {
        assert!(Ministries::new(Vec::<String>::new()).is_none(), "a ministry contact needs a ministry");
        let m = Ministries::new([OWN, OTHER]).unwrap();
        assert!(m.covers(Some(OTHER)) && !m.covers(None) && !m.covers(Some("Ministère C")));
        assert_eq!(m.names().collect::<Vec<_>>(), [OWN, OTHER]);
        assert!(!Assignments::default().covers(1));
    }

    #[test]
    fn refusals_are_french_and_audit_names_distinct() {
        let e = authorize(&Actor::Public, Action::Read, Resource::Edition(Stage::Live(EditionState::Brouillon))).unwrap_err();
        assert!(e.to_string().contains("pas encore publiée"), "{e}");
        let m = Actor::User(account(ministere()));
        let e = authorize(&m, Action::Comment, Resource::Demarche(DemarcheScope { id: 2, ministry: Some(OTHER) })).unwrap_err();
        assert!(e.to_string().contains("périmètre"), "{e}");
        let key = Actor::ApiClient { key: "k".into(), account: account(Role::Admin) };
        assert!(authorize(&key, Action::ManageAccounts, Resource::Observatory).unwrap_err().to_string().contains("clé d'API"));
        let names: BTreeSet<String> =
            [Actor::Public, Actor::Operator("o".into()), m, key].iter().map(Actor::audit_name).collect();
        assert_eq!(names.len(), 4);
        assert!(Actor::Operator("o".into()).is_team() && !Actor::Public.is_identified());
    }
}
