//! Server-side SVG charts (helper in progress).
