//! Where rendered messages go: a real SMTP server, or `.eml` files in a folder (the embedded
//! default). Both are lettre transports behind one enum chosen at start-up.

use std::{path::PathBuf, time::Duration};

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

use crate::config::MailTransport;

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

/// A send that did not go through; `permanent` when retrying cannot help (a 5xx refusal).
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl Mailer {
    pub fn new(transport: &MailTransport) -> Result<Mailer, String> {
        Ok(match transport {
            MailTransport::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create the mail folder {}: {e}", dir.display()))?;
                Mailer::Files(AsyncFileTransport::new(PathBuf::from(dir)))
            }
            MailTransport::Smtp(url) => {
                let url = lettre_url(url);
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Mailer::Smtp(transport)
            }
        })
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Mailer::Files(files) => files.send(message).await.map(drop).map_err(|e| SendError {
                permanent: false,
                message: e.to_string(),
            }),
        }
    }
}

/// Our `SMTP_URL` → lettre's. `smtp://host` means STARTTLS required (credentials never travel
/// in clear by default); `?tls=none` allows a plain connection (a relay on the same host),
/// `?tls=opportunistic` STARTTLS when offered; `smtps://` is TLS from the first byte.
fn lettre_url(url: &Url) -> Url {
    let mut url = url.clone();
    if url.scheme() == "smtp" {
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let others: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "tls")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.set_query(None);
        {
            let mut query = url.query_pairs_mut();
            query.extend_pairs(others);
            match tls.as_deref() {
                Some("none") => {}
                Some(other) => {
                    query.append_pair("tls", other);
                }
                None => {
                    query.append_pair("tls", "required");
                }
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
    url
}

/// Whether a `tls` parameter of an `smtp://` URL is one we understand.
pub fn valid_tls_mode(url: &Url) -> bool {
    url.query_pairs()
        .filter(|(k, _)| k == "tls")
        .all(|(_, v)| matches!(v.as_ref(), "none" | "required" | "opportunistic"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_means_starttls_unless_told_otherwise() {
        let convert = |s: &str| lettre_url(&Url::parse(s).unwrap()).to_string();
        assert_eq!(convert("smtp://mail:587"), "smtp://mail:587?tls=required");
        assert_eq!(
            convert("smtp://127.0.0.1:2525?tls=none"),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(
            convert("smtp://u:p@mail?tls=opportunistic"),
            "smtp://u:p@mail?tls=opportunistic"
        );
        assert_eq!(convert("smtps://mail:465"), "smtps://mail:465");
    }
}
