//! The country summary's downloads (CSV, JSON, Markdown, streamed as they are written) and
//! its printable page. Every role may export; the same code as `ctrack export` writes them.

use askama::Template;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use time::Date;

use super::auth::Auth;
use super::pages::{Nav, html};
use super::{AppError, AppState};
use crate::db::export::Row;
use crate::export::{self, Countries, Counts, Format, Request, Scope, Sink};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/countries/{code}/export/{format}", get(download))
        .route("/countries/{code}/summary", get(printable))
}

/// `?since=&until=&as_of=`, each optional, as `YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
pub struct ScopeQuery {
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    as_of: String,
}

impl ScopeQuery {
    fn scope(&self) -> Result<Scope, AppError> {
        let day = |name: &str, v: &str| -> Result<Option<Date>, AppError> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
                .map(Some)
                .map_err(|_| AppError::BadRequest(format!("{name} must be a date like 2008-03-31")))
        };
        let scope = Scope {
            since: day("since", &self.since)?,
            until: day("until", &self.until)?,
            as_of: day("as_of", &self.as_of)?
                .unwrap_or_else(|| time::OffsetDateTime::now_utc().date()),
        };
        if scope.since.is_some_and(|s| s > scope.last_day()) {
            return Err(AppError::BadRequest(format!(
                "since is after the last day the summary covers ({})",
                scope.last_day()
            )));
        }
        Ok(scope)
    }
}

/// Hands chunks to the response body; fails once the client has gone.
struct ChannelSink(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>);

impl Sink for ChannelSink {
    fn put(
        &mut self,
        chunk: Vec<u8>,
    ) -> impl std::future::Future<Output = std::io::Result<()>> + Send {
        let tx = self.0.clone();
        async move {
            tx.send(Ok(Bytes::from(chunk))).await.map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
            })
        }
    }
}

async fn download(
    State(state): State<AppState>,
    _auth: Auth,
    Path((code, format)): Path<(String, String)>,
    Query(q): Query<ScopeQuery>,
) -> Result<Response, AppError> {
    let format = Format::parse(&format).ok_or(AppError::NotFound)?;
    let countries = Countries::parse(&code).map_err(|_| AppError::NotFound)?;
    let req = Request { countries, scope: q.scope()?, base_url: state.base_url.clone() };
    let filename =
        format!("ctrack-{}-{}.{}", req.countries.label(), req.scope.as_of, format.extension());
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let pool = state.pool.clone();
    tokio::spawn(async move {
        let mut sink = ChannelSink(tx.clone());
        if let Err(e) = export::write(&pool, format, &req, &mut sink).await {
            tracing::warn!("export for {} stopped: {e}", req.countries.label());
            // The response has started: the only way left to say so is to cut it short.
            let _ = tx.send(Err(std::io::Error::other("the export failed"))).await;
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.mime())),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    nav: Nav,
    code: String,
    name: String,
    as_of: String,
    range: String,
    /// The page's own query string, for the download links.
    query: String,
    counts: Counts,
    by_status: Vec<(String, String, i64)>,
    by_category: Vec<(String, i64)>,
    flagged: Vec<PrintRow>,
    others: Vec<PrintRow>,
}

/// One commitment as the printable page shows it.
struct PrintRow {
    id: i64,
    permalink: String,
    status: String,
    status_label: String,
    flags: Vec<&'static str>,
    source: String,
    sentence: String,
    actor: String,
    category: String,
    due: String,
    changed: String,
    note: String,
    evidence: String,
}

impl PrintRow {
    fn new(r: Row, base_url: &str) -> PrintRow {
        let day = |t: time::OffsetDateTime| t.to_offset(time::UtcOffset::UTC).date().to_string();
        let mut flags = Vec::new();
        if r.overdue {
            flags.push("overdue");
        }
        if r.stale {
            flags.push("stale");
        }
        if r.review == "proposed" {
            flags.push("unreviewed");
        }
        let mut source = r.cable_id.clone();
        if let Some(p) = &r.paragraph {
            source.push_str(&format!(" ¶{p}"));
        }
        if let Some(t) = r.cable_date {
            source.push_str(&format!(" ({})", day(t)));
        }
        let due = match (r.due_date, &r.deadline) {
            (Some(d), Some(text)) => format!("{d} (“{text}”)"),
            (Some(d), None) => d.to_string(),
            (None, Some(text)) => format!("not dated (“{text}”)"),
            (None, None) => "none stated".to_string(),
        };
        let changed = match (r.changed_at, &r.changed_by) {
            (Some(at), by) => {
                format!("{} by {}", super::format_time(at), by.as_deref().unwrap_or("?"))
            }
            (None, _) => "never changed".to_string(),
        };
        let evidence = match (&r.evidence_cable, r.evidence_date) {
            (Some(c), Some(t)) => format!("{c} ({})", day(t)),
            (Some(c), None) => c.clone(),
            (None, _) => "none linked".to_string(),
        };
        PrintRow {
            id: r.id,
            permalink: format!("{base_url}/commitments/{}", r.id),
            status_label: export::label(&r.status),
            status: r.status,
            flags,
            source,
            sentence: r.sentence,
            actor: r.actor,
            category: export::label(&r.category),
            due,
            changed,
            note: r.note.unwrap_or_default(),
            evidence,
        }
    }
}

/// The summary as a page made for printing (or saving as PDF from the browser).
async fn printable(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ScopeQuery>,
) -> Result<Response, AppError> {
    let Ok(Countries::One(code)) = Countries::parse(&code) else {
        return Err(AppError::NotFound);
    };
    let scope = q.scope()?;
    let (counts, rows) =
        export::summary(&state.pool, &code, &scope).await.map_err(|e| match e {
            export::ExportError::Db(e) => AppError::from(e),
            other => AppError::Internal(other.into()),
        })?;
    let query = format!("since={}&until={}&as_of={}", q.since.trim(), q.until.trim(), scope.as_of);
    let base_url = state.base_url.trim_end_matches('/');
    let (flagged, others): (Vec<Row>, Vec<Row>) =
        rows.into_iter().partition(|r| r.overdue || r.stale);
    html(&SummaryPage {
        nav: Nav::of(&auth),
        name: export::country_name(&code).to_string(),
        code,
        as_of: scope.as_of.to_string(),
        range: export::range(&scope),
        query,
        by_status: counts
            .by_status
            .iter()
            .map(|(s, n)| (s.clone(), export::label(s), *n))
            .collect(),
        by_category: counts
            .by_category
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (export::label(c), *n))
            .collect(),
        counts,
        flagged: flagged.into_iter().map(|r| PrintRow::new(r, base_url)).collect(),
        others: others.into_iter().map(|r| PrintRow::new(r, base_url)).collect(),
    })
}
