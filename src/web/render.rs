//! Page templates, compiled into the binary so it runs from any directory.
//!
//! Templates get three functions besides minijinja's own: `t("key")` (the text in the page's
//! language), `href("/path")` (an internal link that keeps the page's language) and
//! `switch_href()` (this page in the other language; the handler names the page as `here`).

use minijinja::{Environment, State, Value, context};
use poem::{
    IntoResponse, Response,
    http::{StatusCode, header},
    web::Html,
};

use crate::i18n::Lang;
pub use crate::i18n::with_lang;

/// The page template engine, built once at start-up (a broken template stops start-up).
pub struct Pages {
    env: Environment<'static>,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("form.html", include_str!("templates/form.html")),
    ("home.html", include_str!("templates/home.html")),
    ("fair.html", include_str!("templates/fair.html")),
    ("workshop.html", include_str!("templates/workshop.html")),
    ("exhibitors.html", include_str!("templates/exhibitors.html")),
    (
        "exhibitor_apply.html",
        include_str!("templates/exhibitor_apply.html"),
    ),
    ("meetings.html", include_str!("templates/meetings.html")),
    ("meeting.html", include_str!("templates/meeting.html")),
    (
        "check_email.html",
        include_str!("templates/check_email.html"),
    ),
    ("confirm.html", include_str!("templates/confirm.html")),
    ("confirmed.html", include_str!("templates/confirmed.html")),
    ("manage.html", include_str!("templates/manage.html")),
    ("attendance.html", include_str!("templates/attendance.html")),
    ("feedback.html", include_str!("templates/feedback.html")),
    ("join.html", include_str!("templates/join.html")),
    ("delete.html", include_str!("templates/delete.html")),
    ("deleted.html", include_str!("templates/deleted.html")),
    ("error.html", include_str!("templates/error.html")),
    (
        "calendar_links.html",
        include_str!("templates/calendar_links.html"),
    ),
    (
        "admin_nav.html",
        include_str!("admin/templates/admin_nav.html"),
    ),
    (
        "admin_login.html",
        include_str!("admin/templates/admin_login.html"),
    ),
    (
        "admin_activities.html",
        include_str!("admin/templates/admin_activities.html"),
    ),
    (
        "admin_activity.html",
        include_str!("admin/templates/admin_activity.html"),
    ),
    (
        "admin_fairs.html",
        include_str!("admin/templates/admin_fairs.html"),
    ),
    (
        "admin_fair.html",
        include_str!("admin/templates/admin_fair.html"),
    ),
    (
        "admin_exhibitors.html",
        include_str!("admin/templates/admin_exhibitors.html"),
    ),
    (
        "admin_exhibitor.html",
        include_str!("admin/templates/admin_exhibitor.html"),
    ),
    (
        "admin_regions.html",
        include_str!("admin/templates/admin_regions.html"),
    ),
    (
        "admin_region.html",
        include_str!("admin/templates/admin_region.html"),
    ),
    (
        "admin_district.html",
        include_str!("admin/templates/admin_district.html"),
    ),
    (
        "admin_series_list.html",
        include_str!("admin/templates/admin_series_list.html"),
    ),
    (
        "admin_series.html",
        include_str!("admin/templates/admin_series.html"),
    ),
    (
        "admin_tokens.html",
        include_str!("admin/templates/admin_tokens.html"),
    ),
    (
        "admin_invite.html",
        include_str!("admin/templates/admin_invite.html"),
    ),
    (
        "admin_accept.html",
        include_str!("admin/templates/admin_accept.html"),
    ),
    (
        "admin_people.html",
        include_str!("admin/templates/admin_people.html"),
    ),
    (
        "admin_person.html",
        include_str!("admin/templates/admin_person.html"),
    ),
    (
        "admin_audit.html",
        include_str!("admin/templates/admin_audit.html"),
    ),
    (
        "admin_organisers.html",
        include_str!("admin/templates/admin_organisers.html"),
    ),
    (
        "admin_organiser.html",
        include_str!("admin/templates/admin_organiser.html"),
    ),
    (
        "admin_password.html",
        include_str!("admin/templates/admin_password.html"),
    ),
    (
        "admin_mail.html",
        include_str!("admin/templates/admin_mail.html"),
    ),
    (
        "admin_attendees.html",
        include_str!("admin/templates/admin_attendees.html"),
    ),
    (
        "admin_report.html",
        include_str!("admin/templates/admin_report.html"),
    ),
    (
        "admin_counts.html",
        include_str!("admin/templates/admin_counts.html"),
    ),
    (
        "checkin_show.html",
        include_str!("templates/checkin_show.html"),
    ),
    (
        "admin_checkin.html",
        include_str!("admin/templates/admin_checkin.html"),
    ),
    (
        "admin_checkin_outcome.html",
        include_str!("admin/templates/admin_checkin_outcome.html"),
    ),
    (
        "admin_checkin_scan.html",
        include_str!("admin/templates/admin_checkin_scan.html"),
    ),
    (
        "admin_sheet.html",
        include_str!("admin/templates/admin_sheet.html"),
    ),
];

impl Pages {
    pub fn new() -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        // `t("key")` looks the key up in the page's language.
        env.add_function("t", |state: &State, key: &str| -> String {
            page_lang(state).text(key).to_owned()
        });
        env.add_function("href", |state: &State, path: &str| -> String {
            with_lang(path, page_lang(state))
        });
        env.add_function("switch_href", |state: &State| -> String {
            let here = state.lookup("here");
            let here = here.as_ref().and_then(Value::as_str).unwrap_or("/");
            with_lang(here, other(page_lang(state)))
        });
        env.add_function("other_lang", |state: &State| -> String {
            other(page_lang(state)).code().to_owned()
        });
        // `<h1{{ cs() }}>`: the programme's own texts are Czech; on an English page they say so,
        // for screen readers and translation tools.
        env.add_function("cs", |state: &State| -> Value {
            match page_lang(state) {
                Lang::Cs => Value::from(""),
                Lang::En => Value::from_safe_string(r#" lang="cs""#.to_owned()),
            }
        });
        // Catch template mistakes at start-up rather than on the first visitor.
        for (name, _) in TEMPLATES {
            env.get_template(name)?;
        }
        Ok(Pages { env })
    }

    /// Renders `name` with `ctx`, adding the language. A failure is logged and becomes a 500.
    pub fn render(&self, name: &str, lang: Lang, ctx: Value) -> poem::Result<Html<String>> {
        let ctx = context! {
            lang => lang.code(),
            stylesheet => super::security::STYLESHEET_URL.as_str(),
            ..ctx
        };
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map(Html)
            .map_err(|err| {
                tracing::error!(template = name, error = %err, "page rendering failed");
                poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
            })
    }

    /// [`Pages::render`] as a response with `status`.
    pub fn respond(
        &self,
        status: StatusCode,
        name: &str,
        lang: Lang,
        ctx: Value,
    ) -> poem::Result<Response> {
        let html = self.render(name, lang, ctx)?;
        Ok(html
            .with_status(status)
            .with_header(header::CONTENT_LANGUAGE, lang.code())
            .into_response())
    }
}

fn page_lang(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default()
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Cs => Lang::En,
        Lang::En => Lang::Cs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_their_query_and_fragment_and_get_one_lang() {
        assert_eq!(with_lang("/", Lang::Cs), "/?lang=cs");
        assert_eq!(
            with_lang("/meetings?region=olomoucky-kraj&lang=cs", Lang::En),
            "/meetings?region=olomoucky-kraj&lang=en"
        );
        assert_eq!(
            with_lang("/fairs/x?activity=3#sign-up", Lang::En),
            "/fairs/x?activity=3&lang=en#sign-up"
        );
    }

    #[test]
    fn every_template_compiles() {
        Pages::new().unwrap();
    }

    /// Every `t("…")` with a literal key names a text that exists in both languages.
    #[test]
    fn every_text_a_template_asks_for_exists() {
        for (name, source) in TEMPLATES {
            for quote in ['"', '\''] {
                let opening = format!("t({quote}");
                for piece in source.split(&opening).skip(1) {
                    let key = piece.split(quote).next().unwrap();
                    let complete = piece[key.len() + 1..].starts_with(')');
                    if complete {
                        assert_ne!(Lang::En.text(key), "??", "{key} in {name}");
                    }
                }
            }
        }
        // The keys templates build from a value.
        let built = [
            "activity.not_bookable.closed",
            "activity.not_bookable.not_yet_open",
            "activity.not_bookable.open",
            "confirm.outcome.already",
            "confirm.outcome.clashed",
            "confirm.outcome.confirmed",
            "confirm.outcome.expired",
            "confirm.outcome.unknown",
            "fair.closed.cancelled",
            "fair.closed.closed",
            "fair.closed.not_yet_open",
            "manage.notice.already",
            "manage.notice.cancelled",
            "admin.exhibitor.status.applied",
            "admin.exhibitor.status.approved",
            "admin.exhibitor.status.rejected",
            "admin.notice.approved",
            "admin.notice.deleted",
            "admin.notice.rejected",
            "admin.notice.unchanged",
            "admin.notice.withdrawn",
            "admin.attendees.notice.added",
            "admin.attendees.notice.cancelled",
            "admin.attendees.notice.messaged",
            "admin.attendees.notice.moved",
            "checkin.outcome.already_checked_in",
            "checkin.outcome.checked_in",
            "checkin.outcome.not_admitted",
            "checkin.outcome.too_early",
            "checkin.outcome.undone",
            "checkin.outcome.wrong_activity",
            "checkin.verdict.admit",
            "checkin.verdict.already_checked_in",
            "checkin.verdict.not_admitted",
            "checkin.verdict.too_early",
            "checkin.verdict.wrong_activity",
        ];
        let statuses = [
            "pending",
            "confirmed",
            "waitlisted",
            "offered",
            "cancelled",
            "expired",
            "attended",
            "no_show",
        ];
        let errors = [
            "not_found",
            "too_many",
            "unavailable",
            "bad_request",
            "internal",
            "forbidden",
            "conflict",
        ];
        let keys = built
            .iter()
            .map(|k| k.to_string())
            .chain(statuses.iter().map(|s| format!("status.{s}")))
            .chain(
                crate::registration::ROLES
                    .iter()
                    .map(|r| format!("role.{r}")),
            )
            .chain(errors.iter().flat_map(|e| {
                [
                    format!("page_error.{e}.title"),
                    format!("page_error.{e}.text"),
                ]
            }));
        for key in keys {
            assert_ne!(Lang::Cs.text(&key), "??", "{key}");
        }
    }
}
