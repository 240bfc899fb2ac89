//! The email templates of `mail-templates/<lang>/<kind>/{subject.txt, body.txt, body.html}`.
//!
//! They are compiled into the binary, so it runs from any directory; `VELETRH_MAIL_TEMPLATES`
//! points at a folder of the same shape to use edited ones without a rebuild. Either way every
//! kind is rendered in both languages with sample data when the templates are loaded, so a
//! mistake stops start-up with its file and line instead of failing at the first send.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

use super::{MailKind, preview};
use crate::i18n::Lang;

pub struct MailTemplates {
    env: Environment<'static>,
}

/// A message's three parts, ready for lettre.
#[derive(Debug)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A template that does not compile or render: the text names the file and line.
#[derive(Debug, thiserror::Error)]
#[error("mail template {0}")]
pub struct TemplateError(String);

macro_rules! embed_language {
    ($lang:literal; $($kind:literal),*) => {
        [
            (concat!($lang, "/base.txt"), include_str!(concat!("../../mail-templates/", $lang, "/base.txt"))),
            (concat!($lang, "/base.html"), include_str!(concat!("../../mail-templates/", $lang, "/base.html"))),
            (concat!($lang, "/seat.txt"), include_str!(concat!("../../mail-templates/", $lang, "/seat.txt"))),
            (concat!($lang, "/seat.html"), include_str!(concat!("../../mail-templates/", $lang, "/seat.html"))),
            $(
                (concat!($lang, "/", $kind, "/subject.txt"),
                 include_str!(concat!("../../mail-templates/", $lang, "/", $kind, "/subject.txt"))),
                (concat!($lang, "/", $kind, "/body.txt"),
                 include_str!(concat!("../../mail-templates/", $lang, "/", $kind, "/body.txt"))),
                (concat!($lang, "/", $kind, "/body.html"),
                 include_str!(concat!("../../mail-templates/", $lang, "/", $kind, "/body.html"))),
            )*
        ]
    };
}

macro_rules! embed_all_kinds {
    ($lang:literal) => {
        embed_language!($lang;
            "confirm_request", "registration_confirmed", "waitlisted", "seat_offered",
            "cancelled_by_attendee", "cancelled_by_organiser", "activity_changed", "reminder",
            "exhibitor_received", "exhibitor_approved", "exhibitor_rejected",
            "organiser_invitation", "removed_by_organiser", "moved_by_organiser",
            "already_signed_up", "organiser_message", "attended")
    };
}

const CS: [(&str, &str); 55] = embed_all_kinds!("cs");
const EN: [(&str, &str); 55] = embed_all_kinds!("en");

impl MailTemplates {
    /// The templates compiled into the binary, checked.
    pub fn embedded() -> Result<Self, TemplateError> {
        let mut env = new_env();
        for (name, source) in CS.iter().chain(EN.iter()) {
            env.add_template(name, source).map_err(describe)?;
        }
        Self::checked(env)
    }

    /// The templates of a folder shaped like `mail-templates/`, checked.
    pub fn from_dir(dir: &Path) -> Result<Self, TemplateError> {
        if !dir.is_dir() {
            return Err(TemplateError(format!(
                "folder {} does not exist",
                dir.display()
            )));
        }
        let mut env = new_env();
        env.set_loader(minijinja::path_loader(dir));
        Self::checked(env)
    }

    fn checked(env: Environment<'static>) -> Result<Self, TemplateError> {
        let templates = MailTemplates { env };
        for kind in MailKind::ALL {
            for lang in [Lang::Cs, Lang::En] {
                templates
                    .render(kind, lang, &preview::sample(kind, lang))
                    .map_err(describe)?;
            }
        }
        Ok(templates)
    }

    pub fn render(
        &self,
        kind: MailKind,
        lang: Lang,
        data: &Value,
    ) -> Result<Rendered, minijinja::Error> {
        let part = |file: &str| {
            let name = format!("{}/{}/{file}", lang.code(), kind.as_str());
            self.env.get_template(&name)?.render(data)
        };
        Ok(Rendered {
            subject: one_line(&part("subject.txt")?),
            text: part("body.txt")?,
            html: part("body.html")?,
        })
    }
}

fn new_env() -> Environment<'static> {
    let mut env = Environment::new();
    // A misspelt variable is an error, not an empty string in someone's inbox.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env
}

/// A subject is one line: control characters (a CR/LF smuggled in through a title or a name)
/// become spaces and runs of spaces collapse, so no data can add a header.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// minijinja's error with the template name and line, and the cause when there is one.
fn describe(err: minijinja::Error) -> TemplateError {
    let place = match (err.name(), err.line()) {
        (Some(name), Some(line)) => format!("{name}:{line}"),
        (Some(name), None) => name.to_owned(),
        _ => "?".to_owned(),
    };
    let detail = err
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| err.kind().to_string());
    TemplateError(format!("{place}: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_renders_in_both_languages_with_diacritics() {
        let templates = MailTemplates::embedded().expect("embedded templates are valid");
        for kind in MailKind::ALL {
            for lang in [Lang::Cs, Lang::En] {
                let r = templates
                    .render(kind, lang, &preview::sample(kind, lang))
                    .unwrap();
                assert!(!r.subject.is_empty(), "{kind:?} {lang:?}");
                assert!(
                    r.html.contains(&format!("lang=\"{}\"", lang.code())),
                    "{kind:?}"
                );
                let signature = match lang {
                    Lang::Cs => "Registrace na veletrhy a setkání okresních partnerství",
                    Lang::En => "Sign-ups for education fairs and district partnership meetings",
                };
                assert!(r.text.contains(signature), "{kind:?} {lang:?}");
                assert!(r.html.contains(signature), "{kind:?} {lang:?}");
            }
        }
    }

    #[test]
    fn html_escapes_names_and_plain_text_keeps_them() {
        let templates = MailTemplates::embedded().unwrap();
        // English greets by name; Czech says "Dobrý den," (the nominative reads wrong there).
        let mut data = preview::sample(MailKind::Waitlisted, Lang::En);
        data["person_name"] = "Jana <script>alert(1)</script>".into();
        let r = templates
            .render(MailKind::Waitlisted, Lang::En, &data)
            .unwrap();
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(r.text.contains("Jana <script>alert(1)</script>"));
    }

    #[test]
    fn a_broken_template_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/mail-templates");
        copy_dir(Path::new(root), dir.path());
        let broken = dir.path().join("en/reminder/body.txt");
        std::fs::write(&broken, "line one\n{% if %}\n").unwrap();
        let err = MailTemplates::from_dir(dir.path())
            .err()
            .expect("must fail");
        assert!(err.to_string().contains("en/reminder/body.txt:2"), "{err}");
    }

    fn copy_dir(from: &Path, to: &Path) {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    proptest! {
        #[test]
        fn a_subject_never_spans_lines(text in "\\PC*|.*[\r\n\u{b}\u{c}\u{85}\u{2028}].*") {
            let line = one_line(&text);
            prop_assert!(!line.chars().any(|c| c.is_control() || c == '\u{2028}'), "{line:?}");
        }
    }
}
