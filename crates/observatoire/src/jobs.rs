//! `observatoire jobs …`: the operator's view of the background job queue.

use anyhow::{Result, anyhow};
use obs_app::Store;
use obs_store::jobs::{self, JobRow, JobState, ListFilter};
use time::OffsetDateTime;

use crate::cli::JobsCmd;

fn instant(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn line(j: &JobRow) -> String {
    let error = j.last_error.as_deref().map(|e| format!("  — {e}")).unwrap_or_default();
    format!(
        "{:>6}  {:<11} {:<32} essais {}/{}  prévue {}{error}",
        j.id,
        j.state.label(),
        j.kind,
        j.attempts,
        j.max_attempts,
        instant(j.run_at)
    )
}

pub(crate) async fn run(store: &Store, cmd: JobsCmd) -> Result<()> {
    let mut h = store.conn().await.map_err(|e| anyhow!("{e}"))?;
    let now = OffsetDateTime::now_utc();
    match cmd {
        JobsCmd::List { state, kind, limit, json } => {
            let filter = ListFilter { state: state.as_deref().and_then(JobState::parse), kind, limit: i64::from(limit) };
            let list = jobs::list(h.conn(), &filter).await.map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("Aucune tâche.");
            } else {
                for j in &list {
                    println!("{}", line(j));
                }
            }
        }
        JobsCmd::Show { id, json } => {
            let j = jobs::get(h.conn(), id).await.map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&j)?);
            } else {
                println!("Tâche n° {} — {}", j.id, j.kind);
                println!("  état : {} ; essais : {}/{}", j.state.label(), j.attempts, j.max_attempts);
                println!("  créée le {} ; prévue le {}", instant(j.created_at), instant(j.run_at));
                if let Some(t) = j.started_at {
                    println!("  dernier essai commencé le {}", instant(t));
                }
                if let (Some(owner), Some(until)) = (&j.lease_owner, j.lease_until) {
                    println!("  exécutée par {owner} (bail jusqu'au {})", instant(until));
                }
                if let Some(t) = j.finished_at {
                    println!("  finie le {}", instant(t));
                }
                if let Some(k) = &j.unique_key {
                    println!("  clé d'unicité : {k}");
                }
                if let Some(e) = &j.last_error {
                    println!("  dernière erreur : {e}");
                }
                println!("  contenu : {}", j.payload);
            }
        }
        JobsCmd::Retry { id } => {
            let j = jobs::retry(h.conn(), id, now).await.map_err(|e| anyhow!("{e}"))?;
            println!("Tâche n° {} ({}) remise en file : {} essais possibles à partir de maintenant.", j.id, j.kind, j.max_attempts);
        }
        JobsCmd::Schedules => {
            let list = jobs::schedules(h.conn()).await.map_err(|e| anyhow!("{e}"))?;
            if list.is_empty() {
                println!("Aucune tâche périodique (elles sont déclarées au premier démarrage des tâches de fond).");
            }
            for s in &list {
                let last = s.last_fired_at.map(|t| format!(" ; dernière le {}", instant(t))).unwrap_or_default();
                println!("{:<36} {:<28} {} — prochaine le {}{last}", s.name, s.kind, s.spec, instant(s.next_run_at));
            }
        }
        JobsCmd::Cancel { id } => {
            let j = jobs::cancel(h.conn(), id, now).await.map_err(|e| anyhow!("{e}"))?;
            println!("Tâche n° {} ({}) annulée.", j.id, j.kind);
        }
    }
    Ok(())
}
