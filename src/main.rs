//! The command line: `veletrh` (= `veletrh serve`), `veletrh migrate`, `veletrh demo`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use veletrh::{
    config::Config,
    demo,
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

/// One line on stderr and a non-zero exit: no panic, no backtrace.
fn fail(err: impl std::fmt::Display) -> ExitCode {
    eprintln!("veletrh: {err}");
    ExitCode::FAILURE
}
