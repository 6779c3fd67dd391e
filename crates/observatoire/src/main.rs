//! The observatory's one binary: command-line glue over `obs-app` and `obs-web`.
//!
//! Each subcommand parses its arguments, opens the store and calls one application function;
//! messages to the user are French, exit code 1 on any refusal or error.

mod cli;
mod commands;
mod jobs;
mod worker;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OBS_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("erreur : {e:#}");
            ExitCode::FAILURE
        }
    }
}
