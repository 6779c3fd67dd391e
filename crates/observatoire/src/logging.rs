//! Logs on standard error, as text for people or as JSON lines for a log collector.
//!
//! `OBSERVATOIRE_LOG_FORMAT=json` selects JSON (one object per line, with the request's span,
//! hence its id); `texte` (the default) selects text. `OBS_LOG` filters by level and target
//! (`info` by default, e.g. `OBS_LOG=warn,obs_web::requete=info`).

use anyhow::{Result, bail};

/// The environment variable choosing the format.
const FORMAT_ENV: &str = "OBSERVATOIRE_LOG_FORMAT";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

fn format_from(value: Option<&str>) -> Result<Format> {
    match value.map(str::trim) {
        None | Some("") | Some("texte") | Some("text") => Ok(Format::Text),
        Some("json") => Ok(Format::Json),
        Some(other) => bail!("{FORMAT_ENV} « {other} » inconnu : valeurs possibles « texte » ou « json »"),
    }
}

/// Installs the global subscriber; fails on an unknown format.
pub fn init() -> Result<()> {
    let format = format_from(std::env::var(FORMAT_ENV).ok().as_deref())?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("OBS_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        Format::Text => builder.init(),
        Format::Json => builder.json().with_current_span(true).with_span_list(false).init(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_from(None).unwrap(), Format::Text);
        assert_eq!(format_from(Some("texte")).unwrap(), Format::Text);
        assert_eq!(format_from(Some("json")).unwrap(), Format::Json);
        assert!(format_from(Some("xml")).unwrap_err().to_string().contains("OBSERVATOIRE_LOG_FORMAT"));
    }
}
