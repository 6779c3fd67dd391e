//! A bounded cache of rendered pages of published data, with request coalescing.
//!
//! Published revisions never change, so a page computed from them is the same until another
//! revision is published; keys include every revision number the page depends on, which makes
//! invalidation unnecessary. Draft data are never cached (the public never sees them anyway):
//! handlers only call [`PageCache::get_or_render`] for pages of published revisions.
//!
//! Why a cache crate rather than a map under a mutex: right after a start or a publication, many
//! clients ask for the same page at once. [`moka`] runs the render of a missing key once and lets
//! every concurrent request for that key wait for its result (request coalescing), so a cold page
//! costs one render instead of one per client. Entries are weighed in bytes and evicted by
//! recency and frequency (TinyLFU) once the byte budget is reached.

use std::future::Future;

use bytes::Bytes;
use moka::future::Cache;

/// Rendered pages by key, bounded by their total size in bytes.
#[derive(Clone)]
pub struct PageCache {
    pages: Cache<String, Bytes>,
}

impl PageCache {
    /// A cache holding at most `max_bytes` bytes of pages (so varying query parameters cannot
    /// grow it without bound).
    pub fn new(max_bytes: u64) -> PageCache {
        let pages = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, page: &Bytes| u32::try_from(key.len() + page.len()).unwrap_or(u32::MAX))
            .build();
        PageCache { pages }
    }

    /// The page stored under `key`, or the one `render` produces, stored for the next requests.
    ///
    /// Concurrent calls with the same missing key run one `render` and all get its result; an
    /// error is returned to every waiting caller and nothing is stored, so the next request
    /// tries again.
    pub async fn get_or_render<E, F>(&self, key: String, render: F) -> Result<Bytes, E>
    where
        F: Future<Output = Result<Bytes, E>>,
        E: Clone + Send + Sync + 'static,
    {
        self.pages.try_get_with(key, render).await.map_err(|e| (*e).clone())
    }

    /// Applies pending evictions now (they otherwise happen in the background); tests use it to
    /// observe the byte budget.
    #[cfg(test)]
    async fn settle(&self) {
        self.pages.run_pending_tasks().await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    async fn page(c: &PageCache, key: &str, body: &'static [u8], renders: &AtomicUsize) -> Result<Bytes, String> {
        c.get_or_render(key.to_string(), async {
            renders.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(Bytes::from_static(body))
        })
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_misses_on_one_key_render_once() {
        let cache = PageCache::new(1 << 20);
        let renders = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_render("table|1|1|".into(), async {
                            renders.fetch_add(1, Ordering::SeqCst);
                            // A slow render: every other request arrives while it runs.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok::<_, String>(Bytes::from_static(b"<html>"))
                        })
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Bytes::from_static(b"<html>"));
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "one render for 64 concurrent misses");
    }

    #[tokio::test]
    async fn keyed_and_errors_are_not_stored() {
        let cache = PageCache::new(1 << 20);
        let renders = AtomicUsize::new(0);
        assert_eq!(page(&cache, "a", b"A", &renders).await.unwrap(), Bytes::from_static(b"A"));
        assert_eq!(page(&cache, "a", b"other", &renders).await.unwrap(), Bytes::from_static(b"A"), "served from the cache");
        assert_eq!(page(&cache, "b", b"B", &renders).await.unwrap(), Bytes::from_static(b"B"));
        assert_eq!(renders.load(Ordering::SeqCst), 2);
        let failed = cache.get_or_render("c".into(), async { Err::<Bytes, _>("rendu impossible".to_string()) }).await;
        assert_eq!(failed.unwrap_err(), "rendu impossible");
        assert_eq!(page(&cache, "c", b"C", &renders).await.unwrap(), Bytes::from_static(b"C"), "an error is not cached");
    }

    #[tokio::test]
    async fn bounded_by_bytes() {
        let cache = PageCache::new(1_000);
        let renders = AtomicUsize::new(0);
        for i in 0..50 {
            page(&cache, &format!("page-{i}"), &[b'x'; 100], &renders).await.unwrap();
        }
        cache.settle().await;
        assert!(cache.pages.weighted_size() <= 1_000, "weighted size {}", cache.pages.weighted_size());
        assert!(cache.pages.entry_count() < 50);
    }
}
