//! A bounded cache of rendered pages of published data.
//!
//! Published revisions never change, so a page computed from them is the same until another
//! revision is published; keys include every revision number the page depends on, which makes
//! invalidation unnecessary. Draft data are never cached (the public never sees them anyway).

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

/// Rendered pages by key, with their total size.
pub struct PageCache {
    entries: Mutex<(HashMap<String, Bytes>, usize)>,
    capacity: usize,
    max_bytes: usize,
}

impl PageCache {
    /// A cache holding at most `capacity` pages and `max_bytes` bytes (so varying query
    /// parameters cannot grow it without bound).
    pub fn new(capacity: usize, max_bytes: usize) -> PageCache {
        PageCache { entries: Mutex::new((HashMap::new(), 0)), capacity, max_bytes }
    }

    /// The page stored under `key`.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.lock().ok()?.0.get(key).cloned()
    }

    /// Stores a page. When full, the cache starts over: simple, bounded, and the working set of
    /// a public site (current editions, common filters) refills it at once.
    pub fn put(&self, key: String, page: Bytes) {
        if page.len() > self.max_bytes {
            return;
        }
        if let Ok(mut guard) = self.entries.lock() {
            let (map, bytes) = &mut *guard;
            if map.len() >= self.capacity || *bytes + page.len() > self.max_bytes {
                map.clear();
                *bytes = 0;
            }
            *bytes += page.len();
            if let Some(old) = map.insert(key, page) {
                *bytes -= old.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_keyed() {
        let c = PageCache::new(2, 100);
        c.put("a".into(), Bytes::from_static(b"A"));
        c.put("b".into(), Bytes::from_static(b"B"));
        assert_eq!(c.get("a").as_deref(), Some(&b"A"[..]));
        c.put("c".into(), Bytes::from_static(b"C"));
        assert!(c.get("a").is_none(), "cleared when full");
        assert_eq!(c.get("c").as_deref(), Some(&b"C"[..]));
        // The byte budget also bounds it.
        let c = PageCache::new(100, 10);
        c.put("a".into(), Bytes::from_static(b"123456"));
        c.put("b".into(), Bytes::from_static(b"123456"));
        assert!(c.get("a").is_none() && c.get("b").is_some());
        c.put("huge".into(), Bytes::from_static(b"12345678901"));
        assert!(c.get("huge").is_none(), "larger than the budget: not cached");
    }
}
