//! How a database failure reaches a visitor: 503 with a retry hint when the database is
//! unreachable (it comes back on its own), a bare 500 otherwise. The cause goes to the log only.

use poem::http::StatusCode;
use sea_orm::DbErr;

pub fn db(err: DbErr) -> poem::Error {
    if is_unavailable(&err) {
        tracing::warn!(error = %err, "database unavailable");
        poem::Error::from_string(
            "Služba je dočasně nedostupná, zkuste to prosím za chvíli. / The service is \
             temporarily unavailable, please try again shortly.",
            StatusCode::SERVICE_UNAVAILABLE,
        )
    } else {
        tracing::error!(error = %err, "database error");
        poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Connection-level failures, as opposed to a query the database refused.
pub fn is_unavailable(err: &DbErr) -> bool {
    matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
}
