//! Page templates, compiled into the binary so it runs from any directory.

use minijinja::{Environment, State, Value, context};
use poem::{http::StatusCode, web::Html};

use crate::i18n::Lang;

/// The page template engine, built once at start-up (a broken template stops start-up).
pub struct Pages {
    env: Environment<'static>,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("home.html", include_str!("templates/home.html")),
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
        // Catch template mistakes at start-up rather than on the first visitor.
        for (name, _) in TEMPLATES {
            env.get_template(name)?;
        }
        Ok(Pages { env })
    }

    /// Renders `name` with `ctx`, adding the language. A failure is logged and becomes a 500.
    pub fn render(&self, name: &str, lang: Lang, ctx: Value) -> poem::Result<Html<String>> {
        let ctx = context! { lang => lang.code(), ..ctx };
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map(Html)
            .map_err(|err| {
                tracing::error!(template = name, error = %err, "page rendering failed");
                poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
            })
    }
}

fn page_lang(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default()
}
