//! The edition table's query: filters, search, sort and pagination, all carried in the URL so a
//! filtered view can be shared. Parsing is strict: an unknown parameter, an unknown indicator or
//! level, a negative page or a huge page size is refused with a French message, never a silent
//! default.
//!
//! The page, the API list and the downloads all go through [`App::table_request`] /
//! [`App::table_page`] (or [`App::table_for`] for the revision alone), so they parse and filter
//! the same way.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use obs_domain::text::fold;
use obs_domain::{Direction, Edition, RuleSet};

use crate::editions::View;
use crate::error::{AppError, Result};
use crate::policy::Actor;
use crate::table::{EditionTable, TableRow};
use crate::App;

/// Largest page size accepted.
pub const MAX_PER_PAGE: usize = 500;
/// Default page size.
pub const DEFAULT_PER_PAGE: usize = 50;

/// A filter on one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelFilter {
    /// At this level (key).
    Level(String),
    /// At goal.
    Goal,
    /// Evaluated and not at goal.
    NotGoal,
}

/// What to sort on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// Title.
    Title,
    /// Ministry.
    Ministere,
    /// An indicator (slug).
    Indicator(String),
}

/// A parsed table query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableQuery {
    /// Accent-insensitive text search.
    pub q: String,
    /// Exact ministry.
    pub ministere: String,
    /// Exact administration.
    pub administration: String,
    /// Exact domain.
    pub domaine: String,
    /// Audience.
    pub public: String,
    /// Level filters by indicator slug.
    pub levels: BTreeMap<String, LevelFilter>,
    /// Sort column.
    pub sort: SortKey,
    /// Descending.
    pub desc: bool,
    /// 1-based page.
    pub page: usize,
    /// Rows per page.
    pub per_page: usize,
    /// Frozen revision asked for, if any.
    pub revision: Option<i32>,
}

impl Default for TableQuery {
    fn default() -> Self {
        TableQuery {
            q: String::new(),
            ministere: String::new(),
            administration: String::new(),
            domaine: String::new(),
            public: String::new(),
            levels: BTreeMap::new(),
            sort: SortKey::Title,
            desc: false,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            revision: None,
        }
    }
}

fn parse_positive(name: &str, v: &str) -> Result<usize, String> {
    match v.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n as usize),
        Ok(_) => Err(format!("le paramètre « {name} » doit être un entier positif (reçu « {v} »)")),
        Err(_) => Err(format!("le paramètre « {name} » doit être un nombre entier (reçu « {v} »)")),
    }
}

/// The `revision` parameter: absent, or one whole number from 1 (a repeated parameter is refused,
/// so the page and its download links can never disagree).
pub fn revision_param(pairs: &[(String, String)]) -> Result<Option<i32>, String> {
    let mut found = None;
    for (k, v) in pairs {
        if k == "revision" {
            if found.is_some() {
                return Err("le paramètre « revision » est répété".into());
            }
            let n = parse_positive("revision", v)?;
            found = Some(i32::try_from(n).map_err(|_| "numéro de révision trop grand".to_string())?);
        }
    }
    Ok(found)
}

impl TableQuery {
    /// Parses URL parameters against a rule set.
    pub fn parse(pairs: &[(String, String)], rules: &RuleSet) -> Result<TableQuery, String> {
        let mut q = TableQuery::default();
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "q" => q.q = v.chars().take(200).collect(),
                "ministere" => q.ministere = v.to_string(),
                "administration" => q.administration = v.to_string(),
                "domaine" => q.domaine = v.to_string(),
                "public" => q.public = v.to_string(),
                "tri" => {
                    q.sort = match v {
                        "" | "titre" => SortKey::Title,
                        "ministere" => SortKey::Ministere,
                        slug if rules.indicator(slug).is_some() => SortKey::Indicator(slug.to_string()),
                        other => return Err(format!("tri sur « {other} » impossible : colonne inconnue")),
                    }
                }
                "ordre" => {
                    q.desc = match v {
                        "" | "asc" => false,
                        "desc" => true,
                        other => return Err(format!("ordre « {other} » inconnu : « asc » ou « desc »")),
                    }
                }
                "page" => q.page = parse_positive("page", v)?,
                "par_page" => {
                    let n = parse_positive("par_page", v)?;
                    if n > MAX_PER_PAGE {
                        return Err(format!("au plus {MAX_PER_PAGE} lignes par page (reçu {n})"));
                    }
                    q.per_page = n;
                }
                "revision" => {
                    let n = parse_positive("revision", v)?;
                    q.revision = Some(i32::try_from(n).map_err(|_| "numéro de révision trop grand".to_string())?);
                }
                key if key.starts_with("niveau_") => {
                    let slug = &key["niveau_".len()..];
                    let ind = rules
                        .indicator(slug)
                        .ok_or_else(|| format!("filtre « {key} » inconnu : pas d'indicateur « {slug} » dans les règles de cette édition"))?;
                    let f = match v {
                        "" => continue,
                        "objectif" => LevelFilter::Goal,
                        "non-objectif" => LevelFilter::NotGoal,
                        level if ind.level(level).is_some() => LevelFilter::Level(level.to_string()),
                        other => return Err(format!("niveau « {other} » inconnu pour l'indicateur « {} »", ind.label)),
                    };
                    q.levels.insert(slug.to_string(), f);
                }
                other => return Err(format!("paramètre « {other} » inconnu")),
            }
        }
        Ok(q)
    }

    /// Pairs of the query, without defaults, in a stable order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() {
                out.push((k.to_string(), v.to_string()));
            }
        };
        push("q", &self.q);
        push("ministere", &self.ministere);
        push("administration", &self.administration);
        push("domaine", &self.domaine);
        push("public", &self.public);
        for (slug, f) in &self.levels {
            let v = match f {
                LevelFilter::Level(k) => k.as_str(),
                LevelFilter::Goal => "objectif",
                LevelFilter::NotGoal => "non-objectif",
            };
            push(&format!("niveau_{slug}"), v);
        }
        match &self.sort {
            SortKey::Title => {}
            SortKey::Ministere => push("tri", "ministere"),
            SortKey::Indicator(s) => push("tri", s),
        }
        if self.desc {
            push("ordre", "desc");
        }
        if self.per_page != DEFAULT_PER_PAGE {
            push("par_page", &self.per_page.to_string());
        }
        if let Some(r) = self.revision {
            push("revision", &r.to_string());
        }
        if self.page != 1 {
            push("page", &self.page.to_string());
        }
        out
    }

    /// The query string (without `?`).
    pub fn to_query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs() {
            s.append_pair(&k, &v);
        }
        s.finish()
    }

    /// The same query on another page.
    pub fn with_page(&self, page: usize) -> String {
        let mut q = self.clone();
        q.page = page;
        q.to_query_string()
    }

    /// The query sorted on a column (toggling the order when already sorted on it), back to page 1.
    pub fn sorted_on(&self, key: SortKey) -> String {
        let mut q = self.clone();
        q.desc = q.sort == key && !q.desc;
        q.sort = key;
        q.page = 1;
        q.to_query_string()
    }

    /// Whether any filter is active.
    pub fn has_filters(&self) -> bool {
        !(self.q.is_empty()
            && self.ministere.is_empty()
            && self.administration.is_empty()
            && self.domaine.is_empty()
            && self.public.is_empty()
            && self.levels.is_empty())
    }
}

fn matches(row: &TableRow, q: &TableQuery, rules: &RuleSet, needle: &str) -> bool {
    let m = &row.member;
    let eq = |want: &str, have: &Option<String>| want.is_empty() || have.as_deref() == Some(want);
    if !eq(&q.ministere, &m.ministere) || !eq(&q.administration, &m.administration) || !eq(&q.domaine, &m.domaine) {
        return false;
    }
    if !q.public.is_empty() && !m.audiences.contains(&q.public) {
        return false;
    }
    if !needle.is_empty() && !row.search_key.contains(needle) {
        return false;
    }
    for (slug, f) in &q.levels {
        let Some(i) = rules.indicator_index(slug) else { return false };
        let ok = match f {
            LevelFilter::Level(k) => rules.indicators[i].levels[row.cells[i].level].key == *k,
            LevelFilter::Goal => obs_domain::synthesis::goal_status(rules, &row.cells, i) == Some(true),
            LevelFilter::NotGoal => obs_domain::synthesis::goal_status(rules, &row.cells, i) == Some(false),
        };
        if !ok {
            return false;
        }
    }
    true
}

fn compare(a: &TableRow, b: &TableRow, q: &TableQuery, rules: &RuleSet) -> Ordering {
    let dir = |o: Ordering| if q.desc { o.reverse() } else { o };
    let by_title = || a.title_key.cmp(&b.title_key).then(a.member.demarche_id.cmp(&b.member.demarche_id));
    match &q.sort {
        SortKey::Title => dir(by_title()),
        SortKey::Ministere => {
            // Rows without ministry go last either way.
            match (&a.ministere_key, &b.ministere_key) {
                (None, None) => by_title(),
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => dir(x.cmp(y)).then_with(by_title),
            }
        }
        SortKey::Indicator(slug) => {
            let Some(i) = rules.indicator_index(slug) else { return by_title() };
            let ind = &rules.indicators[i];
            let (ca, cb) = (&a.cells[i], &b.cells[i]);
            let (ga, gb) = (ind.levels[ca.level].is_gray(), ind.levels[cb.level].is_gray());
            // Grey (not evaluated) values always last, whatever the order.
            match (ga, gb) {
                (true, false) => return Ordering::Greater,
                (false, true) => return Ordering::Less,
                (true, true) => return ca.level.cmp(&cb.level).then_with(by_title),
                _ => {}
            }
            let by_value = match (ca.value, cb.value) {
                (Some(x), Some(y)) => match ind.direction {
                    Direction::Higher => y.total_cmp(&x),
                    Direction::Lower => x.total_cmp(&y),
                },
                _ => Ordering::Equal,
            };
            dir(ca.level.cmp(&cb.level).then(by_value)).then_with(by_title)
        }
    }
}

/// The indices of the rows of a page and the total number of matching rows.
///
/// Works on row indices only: rows are never cloned. The table's rows are already in ascending
/// title order (title, then id), so the default sort needs no sorting at all; every other order is
/// total (ties end on the id), so an unstable sort gives the same result as a stable one.
fn apply(table: &EditionTable, q: &TableQuery) -> (Vec<usize>, usize) {
    select(&table.rows, &table.rules, q)
}

/// [`apply`] over rows in ascending title order.
fn select(all: &[TableRow], rules: &RuleSet, q: &TableQuery) -> (Vec<usize>, usize) {
    let needle = fold(&q.q);
    let mut rows: Vec<usize> = (0..all.len()).filter(|&i| matches(&all[i], q, rules, &needle)).collect();
    match (&q.sort, q.desc) {
        (SortKey::Title, false) => {}
        (SortKey::Title, true) => rows.reverse(),
        _ => rows.sort_unstable_by(|&a, &b| compare(&all[a], &all[b], q, rules)),
    }
    let total = rows.len();
    let start = (q.page - 1).saturating_mul(q.per_page).min(total);
    let end = start.saturating_add(q.per_page).min(total);
    rows.truncate(end);
    rows.drain(..start);
    (rows, total)
}

/// One page of an edition's table, as filtered, sorted and cut by a [`TableQuery`].
#[derive(Debug, Clone)]
pub struct TablePage {
    /// The whole classified table (rules, edition, revision).
    pub table: Arc<EditionTable>,
    /// The parsed query.
    pub query: TableQuery,
    /// Rows matching the filters, all pages together.
    pub total: usize,
    rows: Vec<usize>,
}

impl TablePage {
    /// The rows of this page, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &TableRow> {
        self.rows.iter().map(|&i| &self.table.rows[i])
    }

    /// The indices in `table.rows` of the rows of this page, in order (callers that prepared
    /// something per row of the table use them).
    pub fn row_indices(&self) -> &[usize] {
        &self.rows
    }

    /// Number of pages (at least 1).
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.query.per_page).max(1)
    }
}

fn view_of(revision: Option<i32>) -> View {
    revision.map_or(View::Current, View::Revision)
}

/// A parsed request for an edition's table, before the filters are applied (callers that cache
/// rendered pages look their cache up with [`TableQuery::to_query_string`] first).
#[derive(Debug, Clone)]
pub struct TableRequest {
    /// The classified table of the revision asked for.
    pub table: Arc<EditionTable>,
    /// The parsed query.
    pub query: TableQuery,
}

impl TableRequest {
    /// Applies the filters, sort and pagination; refuses a page past the last one.
    pub fn page(self) -> Result<TablePage> {
        let (rows, total) = apply(&self.table, &self.query);
        let page = TablePage { table: self.table, query: self.query, total, rows };
        if page.query.page > page.pages() {
            return Err(AppError::Invalid(format!("page {} inexistante : il y a {} page(s)", page.query.page, page.pages())));
        }
        Ok(page)
    }
}

impl App {
    /// Parses URL query pairs for an edition's table: the revision (`revision=N`, else the
    /// current one), then filters, search, sort and pagination, all checked strictly.
    pub async fn table_request(&self, actor: &Actor, slug: &str, pairs: &[(String, String)]) -> Result<TableRequest> {
        let e = self.edition(actor, slug).await?;
        self.table_request_of(actor, e, pairs).await
    }

    /// [`App::table_request`] for an edition already read with [`App::edition`] (saves a
    /// query on the uncached table path, whose handler reads the edition for its cache key).
    pub async fn table_request_of(&self, actor: &Actor, e: Edition, pairs: &[(String, String)]) -> Result<TableRequest> {
        let view = view_of(revision_param(pairs).map_err(AppError::Invalid)?);
        let table = self.table_of(actor, e, view).await?;
        let query = TableQuery::parse(pairs, &table.rules).map_err(AppError::Invalid)?;
        Ok(TableRequest { table, query })
    }

    /// One page of an edition's table for URL query pairs (see [`App::table_request`]).
    pub async fn table_page(&self, actor: &Actor, slug: &str, pairs: &[(String, String)]) -> Result<TablePage> {
        self.table_request(actor, slug, pairs).await?.page()
    }

    /// The table of an edition for query pairs that may only name a revision (downloads).
    pub async fn table_for(&self, actor: &Actor, slug: &str, pairs: &[(String, String)]) -> Result<Arc<EditionTable>> {
        if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "revision") {
            return Err(AppError::Invalid(format!("paramètre « {k} » inconnu (paramètres acceptés : revision)")));
        }
        let view = view_of(revision_param(pairs).map_err(AppError::Invalid)?);
        self.table(actor, slug, view).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::from_toml(include_str!("../../../rules/2025.toml")).unwrap()
    }

    #[test]
    fn revision_is_one_positive_number() {
        let p = |s: &str| -> Vec<(String, String)> { form_urlencoded::parse(s.as_bytes()).into_owned().collect() };
        assert_eq!(revision_param(&p("revision=2")), Ok(Some(2)));
        assert_eq!(revision_param(&p("")), Ok(None));
        assert!(revision_param(&p("revision=1&revision=2")).unwrap_err().contains("répété"));
        assert!(revision_param(&p("revision=0")).is_err());
    }

    fn parse(s: &str) -> Result<TableQuery, String> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(s.as_bytes()).into_owned().collect();
        TableQuery::parse(&pairs, &rules())
    }

    #[test]
    fn round_trips_through_the_url() {
        let q = parse("q=impots&ministere=Int%C3%A9rieur&niveau_satisfaction=vert&niveau_uptime=objectif&tri=uptime&ordre=desc&page=2").unwrap();
        assert_eq!(q.levels.len(), 2);
        assert_eq!(q.sort, SortKey::Indicator("uptime".into()));
        let again = parse(&q.to_query_string()).unwrap();
        assert_eq!(again, q);
        assert!(q.with_page(3).contains("page=3"));
        assert!(!q.sorted_on(SortKey::Indicator("uptime".into())).contains("ordre=desc"));
    }

    #[test]
    fn bad_parameters_are_refused_in_french() {
        assert!(parse("page=-1").unwrap_err().contains("entier positif"));
        assert!(parse("page=abc").unwrap_err().contains("nombre entier"));
        assert!(parse("par_page=100000").unwrap_err().contains("au plus"));
        assert!(parse("couleur=rouge").unwrap_err().contains("inconnu"));
        assert!(parse("niveau_inexistant=vert").unwrap_err().contains("inexistant"));
        assert!(parse("niveau_satisfaction=violet").unwrap_err().contains("violet"));
        assert!(parse("tri=nimporte").is_err());
        assert!(parse("").is_ok());
    }

    fn rows(rules: &RuleSet) -> Vec<TableRow> {
        let member = |id: i64, title: &str, ministere: Option<&str>| obs_domain::Member {
            demarche_id: id,
            title: title.into(),
            ministere: ministere.map(Into::into),
            administration: None,
            domaine: None,
            url: None,
            audiences: vec![],
            volume_total: None,
            volume_online: None,
            feedback_button: None,
        };
        let members = vec![
            member(1, "Zèbre", Some("Économie")),
            member(2, "abeille", Some("Intérieur")),
            member(3, "Été", None),
            member(4, "Abeille", Some("economie")),
            member(5, "été", Some("Armées")),
            member(6, "Bœuf", Some("Économie")),
        ];
        crate::table::classify_rows(rules, members, &std::collections::HashMap::new()).0
    }

    /// The fast paths of `select` (no sort for the title order, a reversal for its descending
    /// order, unstable sorts elsewhere) give exactly what a full stable sort with `compare` gives,
    /// with ministry keys folded once per row.
    #[test]
    fn selection_equals_a_full_stable_sort() {
        let rules = rules();
        let all = rows(&rules);
        assert_eq!(all[0].ministere_key.as_deref(), Some("interieur"));
        for query in ["", "ordre=desc", "tri=ministere", "tri=ministere&ordre=desc", "tri=uptime", "tri=uptime&ordre=desc", "q=ete&tri=ministere"] {
            let q = parse(query).unwrap();
            let needle = fold(&q.q);
            let mut want: Vec<usize> = (0..all.len()).filter(|&i| matches(&all[i], &q, &rules, &needle)).collect();
            want.sort_by(|&a, &b| compare(&all[a], &all[b], &q, &rules));
            assert_eq!(select(&all, &rules, &q), (want.clone(), want.len()), "{query}");
        }
        // Ministry order: folded (accents and case ignored), rows without ministry last.
        let q = parse("tri=ministere").unwrap();
        let ids: Vec<i64> = select(&all, &rules, &q).0.iter().map(|&i| all[i].member.demarche_id).collect();
        assert_eq!(ids, vec![5, 4, 6, 1, 2, 3]);
        // Pages cut the sorted list.
        let q = parse("par_page=4&page=2&ordre=desc").unwrap();
        let (page, total) = select(&all, &rules, &q);
        assert_eq!((page.len(), total), (2, 6));
    }
}
