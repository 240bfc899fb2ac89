//! The command line: `veletrh` (= `veletrh serve`), `veletrh migrate`, `veletrh demo`,
//! `veletrh export`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use veletrh::{
    config::Config,
    demo,
    i18n::Lang,
    mail::{self, MailKind, MailTemplates},
    startup::{self, Application},
    telemetry,
};

#[derive(Parser)]
#[command(
    version,
    about = "Sign-up for education fairs, workshops and regional meetings"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Load the demo programme unless it is already there.
    Demo,
    /// Email tools.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Organiser accounts.
    #[command(subcommand)]
    Organiser(OrganiserCommand),
    /// Write the attendee list of a fair or an activity (CSV, CSV for Czech Excel, XLSX, JSON).
    Export(veletrh::export::ExportArgs),
    /// Anonymise the people whose every activity ended more than VELETRH_RETENTION_MONTHS ago.
    Retention {
        /// Only count them.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum OrganiserCommand {
    /// Create an account and print its initial password: `--admin`, `--role organiser --fair
    /// SLUG`, `--role organiser --region SLUG` or `--role viewer`.
    Add {
        email: String,
        /// An administrator (may do everything).
        #[arg(long)]
        admin: bool,
        /// admin, organiser or viewer.
        #[arg(long)]
        role: Option<String>,
        /// The fair a fair organiser manages (its slug).
        #[arg(long, conflicts_with = "region")]
        fair: Option<String>,
        /// The region whose meetings a regional organiser manages (its slug).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Print a message of KIND rendered with sample data (subject, text part, HTML part).
    Preview {
        kind: MailKind,
        #[arg(long, default_value = "cs")]
        lang: String,
    },
    /// Read a delivery status notification (bounce) on standard input and mark its failed
    /// recipients as unreachable.
    Bounce,
    /// List messages that failed for good, how many wait, and which addresses bounce.
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => return fail(err),
    };
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => return fail(err),
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => {
                startup::open_database(&config).await?;
                println!("database is up to date: {}", config.database_description());
                Ok(())
            }
            Command::Demo => {
                let db = startup::open_database(&config).await?;
                let loaded = demo::load(&db, chrono::Local::now().date_naive()).await?;
                println!(
                    "{}",
                    if loaded {
                        "demo programme loaded"
                    } else {
                        "demo programme already present"
                    }
                );
                Ok(())
            }
            Command::Export(args) => veletrh::export::cli::run(&config, args).await,
            Command::Retention { dry_run } => {
                println!(
                    "{}",
                    veletrh::organiser::privacy::retention_cli(config, dry_run).await?
                );
                Ok(())
            }
            Command::Mail(MailCommand::Preview { kind, lang }) => preview(&config, kind, &lang),
            Command::Organiser(OrganiserCommand::Add {
                email,
                admin,
                role,
                fair,
                region,
                name,
            }) => {
                let args = veletrh::organiser::cli::AddArgs {
                    email,
                    admin,
                    role,
                    fair,
                    region,
                    name,
                };
                println!("{}", veletrh::organiser::cli::add(&config, args).await?);
                Ok(())
            }
            Command::Mail(MailCommand::Status) => {
                let db = startup::open_database(&config).await?;
                print!("{}", mail::report::report(&db).await?);
                Ok(())
            }
            Command::Mail(MailCommand::Bounce) => {
                use std::io::Read;
                let mut raw = Vec::new();
                std::io::stdin().read_to_end(&mut raw)?;
                let bounces = mail::bounce::parse(&raw)?;
                let db = startup::open_database(&config).await?;
                let known = mail::bounce::record(&db, &bounces).await?;
                for b in &bounces {
                    println!("bouncing: {} ({} {})", b.address, b.status, b.reason);
                }
                println!(
                    "{} failed recipient(s), {known} known participant(s) marked",
                    bounces.len()
                );
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(err),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    let stop = startup::shutdown_signal()?;
    println!("{}", app.banner());
    app.run_until_stopped(stop).await?;
    Ok(())
}

fn preview(config: &Config, kind: MailKind, lang: &str) -> anyhow::Result<()> {
    let lang = Lang::parse(lang).ok_or_else(|| anyhow::anyhow!("--lang must be cs or en"))?;
    let templates = match &config.mail_templates {
        Some(dir) => MailTemplates::from_dir(dir)?,
        None => MailTemplates::embedded()?,
    };
    let rendered = templates.render(kind, lang, &mail::preview::sample(kind, lang))?;
    println!(
        "Subject: {}\n\n{}\n---- HTML ----\n{}",
        rendered.subject, rendered.text, rendered.html
    );
    Ok(())
}

/// One line on stderr and a non-zero exit: no panic, no backtrace.
fn fail(err: impl std::fmt::Display) -> ExitCode {
    eprintln!("veletrh: {err}");
    ExitCode::FAILURE
}
