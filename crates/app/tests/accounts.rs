//! Accounts use cases on SQLite and PostgreSQL, tried the way an attacker would: reused and
//! expired links, wrong passwords and unknown e-mails, disabled accounts, revoked and expired
//! API keys, idle and expired sessions, replayed TOTP codes.

mod support;

use obs_app::accounts::{AccountSummary, Clock, NewAccount, Security};
use obs_app::policy::{Actor, Role};
use obs_app::{App, AppError};
use obs_store::accounts::RoleName;
use obs_store::orgs::{self, OrgKind};
use support::op;
use time::Duration;

const MINISTRY: &str = "Ministère de l'Économie, des Finances et de la Souveraineté industrielle et numérique";
const OTHER: &str = "Ministère de l'Intérieur";
const PASSWORD: &str = "cheval correct agrafe batterie";

fn security() -> Security {
    Security::for_tests(Clock::manual(time::macros::datetime!(2026-10-01 08:00 UTC)))
}

async fn catalogue(store: &obs_store::Store) {
    let mut tx = store.begin().await.unwrap();
    orgs::ensure(tx.conn(), OrgKind::Ministere, MINISTRY, None).await.unwrap();
    orgs::ensure(tx.conn(), OrgKind::Ministere, OTHER, None).await.unwrap();
    orgs::ensure(tx.conn(), OrgKind::Administration, "DGFiP", None).await.unwrap();
    tx.commit().await.unwrap();
}

fn account(email: &str, role: RoleName, ministries: &[&str], password: Option<&str>) -> NewAccount {
    NewAccount {
        email: email.into(),
        role,
        ministries: ministries.iter().map(|m| m.to_string()).collect(),
        password: password.map(Into::into),
    }
}

async fn user(app: &App, sec: &Security, email: &str, role: RoleName) -> Actor {
    let ministries: &[&str] = if role == RoleName::Ministere { &[MINISTRY] } else { &[] };
    app.create_user(&op(), sec, account(email, role, ministries, Some(PASSWORD))).await.unwrap();
    app.authenticate(sec, email, PASSWORD).await.unwrap()
}

fn message(e: AppError) -> String {
    e.to_string()
}

both!(accounts_are_validated_before_anything_is_written, |db| {
    let (app, sec) = (&db.app, security());
    catalogue(&db.store).await;
    let created = app.create_user(&op(), &sec, account("Anne.Martin@Exemple.gouv.fr", RoleName::Ministere, &[MINISTRY, OTHER], Some(PASSWORD))).await.unwrap();
    assert_eq!(created.account.email, "anne.martin@exemple.gouv.fr");
    let mut both = vec![MINISTRY.to_string(), OTHER.to_string()];
    both.sort();
    assert_eq!(created.account.ministries, both);
    assert!(created.link.is_none() && created.account.password_set);

    let refusals = [
        (account("b@exemple.gouv.fr", RoleName::Ministere, &[], None), "au moins un ministère"),
        (account("b@exemple.gouv.fr", RoleName::Ministere, &["Ministère imaginaire"], None), "« Ministère imaginaire » inconnu du catalogue"),
        (account("b@exemple.gouv.fr", RoleName::Ministere, &["DGFiP"], None), "« DGFiP » inconnu du catalogue"),
        (account("b@exemple.gouv.fr", RoleName::Admin, &[MINISTRY], None), "ne se rattache à aucun ministère"),
        (account("b@exemple.gouv.fr", RoleName::Lecteur, &[], Some("court")), "au moins 12 caractères"),
        (account("b@exemple.gouv.fr", RoleName::Lecteur, &[], Some("Motdepasse2026!")), "les plus courants"),
        (account("pas-une-adresse", RoleName::Lecteur, &[], None), "adresse électronique « pas-une-adresse » invalide"),
        (account("ANNE.MARTIN@exemple.gouv.fr", RoleName::Lecteur, &[], None), "un compte existe déjà"),
    ];
    for (input, expected) in refusals {
        let e = message(app.create_user(&op(), &sec, input).await.unwrap_err());
        assert!(e.contains(expected), "{e}");
    }
    let list = app.list_users(&op()).await.unwrap();
    assert_eq!(list.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(), ["anne.martin@exemple.gouv.fr"]);

    // Only account managers create or list accounts; a key never does, even an admin's.
    let lecteur = user(app, &sec, "lecteur@exemple.gouv.fr", RoleName::Lecteur).await;
    let ministere = app.authenticate(&sec, "anne.martin@exemple.gouv.fr", PASSWORD).await.unwrap();
    let admin = user(app, &sec, "admin@exemple.gouv.fr", RoleName::Admin).await;
    let admin_key = app.create_api_key(&admin, &sec, None, "script", None).await.unwrap();
    let admin_client = app.resolve_api_key(&sec, &admin_key.key).await.unwrap();
    for actor in [&lecteur, &ministere, &admin_client, &Actor::Public] {
        assert!(matches!(app.create_user(actor, &sec, account("c@exemple.gouv.fr", RoleName::Admin, &[], None)).await, Err(AppError::Forbidden(_))), "{actor:?}");
        assert!(matches!(app.list_users(actor).await, Err(AppError::Forbidden(_))), "{actor:?}");
        assert!(app.disable_user(actor, &sec, "lecteur@exemple.gouv.fr").await.is_err());
    }
    assert!(app.create_user(&admin, &sec, account("c@exemple.gouv.fr", RoleName::Testeur, &[], None)).await.is_ok());
    let audit = obs_store::audit::for_subject(db.store.conn().await.unwrap().conn(), "compte:c@exemple.gouv.fr").await.unwrap();
    assert_eq!(audit[0].action, "compte.creation");
    assert_eq!(audit[0].actor, "compte:admin@exemple.gouv.fr");
});

both!(set_password_links_work_once_within_the_hour, |db| {
    let (app, sec) = (&db.app, security());
    let created = app.create_user(&op(), &sec, account("t@exemple.gouv.fr", RoleName::Testeur, &[], None)).await.unwrap();
    let link = created.link.expect("a link when no password is given");
    assert!(!created.account.password_set);
    assert_eq!(link.expires_at, sec.clock.now() + Duration::hours(1));
    // No password yet: login refused like any other failure.
    assert_eq!(message(app.authenticate(&sec, "t@exemple.gouv.fr", PASSWORD).await.unwrap_err()), "adresse électronique ou mot de passe incorrect");

    // A refused password does not use the link up.
    assert!(message(app.set_password_with_token(&sec, &link.token, "azertyuiop123").await.unwrap_err()).contains("courants"));
    assert!(app.set_password_with_token(&sec, "un-jeton-inventé", PASSWORD).await.is_err());
    app.set_password_with_token(&sec, &link.token, PASSWORD).await.unwrap();
    assert!(app.authenticate(&sec, "T@exemple.gouv.fr", PASSWORD).await.is_ok());
    // Reused: refused.
    let e = message(app.set_password_with_token(&sec, &link.token, "un autre mot de passe solide").await.unwrap_err());
    assert!(e.contains("a déjà servi, a expiré"), "{e}");

    // Expired after one hour; a new link voids the older ones.
    let late = app.create_password_link(&op(), &sec, "t@exemple.gouv.fr").await.unwrap();
    let newer = app.create_password_link(&op(), &sec, "t@exemple.gouv.fr").await.unwrap();
    assert!(app.set_password_with_token(&sec, &late.token, "un autre mot de passe solide").await.is_err());
    sec.clock.advance(Duration::minutes(61));
    assert!(app.set_password_with_token(&sec, &newer.token, "un autre mot de passe solide").await.is_err());
    assert!(app.authenticate(&sec, "t@exemple.gouv.fr", PASSWORD).await.is_ok());
});

both!(authentication_tells_nothing_and_refuses_disabled_accounts, |db| {
    let (app, sec) = (&db.app, security());
    catalogue(&db.store).await;
    let actor = user(app, &sec, "m@exemple.gouv.fr", RoleName::Ministere).await;
    let Actor::User(a) = &actor else { panic!("{actor:?}") };
    assert!(matches!(&a.role, Role::Ministere(m) if m.names().collect::<Vec<_>>() == [MINISTRY]));
    let wrong = message(app.authenticate(&sec, "m@exemple.gouv.fr", "pas le bon mot de passe").await.unwrap_err());
    let unknown = message(app.authenticate(&sec, "inconnu@exemple.gouv.fr", PASSWORD).await.unwrap_err());
    let malformed = message(app.authenticate(&sec, "pas une adresse", PASSWORD).await.unwrap_err());
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, malformed);

    let session = app.open_session(&actor, &sec).await.unwrap();
    let key = app.create_api_key(&actor, &sec, None, "tableur", None).await.unwrap();
    let summary: AccountSummary = app.disable_user(&op(), &sec, "m@exemple.gouv.fr").await.unwrap();
    assert!(summary.disabled);
    assert_eq!(message(app.authenticate(&sec, "m@exemple.gouv.fr", PASSWORD).await.unwrap_err()), wrong);
    assert!(app.session(&sec, &session.cookie).await.unwrap().is_none(), "a disabled user's live session ends");
    assert!(app.resolve_api_key(&sec, &key.key).await.is_err(), "a disabled user's keys are revoked");
    assert!(app.list_api_keys(&op(), Some("m@exemple.gouv.fr")).await.unwrap()[0].revoked_at.is_some());
    assert!(app.disable_user(&op(), &sec, "m@exemple.gouv.fr").await.is_err(), "already disabled");
    assert!(matches!(app.disable_user(&op(), &sec, "personne@exemple.gouv.fr").await, Err(AppError::NotFound(_))));
});

both!(api_keys_expire_and_revoke, |db| {
    let (app, sec) = (&db.app, security());
    let me = user(app, &sec, "l@exemple.gouv.fr", RoleName::Lecteur).await;
    let other = user(app, &sec, "o@exemple.gouv.fr", RoleName::Lecteur).await;
    let key = app.create_api_key(&me, &sec, None, "export hebdomadaire", Some(sec.clock.now() + Duration::days(7))).await.unwrap();
    let client = app.resolve_api_key(&sec, &key.key).await.unwrap();
    assert!(matches!(&client, Actor::ApiClient { key: k, account } if *k == key.prefix && account.email == "l@exemple.gouv.fr"));
    assert!(app.list_api_keys(&me, None).await.unwrap()[0].last_used_at.is_some());

    // Forged or altered keys, keys issuing keys, someone else's keys.
    let mut altered = key.key.clone();
    altered.replace_range(key.key.len() - 4.., "AAAA");
    for bad in [altered.as_str(), "obs_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "n'importe quoi"] {
        assert_eq!(message(app.resolve_api_key(&sec, bad).await.unwrap_err()), "clé d'API invalide, révoquée ou expirée");
    }
    assert!(matches!(app.create_api_key(&client, &sec, None, "x", None).await, Err(AppError::Forbidden(_))));
    assert!(matches!(app.create_api_key(&other, &sec, Some("l@exemple.gouv.fr"), "x", None).await, Err(AppError::Forbidden(_))));
    assert!(matches!(app.revoke_api_key(&other, &sec, &key.prefix).await, Err(AppError::Forbidden(_))));
    assert!(app.create_api_key(&me, &sec, None, "trop longue", Some(sec.clock.now() + Duration::days(400))).await.is_err());
    assert!(app.create_api_key(&me, &sec, None, "   ", None).await.is_err());

    // Expired after its end.
    sec.clock.advance(Duration::days(7));
    assert!(app.resolve_api_key(&sec, &key.key).await.is_err());

    // Revoked.
    let key2 = app.create_api_key(&me, &sec, None, "autre", None).await.unwrap();
    assert!(app.resolve_api_key(&sec, &key2.key).await.is_ok());
    app.revoke_api_key(&me, &sec, &key2.prefix).await.unwrap();
    assert!(app.resolve_api_key(&sec, &key2.key).await.is_err());
    assert!(app.revoke_api_key(&me, &sec, &key2.prefix).await.is_err(), "already revoked");

    // Without a pepper, keys are off.
    let no_pepper = Security { pepper: None, ..security() };
    assert!(app.resolve_api_key(&no_pepper, &key2.key).await.is_err());
});

both!(sessions_end_when_idle_expired_or_logged_out, |db| {
    let (app, sec) = (&db.app, security());
    let me = user(app, &sec, "s@exemple.gouv.fr", RoleName::Admin).await;
    let s = app.open_session(&me, &sec).await.unwrap();
    let live = app.session(&sec, &s.cookie).await.unwrap().expect("live");
    assert_eq!(live.actor, me);
    assert_eq!(live.csrf, s.csrf);
    assert_ne!(s.cookie, s.csrf);
    assert!(app.session(&sec, "cookie inventé").await.unwrap().is_none());

    // Idle: two hours without a request.
    sec.clock.advance(Duration::minutes(119));
    assert!(app.session(&sec, &s.cookie).await.unwrap().is_some());
    sec.clock.advance(Duration::minutes(119));
    assert!(app.session(&sec, &s.cookie).await.unwrap().is_some(), "activity keeps it alive");
    sec.clock.advance(Duration::hours(2));
    assert!(app.session(&sec, &s.cookie).await.unwrap().is_none(), "idle too long");

    // Absolute: twelve hours however active.
    let s = app.open_session(&me, &sec).await.unwrap();
    for _ in 0..11 {
        sec.clock.advance(Duration::hours(1));
        assert!(app.session(&sec, &s.cookie).await.unwrap().is_some());
    }
    sec.clock.advance(Duration::hours(1));
    assert!(app.session(&sec, &s.cookie).await.unwrap().is_none(), "past the absolute end");

    // Logout, and logout everywhere.
    let a = app.open_session(&me, &sec).await.unwrap();
    let b = app.open_session(&me, &sec).await.unwrap();
    let c = app.open_session(&me, &sec).await.unwrap();
    app.close_session(&a.cookie).await.unwrap();
    assert!(app.session(&sec, &a.cookie).await.unwrap().is_none());
    assert_eq!(app.close_all_sessions(&me).await.unwrap(), 2);
    assert!(app.session(&sec, &b.cookie).await.unwrap().is_none());
    assert!(app.session(&sec, &c.cookie).await.unwrap().is_none());

    // Clean-up of ended sessions.
    app.open_session(&me, &sec).await.unwrap();
    sec.clock.advance(Duration::hours(3));
    assert_eq!(app.purge_sessions(&sec).await.unwrap(), 1);
});

both!(totp_codes_are_checked_once, |db| {
    let (app, sec) = (&db.app, security());
    let me = user(app, &sec, "admin@exemple.gouv.fr", RoleName::Admin).await;
    assert!(!app.totp_enrolled(&me).await.unwrap());
    let secret = obs_auth::TotpSecret::generate().unwrap();
    let now = sec.clock.now().unix_timestamp();
    let step = obs_auth::TotpSecret::step_at(now);
    assert!(app.enrol_totp(&me, &sec, &secret.to_base32(), "000000").await.is_err() || secret.code_at_step(step) == "000000");
    app.enrol_totp(&me, &sec, &secret.to_base32(), &secret.code_at_step(step)).await.unwrap();
    assert!(app.totp_enrolled(&me).await.unwrap());
    // The enrolment code cannot be replayed at login.
    assert!(app.verify_totp(&me, &sec, &secret.code_at_step(step)).await.is_err());
    sec.clock.advance(Duration::seconds(30));
    let next = secret.code_at_step(step + 1);
    app.verify_totp(&me, &sec, &next).await.unwrap();
    assert!(app.verify_totp(&me, &sec, &next).await.is_err(), "replayed");
});

both!(a_link_used_twice_at_once_works_once, |db| {
    let (app, sec) = (&db.app, security());
    let link = app.create_user(&op(), &sec, account("race@exemple.gouv.fr", RoleName::Lecteur, &[], None)).await.unwrap().link.unwrap();
    let (a, b) = tokio::join!(
        app.set_password_with_token(&sec, &link.token, "premier mot de passe solide"),
        app.set_password_with_token(&sec, &link.token, "second mot de passe solide"),
    );
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "{a:?} {b:?}");
    let first = app.authenticate(&sec, "race@exemple.gouv.fr", "premier mot de passe solide").await.is_ok();
    let second = app.authenticate(&sec, "race@exemple.gouv.fr", "second mot de passe solide").await.is_ok();
    assert!(first != second);
});
