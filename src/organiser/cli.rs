//! `veletrh organiser add EMAIL [--admin | --role organiser --fair SLUG | --role organiser
//! --region SLUG | --role viewer] [--name NAME]`: makes an account and prints its initial
//! password (shown once; only its argon2 hash is stored).

use entity::enums::OrganiserRole;

use super::{ManageError, accounts};
use crate::{config::Config, i18n::Lang, startup};

/// The arguments of `organiser add`, as typed.
pub struct AddArgs {
    pub email: String,
    pub admin: bool,
    pub role: Option<String>,
    pub fair: Option<String>,
    pub region: Option<String>,
    pub name: Option<String>,
}

/// Runs `organiser add`; the text to print, or one line saying what is wrong.
pub async fn add(config: &Config, args: AddArgs) -> anyhow::Result<String> {
    let role = match (args.admin, args.role.as_deref()) {
        (true, None | Some("admin")) => OrganiserRole::Admin,
        (true, Some(_)) => anyhow::bail!("--admin and --role cannot be combined"),
        (false, Some("admin")) => OrganiserRole::Admin,
        (false, Some("organiser")) => OrganiserRole::Organiser,
        (false, Some("viewer")) => OrganiserRole::Viewer,
        (false, Some(other)) => {
            anyhow::bail!("--role must be admin, organiser or viewer, not '{other}'")
        }
        (false, None) => anyhow::bail!(
            "say which role: --admin, --role organiser --fair SLUG, --role organiser --region \
             SLUG, or --role viewer"
        ),
    };
    let db = startup::open_database(config).await?;
    let fair_id = match &args.fair {
        Some(slug) => Some(
            accounts::fair_by_slug(&db, slug)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no fair with the slug '{slug}'"))?
                .id,
        ),
        None => None,
    };
    let region_id = match &args.region {
        Some(slug) => Some(
            accounts::region_by_slug(&db, slug)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no region with the slug '{slug}'"))?
                .id,
        ),
        None => None,
    };
    let name = args.name.unwrap_or_default();
    let new = accounts::NewOrganiser::parse(&args.email, &name, role, fair_id, region_id)
        .map_err(|errors| anyhow::anyhow!(describe(&errors)))?;
    let result = accounts::add(&db, new).await;
    db.close().await;
    match result {
        Ok((account, password)) => Ok(format!(
            "organiser {} ({}) created; initial password: {password}\nsign in at {url}/admin/login \
             and change it at {url}/admin/password",
            account.email,
            account.role,
            url = config.base_url
        )),
        Err(ManageError::Invalid(errors)) => anyhow::bail!(describe(&errors)),
        Err(other) => Err(other.into()),
    }
}

fn describe(errors: &[crate::domain::FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, Lang::En.field_error(e)))
        .collect::<Vec<_>>()
        .join("; ")
}
