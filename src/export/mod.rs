//! Attendee lists and their exports (CSV, CSV for Czech Excel, XLSX, JSON).
//!
//! Use it like this:
//! - a list on a page: [`attendees::page`] with an [`AttendeeQuery`] (keyset pages by
//!   registration id) and [`attendees::count`];
//! - a download: build an [`ExportRequest`] (query, [`Column`]s, [`Format`], language), check that
//!   the fair or activity exists, then answer with [`body`] as the body, [`Format::content_type`]
//!   as `Content-Type` and [`file_name`] in `Content-Disposition`;
//! - a file or any other async writer: [`write`] (the command line's `veletrh export` does this).
//!
//! Memory stays constant whatever the list's length: rows are read [`PAGE_SIZE`] at a time, each
//! page is encoded into one buffer that is written out and reused, and XLSX uses rust_xlsxwriter's
//! constant-memory mode (rows go to a temp file; the archive is packed and streamed at the end,
//! see [`xlsx`]). Spreadsheet formats neutralise formula injection ([`cell::neutralise`]).
//!
//! Errors: only [`ExportError`], no HTTP. Once [`body`] has started there is no status to change,
//! so a failure half-way ends the body with an error: the client sees a broken download, never
//! a file that looks complete.

pub mod attendees;
pub mod cell;
pub mod cli;
pub mod column;
pub mod delimited;
pub mod format;
pub mod json;
pub mod table;
pub mod xlsx;

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use tokio::{
    io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf},
    sync::oneshot,
};

pub use attendees::{AttendeeQuery, AttendeeRow, PAGE_SIZE, Scope};
pub use cli::ExportArgs;
pub use column::{Column, ColumnListError, DEFAULT_COLUMNS};
pub use format::{Format, UnknownFormat};

use crate::{domain::FieldError, i18n::Lang};
use cell::Wording;

/// Everything that decides an export's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRequest {
    pub query: AttendeeQuery,
    /// The columns in their order; never empty ([`Column::parse_list`] refuses that).
    pub columns: Vec<Column>,
    pub format: Format,
    /// Header labels and the words for statuses and roles (JSON always has ids and codes).
    pub lang: Lang,
}

/// The format and columns an organiser asked for, from the page's form or the API's query:
/// `format` defaults to CSV and `columns` (comma-separated) to [`DEFAULT_COLUMNS`]. Each bad
/// choice is an error on its own field, so one answer names both.
pub fn choose(
    format: Option<&str>,
    columns: Option<&str>,
) -> Result<(Format, Vec<Column>), Vec<FieldError>> {
    let format = format
        .unwrap_or("csv")
        .parse::<Format>()
        .map_err(|err| FieldError::new("format", "unknown_choice").with_detail(err.0));
    let columns = match columns {
        None => Ok(DEFAULT_COLUMNS.to_vec()),
        Some(list) => Column::parse_list(list).map_err(|err| {
            FieldError::new("columns", "unknown_choice").with_detail(err.to_string())
        }),
    };
    match (format, columns) {
        (Ok(format), Ok(columns)) => Ok((format, columns)),
        (format, columns) => Err(format.err().into_iter().chain(columns.err()).collect()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the attendee list: {0}")]
    Database(#[from] DbErr),
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
    #[error("cannot write the CSV file: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the JSON file: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the XLSX file: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Writes the export to `out` page by page and flushes it; returns how many rows it wrote.
/// `progress` is called after each page with the rows written so far.
pub async fn write<W>(
    conn: &impl ConnectionTrait,
    request: &ExportRequest,
    mut out: W,
    mut progress: impl FnMut(u64) + Send,
) -> Result<u64, ExportError>
where
    W: AsyncWrite + Unpin + Send,
{
    let columns = request.columns.clone();
    let labels = Wording::Labels(request.lang);
    let mut encoder = match request.format {
        Format::Csv => Encoder::Delimited(delimited::Delimited::new(b',', columns, labels)),
        Format::CsvExcel => Encoder::Delimited(delimited::Delimited::new(b';', columns, labels)),
        Format::Json => Encoder::Json(json::Json::new(columns)),
        Format::Xlsx => Encoder::Xlsx(Box::new(xlsx::Xlsx::new(columns, request.lang)?)),
    };
    let mut buf = Vec::with_capacity(256 * 1024);
    match &encoder {
        Encoder::Delimited(csv) => csv.begin(&mut buf)?,
        Encoder::Json(json) => json.begin(&mut buf),
        Encoder::Xlsx(_) => {}
    }
    let mut written = 0u64;
    let mut after = None;
    loop {
        let rows = attendees::page(conn, &request.query, after, PAGE_SIZE).await?;
        match &mut encoder {
            Encoder::Delimited(csv) => csv.rows(&rows, &mut buf)?,
            Encoder::Json(json) => json.rows(&rows, &mut buf)?,
            Encoder::Xlsx(xlsx) => xlsx.rows(&rows)?,
        }
        if !buf.is_empty() {
            out.write_all(&buf).await?;
            buf.clear();
        }
        written += rows.len() as u64;
        progress(written);
        match rows.last() {
            Some(last) if rows.len() as u64 == PAGE_SIZE => after = Some(last.registration_id),
            _ => break,
        }
    }
    match encoder {
        Encoder::Delimited(_) => {}
        Encoder::Json(json) => {
            json.end(&mut buf);
            out.write_all(&buf).await?;
        }
        Encoder::Xlsx(xlsx) => xlsx.finish(&mut out).await?,
    }
    out.flush().await?;
    Ok(written)
}

enum Encoder {
    Delimited(delimited::Delimited),
    Json(json::Json),
    Xlsx(Box<xlsx::Xlsx>),
}

/// The export as an HTTP body that streams while a task writes it: a 64 KiB pipe between the
/// two, so a slow client slows the export down instead of filling memory. A failure ends the
/// body with an error (logged here) instead of a clean end. Check that the fair or activity
/// exists before answering: an empty list is a valid export.
pub fn body(conn: DatabaseConnection, request: ExportRequest) -> poem::Body {
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let (outcome_tx, outcome_rx) = oneshot::channel();
    tokio::spawn(async move {
        let outcome = write(&conn, &request, writer, |_| {}).await;
        if let Err(err) = &outcome {
            tracing::warn!(error = %err, format = %request.format, "export failed half-way");
        }
        // `writer` was moved into `write` and is dropped by now: the reader sees the end of
        // the pipe and then asks this channel whether the end was a success.
        let _ = outcome_tx.send(outcome.map(|_| ()).map_err(|err| err.to_string()));
    });
    poem::Body::from_async_read(Checked {
        pipe: reader,
        outcome: Some(outcome_rx),
    })
}

/// A file name for the download: `ucastnici-uspech-pro-kazdeho-zaka.csv` / `attendees-….xlsx`.
/// `subject` should be a slug (ASCII, no quotes), e.g. the fair's.
pub fn file_name(subject: &str, format: Format, lang: Lang) -> String {
    let stem = match lang {
        Lang::Cs => "ucastnici",
        Lang::En => "attendees",
    };
    named(stem, subject, format)
}

/// `{stem}-{subject}.{extension}`; `stem` and `subject` ASCII without quotes.
pub fn named(stem: &str, subject: &str, format: Format) -> String {
    format!("{stem}-{subject}.{}", format.extension())
}

/// The reading end of [`body`]'s pipe: at the end of the pipe it waits for the writer's outcome
/// and turns a failure into a read error.
struct Checked {
    pipe: tokio::io::DuplexStream,
    /// Taken once it has answered (a oneshot must not be polled again).
    outcome: Option<oneshot::Receiver<Result<(), String>>>,
}

impl AsyncRead for Checked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.pipe).poll_read(cx, buf))?;
        if buf.filled().len() > before || buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        let Some(outcome) = self.outcome.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let outcome = ready!(Pin::new(outcome).poll(cx));
        self.outcome = None;
        match outcome {
            Ok(Ok(())) => Poll::Ready(Ok(())),
            Ok(Err(err)) => Poll::Ready(Err(io::Error::other(err))),
            Err(_) => Poll::Ready(Err(io::Error::other("the export task ended early"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    async fn read_all(outcome: Result<(), String>) -> io::Result<Vec<u8>> {
        let (mut writer, reader) = tokio::io::duplex(16);
        let (tx, rx) = oneshot::channel();
        let mut checked = Checked {
            pipe: reader,
            outcome: Some(rx),
        };
        tokio::spawn(async move {
            writer.write_all(b"half a file").await.unwrap();
            drop(writer);
            let _ = tx.send(outcome);
        });
        let mut out = Vec::new();
        checked.read_to_end(&mut out).await.map(|_| out)
    }

    #[tokio::test]
    async fn a_body_ends_cleanly_only_when_the_export_succeeded() {
        assert_eq!(read_all(Ok(())).await.unwrap(), b"half a file");
        let err = read_all(Err("database gone".into())).await.unwrap_err();
        assert!(err.to_string().contains("database gone"), "{err}");
    }
}
