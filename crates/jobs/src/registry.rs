//! Which code runs which kind of job, and which jobs recur.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use obs_store::Store;
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::job::{Job, JobError};
use crate::recurrence::Recurrence;

/// What a handler receives besides its job: the program's context `data` (the application, its
/// services), the store, the clock, and which attempt this is.
#[derive(Clone)]
pub struct JobContext<C> {
    /// The program's context (for the binary: the application).
    pub data: C,
    store: Store,
    clock: Arc<dyn Clock>,
    id: i64,
    attempt: i32,
}

impl<C> JobContext<C> {
    pub(crate) fn new(data: C, store: Store, clock: Arc<dyn Clock>, id: i64, attempt: i32) -> JobContext<C> {
        JobContext { data, store, clock, id, attempt }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Now, from the runtime's clock.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The job's id.
    pub fn job_id(&self) -> i64 {
        self.id
    }

    /// Which attempt this run is (1 for the first).
    pub fn attempt(&self) -> i32 {
        self.attempt
    }
}

pub(crate) type JobFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler<C> = Arc<dyn Fn(JobContext<C>, &str) -> Result<JobFuture, JobError> + Send + Sync>;

/// A recurring job declared in a [`Registry`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleEntry {
    /// Unique name (also the prefix of each occurrence's idempotency key).
    pub name: String,
    /// Kind of the job it enqueues.
    pub kind: &'static str,
    /// Its payload.
    pub payload: String,
    /// When.
    pub recurrence: Recurrence,
    /// Attempts allowed to each occurrence.
    pub max_attempts: i32,
}

/// Handlers by kind, and schedules. Built once at start, then shared by the workers.
pub struct Registry<C> {
    handlers: BTreeMap<&'static str, Handler<C>>,
    schedules: Vec<ScheduleEntry>,
}

impl<C> Default for Registry<C> {
    fn default() -> Registry<C> {
        Registry { handlers: BTreeMap::new(), schedules: Vec::new() }
    }
}

impl<C: Clone + Send + Sync + 'static> Registry<C> {
    /// An empty registry.
    pub fn new() -> Registry<C> {
        Registry::default()
    }

    /// Runs jobs of kind `J::KIND` with `handler`. A payload that does not decode as `J` is a
    /// fatal error (the job dies without retry). Registering a kind twice keeps the last handler.
    pub fn register<J, F, Fut>(&mut self, handler: F) -> &mut Registry<C>
    where
        J: Job,
        F: Fn(JobContext<C>, J) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.handlers.insert(
            J::KIND,
            Arc::new(move |ctx, payload| {
                let job: J = serde_json::from_str(payload)
                    .map_err(|e| JobError::fatal(format!("contenu illisible pour une tâche « {} » : {e}", J::KIND)))?;
                let handler = Arc::clone(&handler);
                Ok(Box::pin(async move { handler(ctx, job).await }) as JobFuture)
            }),
        );
        self
    }

    /// Enqueues `job` at every occurrence of `recurrence`, once per occurrence whatever the number
    /// of instances. `name` identifies the schedule across restarts: keep it stable.
    pub fn schedule<J: Job>(&mut self, name: &str, recurrence: Recurrence, job: &J) -> Result<&mut Registry<C>, serde_json::Error> {
        let payload = serde_json::to_string(job)?;
        self.schedules.retain(|s| s.name != name);
        self.schedules.push(ScheduleEntry { name: name.to_string(), kind: J::KIND, payload, recurrence, max_attempts: J::MAX_ATTEMPTS });
        Ok(self)
    }
}

impl<C> Registry<C> {
    /// The kinds this registry can run.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.handlers.keys().copied().collect()
    }

    /// The declared schedules.
    pub fn schedules(&self) -> &[ScheduleEntry] {
        &self.schedules
    }

    /// Schedules whose kind has no handler (a programming error the runtime refuses at start).
    pub(crate) fn orphan_schedules(&self) -> Vec<&ScheduleEntry> {
        self.schedules.iter().filter(|s| !self.handlers.contains_key(s.kind)).collect()
    }

    /// Starts a job: decodes its payload and builds its future.
    pub(crate) fn start(&self, kind: &str, ctx: JobContext<C>, payload: &str) -> Result<JobFuture, JobError> {
        match self.handlers.get(kind) {
            Some(h) => h(ctx, payload),
            None => Err(JobError::fatal(format!("aucun traitement pour les tâches « {kind} »"))),
        }
    }
}
