//! Edition use cases: create, list, read, change state, publish, correct.

use std::collections::HashMap;
use std::sync::Arc;

use obs_domain::record::parse_day;
use obs_domain::{AuditEntry, DayRange, Edition, EditionState, Quarter, Revision, RuleSet};
use obs_store::editions::{self, NewEdition};
use obs_store::revisions::{self, FrozenCell};
use obs_store::demarches::NewVersion;
use obs_store::orgs::{self, OrgKind};
use obs_store::{Lend, audit, measurements, now_utc};

use crate::error::{AppError, Result};
use crate::policy::{Action, Actor, Resource, Stage, authorize, permits};
use crate::table::{EditionTable, Raw, classify_rows};
use crate::{App, rules};

/// Fields of a new edition, as typed by a user.
#[derive(Debug, Clone, Default)]
pub struct EditionInput {
    /// Slug: lowercase letters, digits and dashes.
    pub slug: String,
    /// Name ("Octobre 2026").
    pub name: String,
    /// Rule set id; the current one when None.
    pub ruleset: Option<String>,
    /// Quarter ("2026-T3").
    pub quarter: Option<String>,
    /// Cut-off date (ISO).
    pub cutoff: Option<String>,
    /// Feedback window (ISO dates, inclusive), overriding the 12 months ending at the cut-off.
    pub feedback_window: Option<(String, String)>,
    /// Probe window (ISO dates, inclusive), overriding the 3 months ending at the cut-off.
    pub probe_window: Option<(String, String)>,
    /// Demonstration data.
    pub demo: bool,
}

/// Which figures of an edition to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The current published revision, or the draft computation before publication.
    Current,
    /// A given frozen revision.
    Revision(i32),
    /// The live computation from the latest measurements and rule-set file.
    Draft,
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

fn parse_date(s: &str, what: &str) -> Result<time::Date> {
    parse_day(s).ok_or_else(|| AppError::Invalid(format!("{what} « {s} » invalide : format attendu AAAA-MM-JJ")))
}

/// Windows of spec/feedback.md FB-S.6 and spec/checks.md §2.5: feedback answers over the 12
/// months ending at the cut-off day, probes over the 3 months ending at it (inclusive days).
fn windows(cutoff: time::Date) -> (DayRange, DayRange) {
    let next = cutoff.next_day().unwrap_or(cutoff);
    let back = |months: u8| {
        let (mut y, mut m) = (next.year(), next.month() as u8);
        for _ in 0..months {
            if m == 1 {
                m = 12;
                y -= 1;
            } else {
                m -= 1;
            }
        }
        let month = time::Month::try_from(m).unwrap_or(time::Month::January);
        let day = next.day().min(time::util::days_in_month(month, y));
        time::Date::from_calendar_date(y, month, day).unwrap_or(next)
    };
    let range = |from: time::Date| DayRange::new(from, cutoff).unwrap_or(DayRange { from: cutoff, to: cutoff });
    (range(back(12)), range(back(3)))
}

impl App {
    /// Creates an edition in state `brouillon`.
    pub async fn create_edition(&self, actor: &Actor, input: EditionInput) -> Result<Edition> {
        authorize(actor, Action::ManageEditions, Resource::Observatory)?;
        if !valid_slug(&input.slug) {
            return Err(AppError::Invalid(format!(
                "identifiant d'édition « {} » invalide : lettres minuscules sans accent, chiffres et tirets uniquement",
                input.slug
            )));
        }
        if input.name.trim().is_empty() {
            return Err(AppError::Invalid("le nom de l'édition est obligatoire".into()));
        }
        let ruleset = input.ruleset.clone().unwrap_or_else(|| rules::CURRENT.to_string());
        self.rules.get(&ruleset)?;
        let quarter = match &input.quarter {
            Some(q) => Some(
                Quarter::parse(q)
                    .ok_or_else(|| AppError::Invalid(format!("trimestre « {q} » invalide : format attendu 2026-T3")))?
                    .to_string(),
            ),
            None => None,
        };
        let (cutoff, mut fw, mut pw) = match &input.cutoff {
            Some(c) => {
                let d = parse_date(c, "date d'arrêt")?;
                let (f, p) = windows(d);
                (Some(d), Some(f), Some(p))
            }
            None => (None, None, None),
        };
        for (given, slot, what) in [
            (&input.feedback_window, &mut fw, "fenêtre des avis"),
            (&input.probe_window, &mut pw, "fenêtre des sondes"),
        ] {
            if let Some((from, to)) = given {
                let (a, b) = (parse_date(from, what)?, parse_date(to, what)?);
                let range = DayRange::new(a, b)
                    .ok_or_else(|| AppError::Invalid(format!("{what} : le début ({a}) est après la fin ({b})")))?;
                *slot = Some(range);
            }
        }
        let quarter = quarter.or_else(|| cutoff.map(|d| Quarter::of_month(d.year(), d.month() as u8).to_string()));
        let mut tx = self.store.begin().await?;
        let new = NewEdition {
            slug: input.slug.clone(),
            name: input.name.trim().to_string(),
            quarter,
            cutoff,
            feedback_window: fw,
            probe_window: pw,
            ruleset_id: ruleset.clone(),
            demo: input.demo,
        };
        editions::create(tx.conn(), &new).await?;
        audit::record(tx.conn(), &actor.audit_name(), "edition.create", &input.slug, &format!("règles {ruleset}")).await?;
        let e = editions::by_slug(tx.conn(), &input.slug).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Editions visible to the caller (the public sees published ones only).
    pub async fn editions(&self, actor: &Actor) -> Result<Vec<Edition>> {
        let mut h = self.store.conn().await?;
        let all = editions::list(h.conn()).await?;
        Ok(all.into_iter().filter(|e| can_read(actor, e)).collect())
    }

    /// One edition.
    pub async fn edition(&self, actor: &Actor, slug: &str) -> Result<Edition> {
        let mut h = self.store.conn().await?;
        let e = editions::by_slug(h.conn(), slug).await?;
        if !can_read(actor, &e) {
            return Err(AppError::NotFound(format!("édition « {slug} »")));
        }
        Ok(e)
    }

    /// The audit trail of an edition (imports, state changes, publications), newest first.
    pub async fn journal(&self, actor: &Actor, slug: &str) -> Result<Vec<AuditEntry>> {
        authorize(actor, Action::ReadAudit, Resource::Observatory)?;
        let e = self.edition(actor, slug).await?;
        let mut h = self.store.conn().await?;
        Ok(audit::for_subject(h.conn(), &e.slug).await?)
    }

    /// The frozen revisions of an edition, oldest first.
    pub async fn revisions(&self, actor: &Actor, slug: &str) -> Result<Vec<Revision>> {
        let e = self.edition(actor, slug).await?;
        let mut h = self.store.conn().await?;
        Ok(revisions::list(h.conn(), e.id).await?)
    }

    /// The classified table of an edition.
    pub async fn table(&self, actor: &Actor, slug: &str, view: View) -> Result<Arc<EditionTable>> {
        let e = self.edition(actor, slug).await?;
        self.table_of(actor, e, view).await
    }

    /// The classified table of an edition already read with [`App::edition`] (saves a query on
    /// hot paths).
    pub async fn table_of(&self, actor: &Actor, e: Edition, view: View) -> Result<Arc<EditionTable>> {
        if !can_read(actor, &e) {
            return Err(AppError::NotFound(format!("édition « {} »", e.slug)));
        }
        let view = match view {
            View::Current if e.state.is_published() => View::Revision(e.current_revision),
            View::Current => View::Draft,
            v => v,
        };
        match view {
            View::Revision(n) => self.published_table(e, n).await,
            _ => {
                authorize(actor, Action::Read, Resource::Edition(Stage::Live(e.state)))?;
                let mut h = self.store.conn().await?;
                let rules = self.rules.get(&e.ruleset_id)?.rules.clone();
                Ok(Arc::new(compute_draft(&mut h, e, rules).await?.0))
            }
        }
    }

    async fn published_table(&self, e: Edition, revision: i32) -> Result<Arc<EditionTable>> {
        if revision < 1 || revision > e.current_revision {
            return Err(AppError::NotFound(format!("révision {revision} de l'édition « {} »", e.slug)));
        }
        if let Some(t) = self.published.lock().ok().and_then(|c| c.get(&(e.id, revision)).cloned()) {
            return Ok(t);
        }
        let mut h = self.store.conn().await?;
        let rev = revisions::get(h.conn(), e.id, revision).await?;
        let source = revisions::ruleset_source(h.conn(), &rev.ruleset_hash).await?;
        let rules = Arc::new(RuleSet::from_toml(&source).map_err(|err| AppError::Internal(format!("règles figées illisibles : {err}")))?);
        let members = revisions::members(h.conn(), e.id, revision).await?;
        let cells = revisions::cells(h.conn(), e.id, revision).await?;
        let mut values: HashMap<i64, HashMap<String, Raw>> = HashMap::new();
        for c in cells {
            values.entry(c.demarche_id).or_default().insert(c.indicator, Raw { value: c.value, measurement_id: c.measurement_id });
        }
        let (rows, errors) = classify_rows(&rules, members, &values);
        let table = Arc::new(EditionTable { edition: e, revision: Some(rev), rules, rows, errors });
        if let Ok(mut cache) = self.published.lock() {
            cache.insert((table.edition.id, revision), table.clone());
        }
        Ok(table)
    }

    /// Moves a draft to consultation or back.
    pub async fn set_state(&self, actor: &Actor, slug: &str, to: EditionState) -> Result<Edition> {
        authorize(actor, Action::ManageEditions, Resource::Observatory)?;
        if to.is_published() {
            return Err(AppError::Invalid("utilisez la publication pour publier une édition".into()));
        }
        let mut tx = self.store.begin().await?;
        let e = editions::lock_by_slug(tx.conn(), slug).await?;
        e.state.check_transition(to).map_err(AppError::Refused)?;
        editions::set_state(tx.conn(), e.id, to, e.current_revision, None, None).await?;
        audit::record(tx.conn(), &actor.audit_name(), "edition.state", slug, to.as_str()).await?;
        let e = editions::by_slug(tx.conn(), slug).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Opens a correction of a published edition: raw values can be changed again, and the next
    /// publication freezes a new revision with this reason. The current revision stays readable.
    pub async fn open_correction(&self, actor: &Actor, slug: &str, reason: &str) -> Result<Edition> {
        authorize(actor, Action::ManageEditions, Resource::Observatory)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Invalid("le motif de la correction est obligatoire".into()));
        }
        let mut tx = self.store.begin().await?;
        let e = editions::lock_by_slug(tx.conn(), slug).await?;
        if !e.state.is_published() {
            return Err(AppError::Refused(format!("l'édition « {slug} » n'est pas publiée : modifiez-la directement")));
        }
        editions::set_state(tx.conn(), e.id, e.state, e.current_revision, None, Some(reason)).await?;
        audit::record(tx.conn(), &actor.audit_name(), "edition.correction", slug, reason).await?;
        let e = editions::by_slug(tx.conn(), slug).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Publishes an edition in one transaction: freezes its members, raw values and rule-set
    /// text as a new revision, and its synthesis. Either all of it is written or nothing.
    pub async fn publish(&self, actor: &Actor, slug: &str) -> Result<Revision> {
        authorize(actor, Action::ManageEditions, Resource::Observatory)?;
        let mut tx = self.store.begin().await?;
        let e = editions::lock_by_slug(tx.conn(), slug).await?;
        let state = e.state;
        let (next_state, reason) = if state.is_published() {
            match &e.correction_reason {
                Some(r) => (EditionState::Corrigee, Some(r.clone())),
                None => {
                    return Err(AppError::Refused(format!(
                        "l'édition « {slug} » est déjà publiée (révision {}) : une révision publiée ne change jamais. \
                         Pour la corriger : observatoire edition correct {slug} --reason \"…\"",
                        e.current_revision
                    )));
                }
            }
        } else {
            (EditionState::Publiee, None)
        };
        state.check_transition(next_state).map_err(AppError::Refused)?;
        let loaded = self.rules.get(&e.ruleset_id)?.clone();
        let (table, latest) = compute_draft(&mut tx, e.clone(), loaded.rules.clone()).await?;
        if !table.errors.is_empty() {
            return Err(AppError::Refused(format!(
                "publication impossible, {} valeur(s) ne correspondent à aucun niveau des règles « {} » :\n{}",
                table.errors.len(),
                e.ruleset_id,
                table.errors.join("\n")
            )));
        }
        let revision = e.current_revision + 1;
        let now = now_utc();
        let synthesis = obs_domain::synthesis::synthesize(&loaded.rules, &table.rows);
        let report = crate::publication::SynthesisReport::new(&table, synthesis, Some(revision));
        let rev = Revision {
            edition_id: e.id,
            revision,
            ruleset_hash: loaded.hash.clone(),
            reason: reason.clone(),
            published_at: now,
            synthesis_json: serde_json::to_string(&report).unwrap_or_default(),
        };
        // Freeze every latest raw value of the members (also those of indicators outside the rule
        // set, which derived indicators read), with the level key as a cache for filtering.
        let level_key = |row: Option<&crate::TableRow>, slug: &str| -> String {
            let (Some(row), Some(i)) = (row, loaded.rules.indicator_index(slug)) else { return String::new() };
            loaded.rules.indicators[i].levels[row.cells[i].level].key.clone()
        };
        let by_id: HashMap<i64, &crate::TableRow> = table.rows.iter().map(|r| (r.member.demarche_id, r)).collect();
        let cells: Vec<FrozenCell> = latest
            .into_iter()
            .filter(|m| by_id.contains_key(&m.demarche_id))
            .map(|m| FrozenCell {
                level_key: level_key(by_id.get(&m.demarche_id).copied(), &m.indicator),
                demarche_id: m.demarche_id,
                indicator: m.indicator,
                value: m.value,
                measurement_id: Some(m.id),
            })
            .collect();
        let members: Vec<_> = table.rows.iter().map(|r| r.member.clone()).collect();
        // Membership of the observed list is dated: démarches of the previous published edition
        // that are not in this one leave the list on this edition's cut-off.
        if let Some(prev) = previous_published(&mut tx, &e).await? {
            let left_on = e.cutoff.unwrap_or_else(|| now.date());
            for m in revisions::members(tx.conn(), prev.id, prev.current_revision).await? {
                if !by_id.contains_key(&m.demarche_id) {
                    obs_store::demarches::mark_left(tx.conn(), m.demarche_id, left_on, &format!("absente de l'édition {}", e.slug)).await?;
                }
            }
        }
        // The dated history of démarches records what was published, never draft values.
        let valid_from = e.cutoff.unwrap_or_else(|| now.date());
        let source = format!("édition {} révision {revision}", e.slug);
        let mut org_ids: HashMap<(OrgKind, String), i64> = HashMap::new();
        let mut ids = Vec::with_capacity(members.len());
        for m in &members {
            let mut id_of = async |kind: OrgKind, name: &Option<String>, parent: Option<i64>| -> Result<Option<i64>> {
                let Some(name) = name else { return Ok(None) };
                if let Some(id) = org_ids.get(&(kind, name.clone())) {
                    return Ok(Some(*id));
                }
                let id = orgs::ensure(tx.conn(), kind, name, parent).await?;
                org_ids.insert((kind, name.clone()), id);
                Ok(Some(id))
            };
            let min = id_of(OrgKind::Ministere, &m.ministere, None).await?;
            let adm = id_of(OrgKind::Administration, &m.administration, min).await?;
            let dom = id_of(OrgKind::Domaine, &m.domaine, None).await?;
            ids.push((min, adm, dom));
        }
        let versions: Vec<NewVersion> = members
            .iter()
            .zip(&ids)
            .map(|(m, &(min, adm, dom))| NewVersion {
                demarche_id: m.demarche_id,
                valid_from,
                title: &m.title,
                ministere_id: min,
                administration_id: adm,
                domaine_id: dom,
                url: m.url.as_deref(),
                observed: true,
                source: &source,
            })
            .collect();
        obs_store::demarches::put_versions(tx.conn(), &versions).await?;
        revisions::put_ruleset(tx.conn(), &loaded.hash, &loaded.rules.id, &loaded.source, now).await?;
        revisions::insert(tx.conn(), &rev).await?;
        revisions::insert_members(tx.conn(), e.id, revision, &members).await?;
        revisions::insert_cells(tx.conn(), e.id, revision, &cells).await?;
        editions::set_state(tx.conn(), e.id, next_state, revision, Some(now), None).await?;
        audit::record(
            tx.conn(),
            &actor.audit_name(),
            "edition.publish",
            slug,
            &format!("révision {revision}, {} démarches, règles {} ({})", members.len(), loaded.rules.id, &loaded.hash[..12]),
        )
        .await?;
        tx.commit().await?;
        Ok(rev)
    }
}

/// The latest published edition cut before `e` (by cut-off date), if any.
async fn previous_published(src: &mut impl Lend, e: &Edition) -> Result<Option<Edition>> {
    let all = editions::list(src.conn()).await?;
    Ok(all
        .into_iter()
        .filter(|x| x.id != e.id && x.current_revision > 0 && x.cutoff.is_some() && x.cutoff < e.cutoff)
        .max_by_key(|x| x.cutoff))
}

pub(crate) fn can_read(actor: &Actor, e: &Edition) -> bool {
    e.state.is_published() || permits(actor, Action::Read, Resource::Edition(Stage::Live(e.state)))
}

/// Computes the draft table from the latest measurements of an edition; also returns those
/// measurements (publication freezes them).
pub(crate) async fn compute_draft(
    src: &mut impl Lend,
    e: Edition,
    rules: Arc<RuleSet>,
) -> Result<(EditionTable, Vec<measurements::Value>)> {
    let members = editions::members(src.conn(), e.id).await?;
    let latest = measurements::latest_values(src.conn(), e.id).await?;
    let mut values: HashMap<i64, HashMap<String, Raw>> = HashMap::new();
    for m in &latest {
        values.entry(m.demarche_id).or_default().insert(m.indicator.clone(), Raw { value: m.value.clone(), measurement_id: Some(m.id) });
    }
    let (rows, errors) = classify_rows(&rules, members, &values);
    Ok((EditionTable { edition: e, revision: None, rules, rows, errors }, latest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_follow_the_cutoff() {
        let d = time::macros::date!(2025 - 12 - 31);
        let (f, p) = windows(d);
        assert_eq!((f.from.to_string(), f.to.to_string()), ("2025-01-01".to_string(), "2025-12-31".to_string()));
        assert_eq!((p.from.to_string(), p.to.to_string()), ("2025-10-01".to_string(), "2025-12-31".to_string()));
        let (f, _) = windows(time::macros::date!(2024 - 02 - 28));
        assert_eq!(f.from.to_string(), "2023-02-28");
    }

    #[test]
    fn slugs_are_checked() {
        assert!(valid_slug("2026-t3"));
        assert!(!valid_slug("Édition 1"));
        assert!(!valid_slug(""));
        assert!(!valid_slug("-a"));
    }
}
