//! Settings, read once at start-up.
//!
//! `Config::default()` *is* the embedded mode: a SQLite file in the working directory, mail written
//! as `.eml` files to `./mail-outbox/`, the demo programme loaded into an empty database. Every
//! setting can be overridden by an optional TOML file (`VELETRH_CONFIG=path`, keys in lower case
//! without the `VELETRH_` prefix, e.g. `bind = "0.0.0.0:8080"`) and then by the environment:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` | `sqlite://veletrh.db?mode=rwc` | `sqlite://…` or `postgres://…` |
//! | `SMTP_URL` | unset: mail goes to `VELETRH_MAIL_DIR` | `smtp://user:pass@host:587` (STARTTLS) or `smtps://…` |
//! | `VELETRH_MAIL_DIR` | `mail-outbox` | folder for `.eml` files when `SMTP_URL` is unset |
//! | `VELETRH_MAIL_FROM` | `Veletrh <veletrh@localhost>` | sender of every email |
//! | `VELETRH_MAIL_REPLY_TO` | unset: replies go to the sender | where replies to every email go, e.g. the organisers' inbox |
//! | `VELETRH_BIND` | `127.0.0.1:8080` | address the HTTP server listens on |
//! | `VELETRH_BASE_URL` | `http://` + bind address | public URL used in links, emails and feeds |
//! | `VELETRH_DEMO` | `true` | load the demo programme into an empty database |
//! | `VELETRH_HOLD_HOURS` | `24` | how long an unconfirmed sign-up holds its seat |
//! | `VELETRH_RETENTION_MONTHS` | `12` | personal data is anonymised this many months after a person's last activity ended; `0`: never |
//! | `VELETRH_LOG_FORMAT` | `text` | `text` or `json` |
//! | `VELETRH_SECRET_KEY` | unset: read from `VELETRH_SECRET_KEY_FILE` | base64 of 32 bytes; personal links are derived with it |
//! | `VELETRH_SECRET_KEY_FILE` | `veletrh.key` | created with a random key on first start when missing |
//! | `VELETRH_RATE_SIGNUPS_PER_IP` | `60` | sign-ups per minute from one address (a staff room shares one) |
//! | `VELETRH_RATE_SIGNUPS_PER_EMAIL` | `10` | sign-ups per hour for one email address |
//! | `VELETRH_RATE_TOKENS_PER_IP` | `120` | requests with personal links per minute from one address |
//! | `VELETRH_MAIL_TEMPLATES` | the templates built into the binary | folder shaped like `mail-templates/` |
//! | `VELETRH_MAIL_MAX_ATTEMPTS` | `8` | sending attempts before a message is marked failed |
//! | `VELETRH_MAIL_RETRY_SECONDS` | `30` | first retry wait; it doubles per attempt, up to an hour |
//! | `VELETRH_MAIL_LEASE_SECONDS` | `60` | how long a claimed message is hidden from other workers (longer than a send) |
//!
//! A value that does not parse stops start-up with one line naming the setting.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use lettre::{Address, message::Mailbox};
use serde::Deserialize;

use crate::{domain::token::LinkKey, limits::LimitSettings};
use url::Url;

/// Where outgoing mail goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// `.eml` files in a folder (the embedded default; nothing leaves the machine).
    Files(PathBuf),
    /// A real SMTP server. The URL may carry credentials, so it is kept out of `Debug` output by
    /// [`Config::mail_description`].
    Smtp(Url),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// Public URL without a trailing slash.
    pub base_url: String,
    pub mail: MailTransport,
    pub mail_from: Mailbox,
    /// Where replies go, when not to `mail_from` (often a system address nobody reads).
    pub mail_reply_to: Option<Mailbox>,
    pub load_demo: bool,
    pub hold: Duration,
    /// Months after a person's last activity ended until their data is anonymised; 0: never.
    pub retention_months: u32,
    pub log_format: LogFormat,
    pub mail_templates: Option<PathBuf>,
    /// Given directly (several instances must share one); else read from `secret_key_file`.
    pub secret_key: Option<LinkKey>,
    pub secret_key_file: PathBuf,
    pub mail_max_attempts: i32,
    pub mail_first_retry: Duration,
    pub mail_lease: Duration,
    pub limits: LimitSettings,
}

impl Default for Config {
    fn default() -> Self {
        let bind: SocketAddr = ([127, 0, 0, 1], 8080).into();
        Config {
            database_url: "sqlite://veletrh.db?mode=rwc".into(),
            bind,
            base_url: format!("http://{bind}"),
            mail: MailTransport::Files(PathBuf::from("mail-outbox")),
            mail_from: Mailbox::new(
                Some("Veletrh".into()),
                Address::new("veletrh", "localhost").expect("a valid constant address"),
            ),
            mail_reply_to: None,
            load_demo: true,
            hold: Duration::from_secs(24 * 3600),
            retention_months: 12,
            log_format: LogFormat::Text,
            mail_templates: None,
            secret_key: None,
            secret_key_file: PathBuf::from("veletrh.key"),
            mail_max_attempts: 8,
            mail_first_retry: Duration::from_secs(30),
            mail_lease: Duration::from_secs(60),
            limits: LimitSettings::default(),
        }
    }
}

/// A setting that could not be used: `name` is the variable (or TOML key) to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    pub name: String,
    pub problem: String,
}

impl ConfigError {
    fn new(name: &str, problem: impl Into<String>) -> Self {
        ConfigError {
            name: name.to_owned(),
            problem: problem.into(),
        }
    }
}

/// The TOML file: every key optional, same names as the variables without the prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    smtp_url: Option<String>,
    mail_dir: Option<String>,
    mail_from: Option<String>,
    mail_reply_to: Option<String>,
    bind: Option<String>,
    base_url: Option<String>,
    demo: Option<Scalar>,
    hold_hours: Option<Scalar>,
    retention_months: Option<Scalar>,
    log_format: Option<String>,
    mail_templates: Option<String>,
    secret_key: Option<String>,
    secret_key_file: Option<String>,
    mail_max_attempts: Option<Scalar>,
    mail_retry_seconds: Option<Scalar>,
    mail_lease_seconds: Option<Scalar>,
    rate_signups_per_ip: Option<Scalar>,
    rate_signups_per_email: Option<Scalar>,
    rate_tokens_per_ip: Option<Scalar>,
}

/// A TOML value given either as a string or as a bare boolean or number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Bool(bool),
    Int(i64),
}

/// The secret key: given, or read from its file, or made and written there on first start.
pub fn load_or_create_key(config: &Config) -> Result<LinkKey, ConfigError> {
    if let Some(key) = &config.secret_key {
        return Ok(key.clone());
    }
    let path = &config.secret_key_file;
    let fail = |problem: String| ConfigError::new("VELETRH_SECRET_KEY_FILE", problem);
    match std::fs::read_to_string(path) {
        Ok(text) => LinkKey::from_base64(&text).ok_or_else(|| {
            fail(format!(
                "{} does not hold base64 of 32 bytes",
                path.display()
            ))
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let key = LinkKey::generate();
            write_private(path, &key.to_base64())
                .map_err(|e| fail(format!("cannot create {}: {e}", path.display())))?;
            Ok(key)
        }
        Err(err) => Err(fail(format!("cannot read {}: {err}", path.display()))),
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

impl Config {
    /// Reads the process environment (and the file named by `VELETRH_CONFIG`).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as [`Config::from_env`] with the environment given as a function, so tests need not
    /// touch the process environment.
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match env("VELETRH_CONFIG") {
            Some(path) => read_file(&path)?,
            None => FileSettings::default(),
        };
        // The environment wins over the file; a TOML scalar is taken in its text form.
        let get = |var: &str, from_file: Option<String>| env(var).or(from_file);
        let scalar = |v: Option<Scalar>| {
            v.map(|v| match v {
                Scalar::Text(s) => s,
                Scalar::Bool(b) => b.to_string(),
                Scalar::Int(i) => i.to_string(),
            })
        };

        let mut config = Config::default();
        if let Some(url) = get("DATABASE_URL", file.database_url) {
            config.database_url = parse_database_url(&url)?;
        }
        if let Some(bind) = get("VELETRH_BIND", file.bind) {
            config.bind = bind.trim().parse().map_err(|_| {
                ConfigError::new(
                    "VELETRH_BIND",
                    format!("'{bind}' is not an address with a port, e.g. 127.0.0.1:8080"),
                )
            })?;
        }
        config.base_url = match get("VELETRH_BASE_URL", file.base_url) {
            Some(url) => parse_base_url(&url)?,
            None => format!("http://{}", config.bind),
        };
        if let Some(dir) = get("VELETRH_MAIL_DIR", file.mail_dir) {
            if dir.trim().is_empty() {
                return Err(ConfigError::new("VELETRH_MAIL_DIR", "must not be empty"));
            }
            config.mail = MailTransport::Files(PathBuf::from(dir));
        }
        if let Some(url) = get("SMTP_URL", file.smtp_url) {
            config.mail = MailTransport::Smtp(parse_smtp_url(&url)?);
        }
        if let Some(from) = get("VELETRH_MAIL_FROM", file.mail_from) {
            config.mail_from = from.trim().parse().map_err(|_| {
                ConfigError::new(
                    "VELETRH_MAIL_FROM",
                    format!("'{from}' is not a mailbox, e.g. Veletrh <veletrh@example.cz>"),
                )
            })?;
        }
        if let Some(to) = get("VELETRH_MAIL_REPLY_TO", file.mail_reply_to) {
            config.mail_reply_to = Some(to.trim().parse().map_err(|_| {
                ConfigError::new(
                    "VELETRH_MAIL_REPLY_TO",
                    format!("'{to}' is not a mailbox, e.g. Organizátoři <tym@example.cz>"),
                )
            })?);
        }
        if let Some(demo) = get("VELETRH_DEMO", scalar(file.demo)) {
            config.load_demo = parse_bool("VELETRH_DEMO", &demo)?;
        }
        if let Some(hours) = get("VELETRH_HOLD_HOURS", scalar(file.hold_hours)) {
            let hours = parse_number("VELETRH_HOLD_HOURS", &hours, 1, 24 * 14)?;
            config.hold = Duration::from_secs(hours * 3600);
        }
        if let Some(months) = get("VELETRH_RETENTION_MONTHS", scalar(file.retention_months)) {
            config.retention_months =
                parse_number("VELETRH_RETENTION_MONTHS", &months, 0, 1200)? as u32;
        }
        if let Some(dir) = get("VELETRH_MAIL_TEMPLATES", file.mail_templates) {
            config.mail_templates = Some(PathBuf::from(dir));
        }
        if let Some(key) = get("VELETRH_SECRET_KEY", file.secret_key) {
            config.secret_key = Some(LinkKey::from_base64(&key).ok_or_else(|| {
                ConfigError::new(
                    "VELETRH_SECRET_KEY",
                    "not base64 of 32 bytes (make one with: head -c32 /dev/urandom | base64)",
                )
            })?);
        }
        if let Some(path) = get("VELETRH_SECRET_KEY_FILE", file.secret_key_file) {
            config.secret_key_file = PathBuf::from(path);
        }
        if let Some(n) = get("VELETRH_MAIL_MAX_ATTEMPTS", scalar(file.mail_max_attempts)) {
            config.mail_max_attempts =
                parse_number("VELETRH_MAIL_MAX_ATTEMPTS", &n, 1, 100)? as i32;
        }
        if let Some(s) = get(
            "VELETRH_MAIL_RETRY_SECONDS",
            scalar(file.mail_retry_seconds),
        ) {
            let seconds = parse_number("VELETRH_MAIL_RETRY_SECONDS", &s, 0, 3600)?;
            config.mail_first_retry = Duration::from_secs(seconds);
        }
        if let Some(s) = get(
            "VELETRH_MAIL_LEASE_SECONDS",
            scalar(file.mail_lease_seconds),
        ) {
            let seconds = parse_number("VELETRH_MAIL_LEASE_SECONDS", &s, 1, 3600)?;
            config.mail_lease = Duration::from_secs(seconds);
        }
        let rates = [
            (
                "VELETRH_RATE_SIGNUPS_PER_IP",
                scalar(file.rate_signups_per_ip),
            ),
            (
                "VELETRH_RATE_SIGNUPS_PER_EMAIL",
                scalar(file.rate_signups_per_email),
            ),
            (
                "VELETRH_RATE_TOKENS_PER_IP",
                scalar(file.rate_tokens_per_ip),
            ),
        ];
        for (name, from_file) in rates {
            if let Some(value) = get(name, from_file) {
                let n = parse_number(name, &value, 1, 1_000_000)? as u32;
                let limits = &mut config.limits;
                match name {
                    "VELETRH_RATE_SIGNUPS_PER_IP" => limits.sign_ups_per_ip_per_minute = n,
                    "VELETRH_RATE_SIGNUPS_PER_EMAIL" => limits.sign_ups_per_email_per_hour = n,
                    _ => limits.token_requests_per_ip_per_minute = n,
                }
            }
        }
        if let Some(format) = get("VELETRH_LOG_FORMAT", file.log_format) {
            config.log_format = match format.trim() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError::new(
                        "VELETRH_LOG_FORMAT",
                        format!("'{format}' is neither 'text' nor 'json'"),
                    ));
                }
            };
        }
        Ok(config)
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The database for the start-up banner, without a password.
    pub fn database_description(&self) -> String {
        redact(&self.database_url)
    }

    /// Where mail goes, for the start-up banner, without a password.
    pub fn mail_description(&self) -> String {
        match &self.mail {
            MailTransport::Files(dir) => format!(".eml files in {}", dir.display()),
            MailTransport::Smtp(url) => format!("SMTP {}", redact(url.as_str())),
        }
    }
}

fn read_file(path: &str) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new("VELETRH_CONFIG", format!("cannot read '{path}': {e}")))?;
    toml::from_str(&text).map_err(|e| {
        let what = e.message().to_owned();
        ConfigError::new("VELETRH_CONFIG", format!("'{path}': {what}"))
    })
}

fn parse_database_url(url: &str) -> Result<String, ConfigError> {
    let url = url.trim();
    if url.starts_with("sqlite:") {
        return Ok(url.to_owned());
    }
    match Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "postgres" | "postgresql") => {
            if parsed.host_str().is_none_or(str::is_empty) && !url.contains("host=") {
                return Err(ConfigError::new(
                    "DATABASE_URL",
                    "a postgres:// URL needs a host",
                ));
            }
            Ok(url.to_owned())
        }
        _ => Err(ConfigError::new(
            "DATABASE_URL",
            format!(
                "'{}' is neither sqlite://FILE nor postgres://USER@HOST/DB",
                redact(url)
            ),
        )),
    }
}

fn parse_base_url(url: &str) -> Result<String, ConfigError> {
    match Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {
            Ok(url.trim().trim_end_matches('/').to_owned())
        }
        _ => Err(ConfigError::new(
            "VELETRH_BASE_URL",
            format!("'{url}' is not an http(s) URL, e.g. https://veletrh.example.cz"),
        )),
    }
}

fn parse_smtp_url(url: &str) -> Result<Url, ConfigError> {
    match Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "smtp" | "smtps") && parsed.host().is_some() => {
            if crate::mail::transport::valid_tls_mode(&parsed) {
                Ok(parsed)
            } else {
                Err(ConfigError::new(
                    "SMTP_URL",
                    "tls= must be none, required or opportunistic",
                ))
            }
        }
        _ => Err(ConfigError::new(
            "SMTP_URL",
            format!(
                "'{}' is not smtp://HOST[:PORT] or smtps://HOST[:PORT]",
                redact(url)
            ),
        )),
    }
}

fn parse_number(name: &str, value: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
    value
        .trim()
        .parse()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            ConfigError::new(
                name,
                format!("'{value}' is not a whole number from {min} to {max}"),
            )
        })
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::new(
            name,
            format!("'{value}' is not true or false"),
        )),
    }
}

/// Hides the password of a URL (`postgres://me:secret@db/x` → `postgres://me:***@db/x`).
fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn nothing_set_is_the_embedded_default() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://veletrh.db?mode=rwc");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.mail, MailTransport::Files("mail-outbox".into()));
        assert!(c.load_demo);
    }

    #[test]
    fn each_bad_value_names_its_setting() {
        let cases = [
            ("DATABASE_URL", "mysql://x/y"),
            ("DATABASE_URL", "postgres://"),
            ("VELETRH_BIND", "localhost"),
            ("VELETRH_BASE_URL", "ftp://x"),
            ("SMTP_URL", "http://mail"),
            ("VELETRH_MAIL_FROM", "not a mailbox"),
            ("VELETRH_MAIL_REPLY_TO", "tym@"),
            ("VELETRH_DEMO", "maybe"),
            ("VELETRH_HOLD_HOURS", "0"),
            ("VELETRH_LOG_FORMAT", "xml"),
            ("SMTP_URL", "smtp://mail?tls=sometimes"),
            ("VELETRH_MAIL_MAX_ATTEMPTS", "0"),
            ("VELETRH_MAIL_RETRY_SECONDS", "-1"),
            ("VELETRH_SECRET_KEY", "c2hvcnQ="),
            ("VELETRH_RATE_SIGNUPS_PER_IP", "0"),
            ("VELETRH_CONFIG", "/nonexistent/veletrh.toml"),
        ];
        for (name, value) in cases {
            let err = config(&[(name, value)]).expect_err(name);
            assert_eq!(err.name, name, "{name}={value} gave {err}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn passwords_never_reach_the_banner_or_errors() {
        let c = config(&[("DATABASE_URL", "postgres://me:hunter2@db/veletrh")]).unwrap();
        assert!(!c.database_description().contains("hunter2"));
        let c = config(&[("SMTP_URL", "smtps://me:hunter2@mail:465")]).unwrap();
        assert!(!c.mail_description().contains("hunter2"));
        let err = config(&[("SMTP_URL", "http://me:hunter2@mail")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veletrh.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\ndemo = false\nhold_hours = 2\n",
        )
        .unwrap();
        let path = path.to_str().unwrap();
        let c = config(&[("VELETRH_CONFIG", path), ("VELETRH_BIND", "127.0.0.1:9001")]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:9001");
        assert!(!c.load_demo);
        assert_eq!(c.hold, Duration::from_secs(7200));
    }

    #[test]
    fn the_key_file_is_made_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            secret_key_file: dir.path().join("veletrh.key"),
            ..Config::default()
        };
        let first = load_or_create_key(&config).unwrap();
        let second = load_or_create_key(&config).unwrap();
        assert_eq!(first.to_base64(), second.to_base64());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config.secret_key_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veletrh.toml");
        std::fs::write(&path, "bnid = \"0.0.0.0:9000\"\n").unwrap();
        let err = config(&[("VELETRH_CONFIG", path.to_str().unwrap())]).unwrap_err();
        assert_eq!(err.name, "VELETRH_CONFIG");
        assert!(err.problem.contains("bnid"), "{err}");
    }
}
