//! `veletrh export`: an attendee list into a file or onto standard output.

use std::path::PathBuf;

use anyhow::{Context, bail};
use entity::enums::RegistrationStatus;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sea_orm::{EntityTrait, Iterable};

use super::{AttendeeQuery, Column, DEFAULT_COLUMNS, ExportRequest, Format, Scope, attendees};
use crate::{config::Config, i18n::Lang, programme, startup};

/// Write the attendee list of a fair's workshops or of one workshop or meeting.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).args(["fair", "activity"])))]
pub struct ExportArgs {
    /// Every workshop of the fair with this slug.
    #[arg(long, value_name = "SLUG")]
    pub fair: Option<String>,
    /// One workshop or meeting, by id.
    #[arg(long, value_name = "ID")]
    pub activity: Option<i32>,
    /// Comma-separated statuses (pending, confirmed, waitlisted, offered, cancelled, expired,
    /// attended), or `all`. Default: the live ones (all but cancelled and expired).
    #[arg(long, value_name = "LIST")]
    pub status: Option<String>,
    /// Only people whose name, email or organisation contains this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Comma-separated columns: name, email, organisation, role, district, region, activity,
    /// starts_at, status, registered_at, confirmed_at, checked_in_at. Default: name, email,
    /// organisation, activity, starts_at, status.
    #[arg(long, value_name = "LIST")]
    pub columns: Option<String>,
    /// csv, csv-excel (`;`-separated, for Czech Excel), xlsx or json.
    #[arg(long, default_value = "csv")]
    pub format: Format,
    /// Language of the header and of statuses and roles: cs or en.
    #[arg(long, default_value = "cs")]
    pub lang: String,
    /// The file to write (replaced only once the export is complete); standard output without.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Statuses from `--status`: `None` is the live ones, `all` (or an empty list) every status.
pub fn parse_statuses(list: Option<&str>) -> anyhow::Result<Vec<RegistrationStatus>> {
    let Some(list) = list else {
        return Ok(RegistrationStatus::iter().filter(|s| s.is_live()).collect());
    };
    if list.trim().eq_ignore_ascii_case("all") {
        return Ok(Vec::new());
    }
    let mut statuses = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let status = RegistrationStatus::iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(item))
            .with_context(|| {
                let choices: Vec<_> = RegistrationStatus::iter().map(|s| s.as_str()).collect();
                format!(
                    "unknown status `{item}` (choose from: {}, all)",
                    choices.join(", ")
                )
            })?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

pub async fn run(config: &Config, args: ExportArgs) -> anyhow::Result<()> {
    let lang = Lang::parse(&args.lang).context("--lang must be cs or en")?;
    let columns = match &args.columns {
        Some(list) => Column::parse_list(list)?,
        None => DEFAULT_COLUMNS.to_vec(),
    };
    let statuses = parse_statuses(args.status.as_deref())?;
    let db = startup::open_database(config).await?;
    let conn = db.conn();
    let (scope, subject) = match (&args.fair, args.activity) {
        (Some(slug), _) => {
            let fair = programme::fair_by_slug(conn, slug)
                .await?
                .with_context(|| format!("no fair with the slug `{slug}`"))?;
            (Scope::Fair(fair.id), fair.slug)
        }
        (None, Some(id)) => {
            entity::activity::Entity::find_by_id(id)
                .one(conn)
                .await?
                .with_context(|| format!("no workshop or meeting with the id {id}"))?;
            (Scope::Activity(id), format!("activity-{id}"))
        }
        (None, None) => bail!("say --fair SLUG or --activity ID"),
    };
    let request = ExportRequest {
        query: AttendeeQuery {
            scope,
            statuses,
            search: args.search.clone(),
        },
        columns,
        format: args.format,
        lang,
    };
    let Some(path) = args.output else {
        super::write(conn, &request, tokio::io::stdout(), |_| {}).await?;
        return Ok(());
    };
    let total = attendees::count(conn, &request.query).await?;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {elapsed}  {msg}")
            .expect("a valid template"),
    );
    // Written beside the target and renamed at the end: a failed export leaves the old file.
    let partial = path.with_extension(format!("{}.part", args.format.extension()));
    let file = tokio::fs::File::create(&partial)
        .await
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let written = super::write(
        conn,
        &request,
        tokio::io::BufWriter::with_capacity(256 * 1024, file),
        |rows| bar.set_position(rows),
    )
    .await;
    let written = match written {
        Ok(written) => written,
        Err(err) => {
            bar.abandon();
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(err.into());
        }
    };
    tokio::fs::rename(&partial, &path)
        .await
        .with_context(|| format!("cannot write {}", path.display()))?;
    bar.finish_and_clear();
    eprintln!(
        "{written} row(s) of {} written to {} ({subject})",
        request.format,
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_default_to_the_live_ones_and_all_means_no_filter() {
        let live = parse_statuses(None).unwrap();
        assert!(live.contains(&RegistrationStatus::Confirmed));
        assert!(!live.contains(&RegistrationStatus::Cancelled));
        assert!(parse_statuses(Some("all")).unwrap().is_empty());
        assert_eq!(
            parse_statuses(Some("Confirmed, attended,confirmed")).unwrap(),
            [RegistrationStatus::Confirmed, RegistrationStatus::Attended]
        );
        assert!(parse_statuses(Some("maybe")).is_err());
    }
}
