//! The observatory's one binary: command-line glue over `obs-app` and `obs-web`.
//!
//! Each subcommand parses its arguments, opens the store and calls one application function;
//! messages to the user are French, exit code 1 on any refusal or error.

mod cli;
mod commands;
mod jobs;
mod worker;
mod logging;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Err(e) = logging::init() {
        eprintln!("erreur : {e:#}");
        return ExitCode::FAILURE;
    }
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("erreur : {e:#}");
            ExitCode::FAILURE
        }
    }
}
