//! Page handlers: the dashboard, the commitments list, a commitment (and the analyst's
//! forms on it), a cable, a country, cable search, and the ingest page.

use std::borrow::Cow;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use time::Date;

use super::auth::{Auth, redirect};
use super::view::{self, Bar, ListQuery, Segment};
use super::{AppError, AppState};
use crate::db::tracking::{self, CATEGORIES, ChangeError, LINK_KINDS, REVIEWS, STATUSES};
use crate::db::users::Role;

/// What the page frame (navigation, sign-out form) needs.
pub struct Nav {
    pub username: String,
    pub role: &'static str,
    pub csrf: String,
    pub admin: bool,
    pub analyst: bool,
}

impl Nav {
    pub fn of(auth: &Auth) -> Nav {
        Nav {
            username: auth.user.username.clone(),
            role: auth.user.role.as_str(),
            csrf: auth.csrf.clone(),
            admin: auth.is_admin(),
            analyst: auth.can_edit(),
        }
    }
}

/// An option of a `<select>`.
pub struct Opt {
    pub value: &'static str,
    pub label: Cow<'static, str>,
    pub selected: bool,
}

fn options(values: &[&'static str], selected: &str, blank: Option<&'static str>) -> Vec<Opt> {
    let mut out = Vec::with_capacity(values.len() + 1);
    if let Some(b) = blank {
        out.push(Opt { value: "", label: b.into(), selected: selected.is_empty() });
    }
    out.extend(values.iter().map(|v| Opt {
        value: v,
        label: view::words(v),
        selected: *v == selected,
    }));
    out
}

pub fn html(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(render(t)?).into_response())
}

fn html_status(status: StatusCode, t: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(render(t)?)).into_response())
}

/// Renders into a buffer sized for a full page: askama's own hint counts only the
/// template's literal text, so a list of 50 rows would otherwise be copied through a
/// dozen reallocations.
fn render(t: &impl Template) -> askama::Result<String> {
    let mut out = String::with_capacity(64 * 1024);
    t.render_into(&mut out)?;
    Ok(out)
}

// ---- dashboard ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'r> {
    nav: Nav,
    bars: Vec<Bar>,
    chart_height: i64,
    chart_width: i64,
    label_width: i64,
    statuses: Vec<Opt>,
    total: i64,
    overdue: Vec<Row<'r>>,
    recent: Vec<Change>,
}

/// A list row as shown.
pub struct Row<'r> {
    id: i64,
    cable_id: &'r str,
    date: String,
    country: &'r str,
    actor: &'r str,
    sentence: &'r str,
    category: &'r str,
    status: Cow<'r, str>,
    status_class: &'r str,
    review: &'r str,
    due: String,
    overdue: bool,
    stale: bool,
    confidence: String,
}

impl<'r> From<tracking::ListRow<'r>> for Row<'r> {
    fn from(r: tracking::ListRow<'r>) -> Row<'r> {
        Row {
            id: r.id,
            cable_id: r.cable_id,
            date: view::date_of(r.sent_at),
            country: r.country.unwrap_or_default(),
            actor: r.actor,
            sentence: r.sentence,
            category: r.category,
            status: view::words(r.status),
            status_class: r.status,
            review: r.review,
            due: view::date_or_dash(r.due_date),
            overdue: r.overdue,
            stale: r.stale,
            confidence: view::two_decimals(r.confidence),
        }
    }
}

struct Change {
    commitment_id: i64,
    at: String,
    username: String,
    from: String,
    to: String,
    to_class: String,
    note: String,
    country: String,
    actor: String,
}

pub async fn dashboard(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    let mut conn = state.reads.acquire().await?;
    let counts = tracking::country_status_counts(&mut *conn).await?;
    let filter = tracking::Filter { overdue: true, first_mentions: true, ..Default::default() };
    let overdue = tracking::list(&mut *conn, &filter, tracking::Sort::Due, None, 10).await?;
    let recent = tracking::recent_changes(&mut *conn, 12).await?;
    conn.done();
    let total = counts.iter().map(|c| c.2).sum();
    let bars = view::bars(&counts, 15);
    let page = DashboardPage {
        nav: Nav::of(&auth),
        chart_height: bars.len() as i64 * view::CHART_ROW + 4,
        chart_width: view::CHART_LABEL_WIDTH + view::CHART_BAR_WIDTH + 60,
        label_width: view::CHART_LABEL_WIDTH,
        bars,
        statuses: options(STATUSES, "", None),
        total,
        overdue: overdue.rows()?.into_iter().map(Row::from).collect(),
        recent: recent
            .into_iter()
            .map(|c| Change {
                commitment_id: c.commitment_id,
                at: super::format_time(c.at),
                username: c.username,
                from: view::words(c.from_value.as_deref().unwrap_or("")).into_owned(),
                to_class: c.to_value.clone().unwrap_or_default(),
                to: view::words(c.to_value.as_deref().unwrap_or("")).into_owned(),
                note: c.note,
                country: c.country.unwrap_or_default(),
                actor: c.actor,
            })
            .collect(),
    };
    html(&page)
}

// ---- list --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "commitments.html")]
struct ListPage<'r> {
    nav: Nav,
    q: ListQuery,
    rows: Vec<Row<'r>>,
    statuses: Vec<Opt>,
    reviews: Vec<Opt>,
    categories: Vec<Opt>,
    sorts: Vec<Opt>,
    overdue: bool,
    firsts: bool,
    next: Option<String>,
    first: Option<String>,
    error: Option<String>,
}

const PAGE_SIZE: i64 = 50;

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (listing, error) = match q.parse() {
        Ok((filter, sort, after)) => {
            let mut conn = state.reads.acquire().await?;
            let listing =
                tracking::list(&mut *conn, &filter, sort, after.as_ref(), PAGE_SIZE).await?;
            conn.done();
            (Some(listing), None)
        }
        Err(e) => (None, Some(e)),
    };
    let rows = match &listing {
        Some(listing) => listing.rows()?.into_iter().map(Row::from).collect(),
        None => Vec::new(),
    };
    let next = listing.as_ref().and_then(|l| l.next.as_ref());
    let page = ListPage {
        nav: Nav::of(&auth),
        statuses: options(STATUSES, q.status.trim(), Some("any status")),
        reviews: options(REVIEWS, q.review.trim(), Some("any review")),
        categories: options(CATEGORIES, q.category.trim(), Some("any category")),
        sorts: vec![
            Opt {
                value: "newest",
                label: "newest cable".into(),
                selected: q.sort.is_empty() || q.sort == "newest",
            },
            Opt { value: "oldest", label: "oldest cable".into(), selected: q.sort == "oldest" },
            Opt { value: "due", label: "due soonest".into(), selected: q.sort == "due" },
            Opt {
                value: "confidence",
                label: "most confident".into(),
                selected: q.sort == "confidence",
            },
        ],
        overdue: matches!(q.overdue.as_str(), "1" | "on" | "true"),
        firsts: matches!(q.firsts.as_str(), "1" | "on" | "true"),
        next: next.map(|c| q.with_after(Some(c))),
        first: (!q.after.is_empty()).then(|| q.with_after(None)),
        rows,
        error: error.clone(),
        q,
    };
    if error.is_some() {
        return html_status(StatusCode::BAD_REQUEST, &page);
    }
    html(&page)
}

// ---- one commitment ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "commitment.html")]
struct CommitmentPage {
    nav: Nav,
    c: tracking::Commitment,
    cable: tracking::Cable,
    cable_date: String,
    paragraph: Vec<Segment>,
    actor: String,
    country: String,
    country_name: String,
    category: String,
    due: String,
    status_label: String,
    events: Vec<EventRow>,
    links: Vec<LinkRow>,
    suggestions: Vec<SuggestionRow>,
    statuses: Vec<Opt>,
    reviews: Vec<Opt>,
    categories: Vec<Opt>,
    link_kinds: Vec<Opt>,
    error: Option<String>,
    draft: Draft,
}

struct EventRow {
    at: String,
    username: String,
    what: String,
    from: String,
    to: String,
    note: String,
    evidence: Option<String>,
}

struct LinkRow {
    id: i64,
    cable_id: String,
    kind: String,
    note: String,
    username: String,
    subject: String,
    date: String,
}

/// A proposed follow-up cable, with why.
struct SuggestionRow {
    cable_key: String,
    cable_id: String,
    subject: String,
    date: String,
    kind: String,
    kind_label: String,
    score: String,
    reasons: Vec<String>,
    /// The status accepting it can also set ("fulfilled", "stalled").
    sets: Option<&'static str>,
}

/// What the analyst typed into a form that was refused, given back so nothing is lost.
#[derive(Default)]
struct Draft {
    note: String,
    evidence: String,
    cable: String,
}

async fn render_commitment(
    state: &AppState,
    auth: &Auth,
    id: i64,
    error: Option<(StatusCode, String)>,
    draft: Draft,
) -> Result<Response, AppError> {
    let mut conn = state.reads.acquire().await?;
    let c = tracking::commitment(&mut *conn, id).await?;
    let extras = match c {
        Some(_) => tracking::page_extras(&mut *conn, id).await?,
        None => None,
    };
    conn.done();
    let c = c.ok_or(AppError::NotFound)?;
    let tracking::PageExtras { cable, events, links, suggestions } =
        extras.ok_or(AppError::NotFound)?;
    let (from, to) =
        view::paragraph_around(&cable.body, c.start_byte as usize, c.end_byte as usize);
    let spans = vec![(c.id, c.start_byte as usize, c.end_byte as usize, c.status.clone())];
    let paragraph = view::segments(&cable.body[from..to], from, &spans, Some(c.id));
    let country = c.country_fix.clone().or(c.country.clone()).unwrap_or_default();
    let page = CommitmentPage {
        nav: Nav::of(auth),
        cable_date: cable.sent_at.map_or_else(|| "date unknown".into(), super::format_time),
        paragraph,
        actor: c.actor_fix.clone().unwrap_or_else(|| c.actor.clone()),
        country_name: crate::cable::countries::name(&country).unwrap_or("").to_string(),
        country,
        category: c.category_fix.clone().unwrap_or_else(|| c.category.clone()),
        due: view::date_or_dash(c.due_date_fix.or(c.due_date)),
        status_label: view::words(&c.status).into_owned(),
        events: events
            .into_iter()
            .map(|e| EventRow {
                at: super::format_time(e.at),
                username: e.username,
                what: match (e.kind.as_str(), e.field.as_deref()) {
                    ("correction", Some(f)) => format!("corrected {}", view::words(f)),
                    ("link", Some(k)) => format!("linked as {}", view::words(k)),
                    ("unlink", Some(k)) => format!("removed {} link", view::words(k)),
                    (k, _) => k.to_string(),
                },
                from: view::words(e.from_value.as_deref().unwrap_or("")).into_owned(),
                to: view::words(e.to_value.as_deref().unwrap_or("")).into_owned(),
                note: e.note,
                evidence: e.evidence_cable_id,
            })
            .collect(),
        links: links
            .into_iter()
            .map(|l| LinkRow {
                id: l.id,
                cable_id: l.cable_id,
                kind: view::words(&l.kind).into_owned(),
                note: l.note,
                username: l.username,
                subject: l.subject.unwrap_or_default(),
                date: l.sent_at.map_or_else(|| "date unknown".into(), view::date_of),
            })
            .collect(),
        suggestions: suggestions
            .into_iter()
            .filter(|s| s.state == "open")
            .map(|s| SuggestionRow {
                kind_label: view::words(&s.kind).into_owned(),
                sets: match s.kind.as_str() {
                    "fulfils" => Some("fulfilled"),
                    "stalls" => Some("stalled"),
                    _ => None,
                },
                kind: s.kind,
                cable_key: s.cable_key,
                cable_id: s.cable_id,
                subject: s.subject.unwrap_or_default(),
                date: s.sent_at.map_or_else(|| "date unknown".into(), view::date_of),
                score: format!("{:.1}", s.score),
                reasons: s.reasons.0,
            })
            .collect(),
        statuses: options(STATUSES, &c.status, None),
        reviews: options(REVIEWS, &c.review, None),
        categories: options(
            CATEGORIES,
            &c.category_fix.clone().unwrap_or_else(|| c.category.clone()),
            None,
        ),
        link_kinds: options(LINK_KINDS, "follow_up", None),
        error: error.as_ref().map(|e| e.1.clone()),
        draft,
        cable,
        c,
    };
    match error {
        Some((status, _)) => html_status(status, &page),
        None => html(&page),
    }
}

pub async fn commitment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    render_commitment(&state, &auth, id, None, Draft::default()).await
}

/// Runs an analyst's change in a transaction; on success back to the commitment (303), on
/// a refusal the page again with the reason and the analyst's draft.
async fn change<F>(
    state: &AppState,
    auth: &Auth,
    id: i64,
    draft: Draft,
    run: F,
) -> Result<Response, AppError>
where
    F: for<'c> FnOnce(
        &'c mut sqlx::PgConnection,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), ChangeError>> + Send + 'c>,
    >,
{
    auth.require(Role::Analyst)?;
    let mut tx = state.pool.begin().await?;
    match run(&mut tx).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(redirect(&format!("/commitments/{id}")))
        }
        Err(e) => {
            drop(tx);
            let status = match e {
                ChangeError::NotFound => return Err(AppError::NotFound),
                ChangeError::Db(e) => return Err(e.into()),
                ChangeError::Conflict { .. } => StatusCode::CONFLICT,
                ChangeError::Invalid(_) => StatusCode::BAD_REQUEST,
            };
            render_commitment(state, auth, id, Some((status, e.to_string())), draft).await
        }
    }
}

fn path_id(id: &str) -> Result<i64, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

fn bounded(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.chars().count() > max {
        return Err(AppError::BadRequest(format!("the {field} is longer than {max} characters")));
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    revision: i32,
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    evidence: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    bounded("note", &f.note, 4000)?;
    let user = auth.user.username.clone();
    let draft = Draft { note: f.note.clone(), evidence: f.evidence.clone(), cable: String::new() };
    change(&state, &auth, id, draft, move |conn| {
        Box::pin(async move {
            let evidence = Some(f.evidence.as_str()).filter(|e| !e.trim().is_empty());
            tracking::set_status(conn, id, f.revision, &user, &f.status, &f.note, evidence).await
        })
    })
    .await
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    revision: i32,
    review: String,
    #[serde(default)]
    note: String,
}

pub async fn set_review(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    bounded("note", &f.note, 4000)?;
    let user = auth.user.username.clone();
    let draft = Draft { note: f.note.clone(), ..Default::default() };
    change(&state, &auth, id, draft, move |conn| {
        Box::pin(async move {
            tracking::set_review(conn, id, f.revision, &user, &f.review, &f.note).await
        })
    })
    .await
}

#[derive(Deserialize)]
pub struct CorrectForm {
    csrf: String,
    revision: i32,
    actor: Option<String>,
    country: Option<String>,
    category: Option<String>,
    due_date: Option<String>,
    #[serde(default)]
    note: String,
}

pub async fn correct(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CorrectForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    bounded("note", &f.note, 4000)?;
    bounded("actor", f.actor.as_deref().unwrap_or(""), 300)?;
    let due_date = match f.due_date.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(d) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Some(Some(Date::parse(d, &format).map_err(|_| {
                AppError::BadRequest(format!("{d:?} is not a date like 2008-12-31"))
            })?))
        }
    };
    let fix = tracking::Corrections {
        actor: f.actor,
        country: f.country,
        category: f.category,
        due_date,
    };
    let user = auth.user.username.clone();
    let draft = Draft { note: f.note.clone(), ..Default::default() };
    change(&state, &auth, id, draft, move |conn| {
        Box::pin(async move {
            tracking::correct(conn, id, f.revision, &user, &fix, &f.note).await.map(|_| ())
        })
    })
    .await
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    revision: i32,
    cable: String,
    kind: String,
    #[serde(default)]
    note: String,
}

pub async fn add_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    bounded("note", &f.note, 4000)?;
    bounded("cable ID", &f.cable, 100)?;
    let user = auth.user.username.clone();
    let draft = Draft { note: f.note.clone(), cable: f.cable.clone(), ..Default::default() };
    change(&state, &auth, id, draft, move |conn| {
        Box::pin(async move {
            tracking::add_link(conn, id, f.revision, &user, &f.cable, &f.kind, &f.note, "analyst")
                .await
        })
    })
    .await
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    csrf: String,
    revision: i32,
}

pub async fn remove_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, link)): Path<(String, String)>,
    Form(f): Form<UnlinkForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    let link = path_id(&link)?;
    let user = auth.user.username.clone();
    change(&state, &auth, id, Draft::default(), move |conn| {
        Box::pin(async move { tracking::remove_link(conn, id, f.revision, &user, link).await })
    })
    .await
}

#[derive(Deserialize)]
pub struct SuggestionForm {
    csrf: String,
    #[serde(default)]
    revision: i32,
    cable: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    set_status: Option<String>,
}

pub async fn accept_suggestion(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<SuggestionForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    bounded("cable ID", &f.cable, 100)?;
    let user = auth.user.username.clone();
    change(&state, &auth, id, Draft::default(), move |conn| {
        Box::pin(async move {
            tracking::accept_suggestion(
                conn,
                id,
                f.revision,
                &user,
                &f.cable,
                f.set_status.is_some(),
            )
            .await
        })
    })
    .await
}

pub async fn dismiss_suggestion(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<SuggestionForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&f.csrf)?;
    let id = path_id(&id)?;
    bounded("cable ID", &f.cable, 100)?;
    let user = auth.user.username.clone();
    change(&state, &auth, id, Draft::default(), move |conn| {
        Box::pin(async move { tracking::dismiss_suggestion(conn, id, &user, &f.cable).await })
    })
    .await
}

// ---- cables ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cable.html")]
struct CablePage {
    nav: Nav,
    cable: tracking::Cable,
    date: String,
    segments: Vec<Segment>,
    commitments: usize,
    refs: Vec<tracking::Reference>,
    cited_by: Vec<(String, String, String)>,
}

pub async fn cable(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id.trim().to_ascii_uppercase();
    let mut conn = state.reads.acquire().await?;
    let Some(cable) = tracking::cable(&mut *conn, &id).await? else {
        conn.done();
        return Err(AppError::NotFound);
    };
    let spans = tracking::cable_commitments(&mut *conn, &cable.id).await?;
    let refs = tracking::references_out(&mut *conn, &cable.id).await?;
    let cited_by = tracking::cited_by(&mut *conn, &cable.canonical_id).await?;
    conn.done();
    let spans: Vec<(i64, usize, usize, String)> =
        spans.into_iter().map(|(id, s, e, status)| (id, s as usize, e as usize, status)).collect();
    let cited_by = cited_by
        .into_iter()
        .filter(|(k, _, _)| *k != cable.id)
        .map(|(k, subject, sent)| {
            (
                k,
                subject.unwrap_or_default(),
                sent.map_or_else(|| "date unknown".into(), view::date_of),
            )
        })
        .collect();
    let page = CablePage {
        nav: Nav::of(&auth),
        date: cable.sent_at.map_or_else(|| "date unknown".into(), super::format_time),
        segments: view::segments(&cable.body, 0, &spans, None),
        commitments: spans.len(),
        refs,
        cited_by,
        cable,
    };
    html(&page)
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    format: String,
}

#[derive(Template)]
#[template(path = "cables.html")]
struct CableSearchPage {
    nav: Nav,
    q: String,
    results: Vec<(String, String, String)>,
}

pub async fn cable_search(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let query = q.q.trim();
    let results = if query.is_empty() || query.len() > 100 {
        Vec::new()
    } else {
        let mut conn = state.reads.acquire().await?;
        let found = tracking::search_cables(&mut *conn, query, 25).await?;
        conn.done();
        found
    };
    let results: Vec<(String, String, String)> = results
        .into_iter()
        .map(|(id, subject, sent)| {
            (
                id,
                subject.unwrap_or_default(),
                sent.map_or_else(|| "date unknown".into(), view::date_of),
            )
        })
        .collect();
    if q.format == "json" {
        let items: Vec<serde_json::Value> = results
            .iter()
            .map(|(id, subject, date)| serde_json::json!({"id": id, "subject": subject, "date": date}))
            .collect();
        return Ok((
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            serde_json::Value::Array(items).to_string(),
        )
            .into_response());
    }
    html(&CableSearchPage { nav: Nav::of(&auth), q: query.to_string(), results })
}

// ---- country -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage {
    nav: Nav,
    code: String,
    name: String,
    rows: Vec<(String, String, i64, i64)>,
    total: i64,
}

pub async fn country(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let code = code.trim().to_ascii_uppercase();
    let name = crate::cable::countries::name(&code).ok_or(AppError::NotFound)?;
    let mut conn = state.reads.acquire().await?;
    let counts = tracking::country_summary(&mut *conn, &code).await?;
    conn.done();
    let rows: Vec<(String, String, i64, i64)> = STATUSES
        .iter()
        .map(|s| {
            let (n, overdue) = counts.iter().find(|c| c.0 == *s).map_or((0, 0), |c| (c.1, c.2));
            (s.to_string(), view::words(s).into_owned(), n, overdue)
        })
        .collect();
    let total = rows.iter().map(|r| r.2).sum();
    html(&CountryPage { nav: Nav::of(&auth), code, name: name.to_string(), rows, total })
}

// ---- ingest ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "ingest.html")]
struct IngestPage {
    nav: Nav,
    report: Option<String>,
    failed: bool,
}

pub async fn ingest_page(auth: Auth) -> Result<Response, AppError> {
    auth.require(Role::Admin)?;
    html(&IngestPage { nav: Nav::of(&auth), report: None, failed: false })
}

/// Stores the uploaded files in a private temporary directory and ingests them, exactly
/// as `ctrack ingest` would, then shows the same report.
pub async fn ingest_upload(
    State(state): State<AppState>,
    auth: Auth,
    mut form: Multipart,
) -> Result<Response, AppError> {
    auth.require(Role::Admin)?;
    let dir = std::env::temp_dir().join(format!("ctrack-upload-{}", super::token()));
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
    let result = async {
        let mut csrf_ok = false;
        let mut files = 0usize;
        while let Some(field) =
            form.next_field().await.map_err(|e| AppError::BadRequest(e.body_text()))?
        {
            let name = field.name().unwrap_or("").to_string();
            if name == "csrf" {
                let value = field.text().await.map_err(|e| AppError::BadRequest(e.body_text()))?;
                auth.check_csrf(&value)?;
                csrf_ok = true;
                continue;
            }
            if name != "files" {
                continue;
            }
            if !csrf_ok {
                return Err(AppError::Csrf);
            }
            // Only the file's own name, never a path.
            let file_name = field
                .file_name()
                .and_then(|n| n.rsplit(['/', '\\']).next())
                .filter(|n| !n.is_empty() && !n.starts_with('.'))
                .map(|n| {
                    n.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
                        .collect::<String>()
                })
                .unwrap_or_else(|| format!("upload-{files}.txt"));
            let bytes = field.bytes().await.map_err(|e| AppError::BadRequest(e.body_text()))?;
            files += 1;
            // One directory per file keeps its name (a cable ID names the stored cable)
            // and keeps two uploads of one name apart.
            let sub = dir.join(format!("{files:04}"));
            std::fs::create_dir_all(&sub)
                .and_then(|()| std::fs::write(sub.join(&file_name), &bytes))
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        if !csrf_ok {
            return Err(AppError::Csrf);
        }
        if files == 0 {
            return Err(AppError::BadRequest("choose at least one cable file".into()));
        }
        let opts = crate::ingest::Options {
            paths: vec![dir.clone()],
            progress: crate::ingest::Progress::Quiet,
            ..Default::default()
        };
        let report = crate::ingest::run(Some(&state.pool), &opts)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        // Name the files as the user did, not by their temporary path.
        let mut text = report.to_string();
        for i in 1..=files {
            text = text.replace(&format!("{}/{i:04}/", dir.display()), "");
        }
        Ok((text, !report.failed.is_empty()))
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let (report, failed) = result?;
    html(&IngestPage { nav: Nav::of(&auth), report: Some(report), failed })
}

/// Unknown paths: sign in first, then a 404.
pub async fn not_found(auth: Result<Auth, Response>) -> Response {
    match auth {
        Ok(_) => AppError::NotFound.into_response(),
        Err(sign_in) => sign_in,
    }
}
