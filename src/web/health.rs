//! `/healthz`: the process answers. `/readyz`: it can also reach its database, so a load balancer
//! sends no traffic to an instance that would only answer 503.

use poem::{IntoResponse, handler, http::StatusCode, web::Data};

use crate::startup::AppState;

#[handler]
pub async fn healthz() -> &'static str {
    "ok"
}

#[handler]
pub async fn readyz(Data(state): Data<&AppState>) -> impl IntoResponse {
    if state.db.is_ready().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
