//! Editions: archive, table of an edition, comparison of two editions, downloads.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use obs_app::{EditionTable, ExportFormat, View};
use obs_domain::diff::Trend;
use obs_domain::display::{format_count, french_day};
use obs_app::model::Edition;

use super::layout::{Layout, rendered};
use super::table_parts::{TableParts, render_error};
use super::{badge_class, published};
use crate::error::PageError;
use obs_app::query::{LevelFilter, SortKey};
use obs_app::TableQuery;
use crate::http::{conditional, query_pairs, strict_params};
use crate::actor::Caller;
use crate::state::AppState;


/// A download link.
pub struct Download {
    /// Label.
    pub label: &'static str,
    /// URL.
    pub href: String,
    /// Format description.
    pub detail: &'static str,
    /// The format.
    pub format: ExportFormat,
}

/// The downloads of an edition (optionally of a past revision), from the export catalogue.
pub fn downloads(slug: &str, revision: Option<i32>) -> Vec<Download> {
    let suffix = revision.map(|r| format!("?revision={r}")).unwrap_or_default();
    ExportFormat::ALL
        .into_iter()
        .map(|format| Download {
            label: format.label(),
            href: format!("/editions/{slug}/telecharger/{}{suffix}", format.file_name()),
            detail: format.detail(),
            format,
        })
        .collect()
}

// ---------------------------------------------------------------- archive

/// One revision in the archive.
pub struct RevisionView {
    /// Number.
    pub number: i32,
    /// Publication date, French.
    pub date: String,
    /// Correction reason.
    pub reason: Option<String>,
    /// Link to this revision's table.
    pub href: String,
}

/// One edition in the archive.
pub struct ArchiveEntry {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Quarter and windows, French.
    pub period: String,
    /// Rule set id.
    pub ruleset: String,
    /// State label.
    pub state: String,
    /// Publication date.
    pub published: String,
    /// Revisions.
    pub revisions: Vec<RevisionView>,
    /// Downloads.
    pub downloads: Vec<Download>,
}

#[derive(askama::Template)]
#[template(path = "editions.html")]
struct ArchivePage {
    layout: Layout,
    years: Vec<(String, Vec<ArchiveEntry>)>,
    all: Vec<(String, String)>,
}

fn period(e: &Edition) -> String {
    let mut parts = Vec::new();
    if let Some(q) = &e.quarter {
        parts.push(format!("trimestre {q}"));
    }
    if let Some(c) = e.cutoff {
        parts.push(format!("données arrêtées au {}", french_day(c)));
    }
    if let Some(w) = e.feedback_window {
        parts.push(format!("avis du {} au {}", french_day(w.from), french_day(w.to)));
    }
    if let Some(w) = e.probe_window {
        parts.push(format!("sondes du {} au {}", french_day(w.from), french_day(w.to)));
    }
    parts.join(" ; ")
}

/// GET /editions
pub async fn archive(State(s): State<AppState>, Caller(actor): Caller) -> Result<Html<String>, PageError> {
    let (list, demo) = published(&s.app).await?;
    let mut years: Vec<(String, Vec<ArchiveEntry>)> = Vec::new();
    for e in list.iter().rev() {
        let revisions = s
            .app
            .revisions(&actor, &e.slug)
            .await?
            .into_iter()
            .map(|r| RevisionView {
                number: r.revision,
                date: french_day(r.published_at.date()),
                reason: r.reason,
                href: format!("/editions/{}?revision={}", e.slug, r.revision),
            })
            .collect();
        let year = e.cutoff.or(e.published_at.map(|i| i.date())).map(|d| d.year().to_string()).unwrap_or_default();
        let entry = ArchiveEntry {
            slug: e.slug.clone(),
            name: e.name.clone(),
            period: period(e),
            ruleset: e.ruleset_id.clone(),
            state: e.state.as_str().to_string(),
            published: e.published_at.map(|i| french_day(i.date())).unwrap_or_default(),
            revisions,
            downloads: downloads(&e.slug, None),
        };
        match years.last_mut() {
            Some((y, v)) if *y == year => v.push(entry),
            _ => years.push((year, vec![entry])),
        }
    }
    let all = list.iter().map(|e| (e.slug.clone(), e.name.clone())).collect();
    rendered(&ArchivePage { layout: Layout::new("Éditions", "editions", demo), years, all })
}

// ---------------------------------------------------------------- table

/// A column header.
pub struct ColumnView {
    /// Indicator slug.
    pub slug: String,
    /// Short label.
    pub short: String,
    /// Full label.
    pub label: String,
    /// Link sorting on it.
    pub sort_href: String,
    /// `ascending` / `descending` / `none`.
    pub aria_sort: &'static str,
}

/// An option of a select (borrowed from the table's parts and rules: nothing copied per request).
pub struct Opt<'a> {
    /// Value.
    pub value: &'a str,
    /// Label.
    pub label: &'a str,
    /// Selected.
    pub selected: bool,
}

/// A select of the filter form.
pub struct SelectView<'a> {
    /// Field name.
    pub name: String,
    /// Field id.
    pub id: String,
    /// Label.
    pub label: &'a str,
    /// Options (the first is "all").
    pub options: Vec<Opt<'a>>,
}

/// The legend of an indicator.
pub struct LegendView {
    /// Slug.
    pub slug: String,
    /// Label.
    pub label: String,
    /// Description.
    pub description: String,
    /// Levels: (label, badge class, threshold text, goal).
    pub levels: Vec<(String, &'static str, String, bool)>,
}

/// A pagination link.
pub struct PageLink {
    /// Number.
    pub number: usize,
    /// URL.
    pub href: String,
    /// Current page.
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "table.html")]
struct TablePage<'a> {
    layout: Layout,
    slug: String,
    name: String,
    revision_note: Option<String>,
    ruleset: String,
    columns: Vec<ColumnView>,
    /// The page's rows, rendered once per revision (`TableParts`).
    rows: Vec<&'a str>,
    q: String,
    selects: Vec<SelectView<'a>>,
    level_selects: Vec<SelectView<'a>>,
    more_level_selects: Vec<SelectView<'a>>,
    has_filters: bool,
    total: String,
    shown_from: usize,
    shown_to: usize,
    pages: Vec<PageLink>,
    prev_href: Option<String>,
    next_href: Option<String>,
    legends: &'a [LegendView],
    downloads: Vec<Download>,
    title_sort_href: String,
    title_aria_sort: &'static str,
    ministere_sort_href: String,
    ministere_aria_sort: &'static str,
    revision_field: Option<i32>,
}

fn options<'a>(values: &'a [String], selected: &str, all: &'a str) -> Vec<Opt<'a>> {
    let mut v = Vec::with_capacity(values.len() + 1);
    v.push(Opt { value: "", label: all, selected: selected.is_empty() });
    v.extend(values.iter().map(|x| Opt { selected: x == selected, label: x, value: x }));
    v
}

fn select<'a>(name: &str, label: &'a str, options: Vec<Opt<'a>>) -> SelectView<'a> {
    SelectView { name: name.to_string(), id: format!("filtre-{name}"), label, options }
}

fn level_select<'a>(table: &'a EditionTable, q: &TableQuery, i: usize) -> SelectView<'a> {
    let ind = &table.rules.indicators[i];
    let current = match q.levels.get(&ind.slug) {
        Some(LevelFilter::Level(k)) => k.as_str(),
        Some(LevelFilter::Goal) => "objectif",
        Some(LevelFilter::NotGoal) => "non-objectif",
        None => "",
    };
    let mut options = Vec::with_capacity(ind.levels.len() + 3);
    options.push(Opt { value: "", label: "Tous les niveaux", selected: current.is_empty() });
    if ind.has_colors() {
        options.push(Opt { value: "objectif", label: "Objectif atteint", selected: current == "objectif" });
        options.push(Opt { value: "non-objectif", label: "Objectif non atteint", selected: current == "non-objectif" });
    }
    for l in &ind.levels {
        options.push(Opt { value: &l.key, label: &l.label, selected: current == l.key });
    }
    SelectView { name: format!("niveau_{}", ind.slug), id: format!("filtre-{}", ind.slug), label: &ind.label, options }
}

fn aria_sort(q: &TableQuery, key: &SortKey) -> &'static str {
    match (&q.sort == key, q.desc) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    }
}

/// GET /editions/{slug}
pub async fn table(State(s): State<AppState>, Caller(actor): Caller, Path(slug): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let raw = raw.unwrap_or_default();
    // The classified table, the query (checked against its rules) and the page, computed once
    // however many requests wait for the same view.
    let e = s.app.edition(&actor, &slug).await?;
    let render = async {
        let request = s.app.table_request_of(&actor, e.clone(), &query_pairs(Some(&raw))).await?;
        let parts = s.table_parts.get(&request.table).await?;
        Ok::<_, PageError>(bytes::Bytes::from(render_table(&request.page()?, &parts)?))
    };
    // A published revision never changes: its public views are cached under the edition's state
    // and current revision and the query as sent (which names the revision asked for). Other
    // callers may see an open correction, so only the public view is shared.
    let html = if e.state.is_published() && actor == obs_app::Actor::Public {
        let key = format!("table|{}|{}|{}|{raw}", e.id, e.state.as_str(), e.current_revision);
        s.pages.get_or_render(key, render).await?
    } else {
        render.await?
    };
    Ok(Html(html).into_response())
}

/// Renders one page of a table into a buffer sized from the previous page.
fn render_table(p: &obs_app::TablePage, parts: &TableParts) -> Result<String, PageError> {
    let page = table_page(p, parts);
    let mut out = parts.buffer_for(&page.rows);
    askama::Template::render_into(&page, &mut out).map_err(render_error)?;
    parts.rendered(out.len(), &page.rows);
    Ok(out)
}

/// The table page's template data for one page of the table.
fn table_page<'a>(p: &'a obs_app::TablePage, parts: &'a TableParts) -> TablePage<'a> {
    let (table, q, total, pages_count) = (&p.table, &p.query, p.total, p.pages());
    let (edition, slug) = (&table.edition, table.edition.slug.clone());
    let rules = &table.rules;
    let columns = rules
        .indicators
        .iter()
        .map(|ind| {
            let key = SortKey::Indicator(ind.slug.clone());
            ColumnView {
                slug: ind.slug.clone(),
                short: ind.short_label().to_string(),
                label: ind.label.clone(),
                sort_href: format!("?{}", q.sorted_on(key.clone())),
                aria_sort: aria_sort(q, &key),
            }
        })
        .collect();
    let row_views = p.row_indices().iter().map(|&i| parts.rows[i].as_str()).collect();
    let selects = vec![
        select("ministere", "Ministère", options(&parts.ministeres, &q.ministere, "Tous les ministères")),
        select("administration", "Administration", options(&parts.administrations, &q.administration, "Toutes les administrations")),
        select("domaine", "Domaine", options(&parts.domaines, &q.domaine, "Tous les domaines")),
        select("public", "Public", options(&parts.publics, &q.public, "Tous les publics")),
    ];
    let (key_idx, other_idx): (Vec<usize>, Vec<usize>) = (0..rules.indicators.len()).partition(|&i| rules.indicators[i].key);
    let window = 2;
    let pages = (1..=pages_count)
        .filter(|&n| n == 1 || n == pages_count || n.abs_diff(q.page) <= window)
        .map(|n| PageLink { number: n, href: format!("?{}", q.with_page(n)), current: n == q.page })
        .collect();
    let revision_note = table.revision.as_ref().map(|r| {
        let mut s = format!("Révision {} publiée le {}", r.revision, french_day(r.published_at.date()));
        if let Some(reason) = &r.reason {
            s.push_str(&format!(" — correction : {reason}"));
        }
        if r.revision < edition.current_revision {
            s.push_str(&format!(" (une révision plus récente, n° {}, existe)", edition.current_revision));
        }
        s
    });
    let start = (q.page - 1) * q.per_page;
    TablePage {
        layout: Layout::new(format!("Édition {}", edition.name), "editions", edition.demo).crumb("Éditions", "/editions"),
        slug: slug.to_string(),
        name: edition.name.clone(),
        revision_note,
        ruleset: rules.name.clone(),
        columns,
        rows: row_views,
        q: q.q.clone(),
        selects,
        level_selects: key_idx.iter().map(|&i| level_select(table, q, i)).collect(),
        more_level_selects: other_idx.iter().map(|&i| level_select(table, q, i)).collect(),
        has_filters: q.has_filters(),
        total: format_count(total as u64),
        shown_from: if total == 0 { 0 } else { start + 1 },
        shown_to: (start + q.per_page).min(total),
        prev_href: (q.page > 1).then(|| format!("?{}", q.with_page(q.page - 1))),
        next_href: (q.page < pages_count).then(|| format!("?{}", q.with_page(q.page + 1))),
        pages,
        legends: &parts.legends,
        downloads: downloads(&slug, q.revision),
        title_sort_href: format!("?{}", q.sorted_on(SortKey::Title)),
        title_aria_sort: aria_sort(q, &SortKey::Title),
        ministere_sort_href: format!("?{}", q.sorted_on(SortKey::Ministere)),
        ministere_aria_sort: aria_sort(q, &SortKey::Ministere),
        revision_field: q.revision,
    }
}

// ---------------------------------------------------------------- compare

/// A level change for the template.
pub struct ChangeView {
    /// Démarche id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Indicator label.
    pub indicator: String,
    /// Before (label, class).
    pub from: (String, &'static str),
    /// After (label, class).
    pub to: (String, &'static str),
    /// "en hausse" / "en baisse" / "autre".
    pub trend: &'static str,
}

#[derive(askama::Template)]
#[template(path = "compare.html")]
struct ComparePage {
    layout: Layout,
    a: (String, String),
    b: Option<(String, String)>,
    choices: Vec<(String, String)>,
    entered: Vec<(i64, String)>,
    left: Vec<(i64, String)>,
    changes: Vec<ChangeView>,
    summary: Vec<(String, usize, usize, usize)>,
    moves: Vec<(i64, String, u32, u32)>,
}

/// GET /editions/{slug}/comparer?avec=OTHER
pub async fn compare(State(s): State<AppState>, Caller(actor): Caller, Path(slug): Path<String>, RawQuery(raw): RawQuery) -> Result<Html<String>, PageError> {
    let params = strict_params(raw.as_deref(), &["avec"])?;
    let (list, demo) = published(&s.app).await?;
    let a = s.app.edition(&actor, &slug).await?;
    let other = params.get("avec").filter(|v| !v.is_empty()).cloned();
    let choices = list.iter().filter(|e| e.slug != slug).map(|e| (e.slug.clone(), e.name.clone())).collect();
    let mut page = ComparePage {
        layout: Layout::new(format!("Comparer l'édition {}", a.name), "editions", demo).crumb("Éditions", "/editions"),
        a: (a.slug.clone(), a.name.clone()),
        b: None,
        choices,
        entered: Vec::new(),
        left: Vec::new(),
        changes: Vec::new(),
        summary: Vec::new(),
        moves: Vec::new(),
    };
    if let Some(other) = other {
        let (older, newer) = s.app.in_order(&actor, &slug, &other).await?;
        let (older, newer) = (&older, &newer);
        let d = s.app.diff(&actor, &older.slug, &newer.slug).await?;
        let tb = s.app.table_of(&actor, newer.clone(), View::Current).await?;
        fill_comparison(&mut page, (older, newer), &d, &tb.rules, demo);
    }
    rendered(&page)
}

/// Fills the comparison page from the diff of two editions (older first).
fn fill_comparison(page: &mut ComparePage, (older, newer): (&Edition, &Edition), d: &obs_domain::diff::EditionDiff, rules: &obs_domain::RuleSet, demo: bool) {
    let label = |slug: &str| rules.indicator(slug).map(|i| i.label.clone()).unwrap_or_else(|| slug.to_string());
    page.layout = Layout::new(format!("Comparaison {} → {}", older.name, newer.name), "editions", demo).crumb("Éditions", "/editions");
    page.a = (older.slug.clone(), older.name.clone());
    page.b = Some((newer.slug.clone(), newer.name.clone()));
    page.entered = d.entered.iter().map(|m| (m.demarche_id, m.title.clone())).collect();
    page.left = d.left.iter().map(|m| (m.demarche_id, m.title.clone())).collect();
    for ind in &rules.indicators {
        let of = d.changes.iter().filter(|c| c.indicator == ind.slug);
        let (up, down, other) = of.fold((0, 0, 0), |(u, dn, o), c| match c.trend {
            Trend::Up => (u + 1, dn, o),
            Trend::Down => (u, dn + 1, o),
            Trend::Other => (u, dn, o + 1),
        });
        page.summary.push((ind.label.clone(), up, down, other));
    }
    page.changes = d
        .changes
        .iter()
        .map(|c| ChangeView {
            id: c.demarche_id,
            title: c.title.clone(),
            indicator: label(&c.indicator),
            from: (c.from.clone(), badge_class(c.from_color)),
            to: (c.to.clone(), badge_class(c.to_color)),
            trend: match c.trend {
                Trend::Up => "en hausse",
                Trend::Down => "en baisse",
                Trend::Other => "autre",
            },
        })
        .collect();
    page.moves = d.biggest_moves.iter().map(|m| (m.demarche_id, m.title.clone(), m.up, m.down)).collect();
}

// ---------------------------------------------------------------- downloads

/// GET /editions/{slug}/telecharger/{file}
pub async fn download(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Path((slug, file)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let format = ExportFormat::from_file_name(&file).ok_or_else(|| PageError::not_found(format!("fichier « {file} »")))?;
    let table = s.app.table_for(&actor, &slug, &query_pairs(raw.as_deref())).await?;
    let rev = table.revision.as_ref().map(|r| r.revision).unwrap_or(0);
    // A published revision never changes, so (edition, revision, file, program version) is a
    // strong validator.
    let etag = format!("\"{slug}-r{rev}-{file}-v{}\"", env!("CARGO_PKG_VERSION"));
    conditional(&headers, &etag, "public, max-age=86400", || {
        let mut resp = obs_app::export_table(&table, format)?.into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.mime()));
        let demo = if table.edition.demo { "-demonstration" } else { "" };
        let name = format!("observatoire-{slug}-r{rev}{demo}{}", format.file_suffix());
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(resp)
    })
}
