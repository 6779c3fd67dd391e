//! A bounded cache of rendered pages of published data.
//!
//! Published revisions never change, so a page computed from them is the same until another
//! revision is published; keys include every revision number the page depends on, which makes
//! invalidation unnecessary. Draft data are never cached (the public never sees them anyway).

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

/// Rendered pages by key.
pub struct PageCache {
    entries: Mutex<HashMap<String, Bytes>>,
    capacity: usize,
}

impl PageCache {
    /// A cache holding at most `capacity` pages.
    pub fn new(capacity: usize) -> PageCache {
        PageCache { entries: Mutex::new(HashMap::new()), capacity }
    }

    /// The page stored under `key`.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.lock().ok()?.get(key).cloned()
    }

    /// Stores a page. When full, the cache starts over: simple, bounded, and the working set of
    /// a public site (current editions, common filters) refills it at once.
    pub fn put(&self, key: String, page: Bytes) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= self.capacity {
                map.clear();
            }
            map.insert(key, page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_keyed() {
        let c = PageCache::new(2);
        c.put("a".into(), Bytes::from_static(b"A"));
        c.put("b".into(), Bytes::from_static(b"B"));
        assert_eq!(c.get("a").as_deref(), Some(&b"A"[..]));
        c.put("c".into(), Bytes::from_static(b"C"));
        assert!(c.get("a").is_none(), "cleared when full");
        assert_eq!(c.get("c").as_deref(), Some(&b"C"[..]));
    }
}
