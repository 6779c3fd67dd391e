use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use obs_domain::RawValue;
use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::problems::Severity;

fn ctx() -> Ctx {
    Ctx::new("snap/757/jdma.json", 757)
}

fn read<T>(c: Content<T>) -> (T, Vec<Problem>) {
    match c {
        Content::Read(t, w) => (t, w),
        Content::Empty => panic!("unexpected empty"),
        Content::Invalid(p) => panic!("unexpected invalid: {p}"),
    }
}

fn invalid<T: std::fmt::Debug>(c: Content<T>) -> Problem {
    match c {
        Content::Invalid(p) => p,
        other => panic!("expected invalid, got {other:?}"),
    }
}

fn by_indicator(values: &[ParsedValue]) -> BTreeMap<String, RawValue> {
    values
        .iter()
        .map(|v| (v.indicator.clone(), v.value.clone()))
        .collect()
}

fn counted(v: &RawValue) -> (f64, Option<u64>) {
    match v {
        RawValue::Number { value, count } => (*value, *count),
        RawValue::Text(t) => panic!("expected a number, got {t}"),
    }
}

// ----- jdma.json, current format

const CURRENT: &str = r#"{"data":{"satisfaction":5.142964071856287,"comprehension":5.525399426464563,"contact":4.5,
 "contact_reachability":0.85,"contact_satisfaction":6.797919762258544,"autonomy":4.683115626511853},
 "metadata":{"satisfaction_count":6680,"comprehension_count":4882,"contact_count":1006,"contactReachability_count":1124,
 "contactSatisfaction_count":673,"autonomy_count":4134}}"#;

#[test]
fn current_jdma_maps_every_score_with_its_count() {
    let (j, warnings) = read(parse_jdma(CURRENT.as_bytes(), &ctx()));
    assert!(warnings.is_empty());
    assert!(j.has_answers());
    let values = j.values(&ctx(), ReachScale::Share);
    let m = by_indicator(&values);
    assert_eq!(m.len(), 5);
    assert_eq!(
        m["satisfaction"],
        RawValue::counted(5.142964071856287, 6680)
    );
    assert_eq!(m["simplicity"], RawValue::counted(5.525399426464563, 4882));
    // A 0–1 share shown in %, exactly 85 (not 85.00000000000001).
    assert_eq!(m["help_reachable"], RawValue::counted(85.0, 1124));
    assert_eq!(
        m["help_efficient"],
        RawValue::counted(6.797919762258544, 673)
    );
    let (used, n) = counted(&m["help_used"]);
    assert!((used - 46.83115626511853).abs() < 1e-9);
    assert_eq!(n, Some(4134));
    let v = &values[0];
    assert_eq!(v.file, "snap/757/jdma.json");
    assert_eq!(v.place.as_deref(), Some("dossier 757"));
    assert_eq!(v.window, None);
}

#[test]
fn current_jdma_falls_back_to_contact_count() {
    let text = r#"{"data":{"satisfaction":8.2,"comprehension":8.4,"contact":5.1,"contact_reachability":7.48,
      "contact_satisfaction":6.9,"autonomy":6.1},"metadata":{"satisfaction_count":2552,"comprehension_count":2316,
      "contact_count":126,"autonomy_count":453}}"#;
    let (j, _) = read(parse_jdma(text.as_bytes(), &ctx()));
    let m = by_indicator(&j.values(&ctx(), ReachScale::OutOfTen));
    assert_eq!(m["help_reachable"], RawValue::counted(74.8, 126));
    assert_eq!(m["help_efficient"], RawValue::counted(6.9, 126));
    assert_eq!(m["help_used"], RawValue::counted(61.0, 453));
}

#[test]
fn zero_answers_give_zero_with_count_zero_and_no_autonomy() {
    let text = r#"{"data":{"satisfaction":0,"comprehension":0,"contact":0,"contact_reachability":0,"contact_satisfaction":0,"autonomy":0},
      "metadata":{"satisfaction_count":0,"comprehension_count":0,"contact_count":0,"contactReachability_count":0,"contactSatisfaction_count":0,"autonomy_count":0}}"#;
    let (j, _) = read(parse_jdma(text.as_bytes(), &ctx()));
    assert!(!j.has_answers());
    let m = by_indicator(&j.values(&ctx(), ReachScale::Share));
    assert_eq!(m["satisfaction"], RawValue::counted(0.0, 0));
    assert_eq!(m["simplicity"], RawValue::counted(0.0, 0));
    assert_eq!(m["help_reachable"], RawValue::counted(0.0, 0));
    assert!(
        !m.contains_key("help_used"),
        "a 0 % autonomy from nobody is not a measurement"
    );
}

#[test]
fn wrong_shapes_are_errors() {
    for (text, needle) in [
        (
            r#"{"data":{"satisfaction":"8,2"},"metadata":{"satisfaction_count":3}}"#,
            "« satisfaction » devrait être un nombre",
        ),
        (
            r#"{"data":{"satisfaction":8.2},"metadata":{}}"#,
            "« satisfaction_count » manquant",
        ),
        (
            r#"{"data":{"satisfaction":8.2},"metadata":{"satisfaction_count":-3}}"#,
            "entier positif",
        ),
        (
            r#"{"data":{"satisfaction":12},"metadata":{"satisfaction_count":3}}"#,
            "hors de l'intervalle",
        ),
        (
            r#"{"data":[],"metadata":{}}"#,
            "« data » devrait être un objet",
        ),
        (r#"[1,2]"#, "devrait être un objet"),
        (r#"{"hello":1}"#, "format inconnu"),
        (
            r#"{"answersTotal":3,"satisfaction":{"negative":"1"}}"#,
            "dans « satisfaction »",
        ),
        (
            r#"{"satisfaction":{"negative":1,"neutral":0,"positive":1},"dateStart":"hier"}"#,
            "« dateStart »",
        ),
    ] {
        let p = invalid(parse_jdma(text.as_bytes(), &ctx()));
        assert_eq!(p.severity, Severity::Error, "{text}");
        assert!(p.message.contains(needle), "{text}: {}", p.message);
        assert_eq!(p.file, "snap/757/jdma.json");
        assert_eq!(p.place.as_deref(), Some("dossier 757"));
    }
}

#[test]
fn empty_and_invalid_json() {
    assert!(matches!(parse_jdma(b"", &ctx()), Content::Empty));
    assert!(matches!(parse_jdma(b" \n\t ", &ctx()), Content::Empty));
    assert!(matches!(
        parse_jdma(b"\xEF\xBB\xBF\n", &ctx()),
        Content::Empty
    ));
    let p = invalid(parse_jdma(b"{\"data\": ", &ctx()));
    assert_eq!(p.severity, Severity::Error);
    assert!(p.message.contains("JSON"), "{}", p.message);
    assert!(
        p.to_string()
            .starts_with("erreur : fichier « snap/757/jdma.json » (dossier 757) : JSON illisible")
    );
}

// ----- jdma.json, old format

#[test]
fn old_jdma_scores_from_raw_counts() {
    let text = r#"{"answersTotal":12077,"satisfaction":{"negative":539,"neutral":2231,"positive":9307},
      "easy":{"negative":456,"neutral":1692,"positive":7996},"comprehensible":{"negative":376,"neutral":1662,"positive":8294},
      "dateStart":1648764000000,"dateEnd":1680299999999}"#;
    let (j, _) = read(parse_jdma(text.as_bytes(), &ctx()));
    assert!(j.has_answers());
    let values = j.values(&ctx(), ReachScale::Share);
    let m = by_indicator(&values);
    assert_eq!(m.len(), 2);
    let (s, n) = counted(&m["satisfaction"]);
    assert_eq!(n, Some(12077));
    assert!((s - (10.0 * 9307.0 + 5.0 * 2231.0) / 12077.0).abs() < 1e-12);
    let (c, n) = counted(&m["simplicity"]);
    assert_eq!(n, Some(376 + 1662 + 8294));
    assert!((c - (10.0 * 8294.0 + 5.0 * 1662.0) / 10332.0).abs() < 1e-12);
    for v in &values {
        assert_eq!(
            v.window,
            Some(("2022-04-01".to_string(), "2023-03-31".to_string()))
        );
    }
}

#[test]
fn old_jdma_count_is_the_sum_not_answers_total() {
    let text = r#"{"answersTotal":500,"satisfaction":{"negative":10,"neutral":20,"positive":30},"comprehensible":{"negative":0,"neutral":0,"positive":0}}"#;
    let (j, _) = read(parse_jdma(text.as_bytes(), &ctx()));
    let m = by_indicator(&j.values(&ctx(), ReachScale::Share));
    let (s, n) = counted(&m["satisfaction"]);
    assert_eq!(n, Some(60));
    assert!((s - 400.0 / 60.0).abs() < 1e-12);
    assert_eq!(m["simplicity"], RawValue::counted(0.0, 0));
}

// ----- updown, rgaa, declaration

#[test]
fn updown_values_and_not_measured() {
    let c = Ctx::new("s/1/updown.json", 1);
    let (u, w) = read(parse_updown(
        br#"{"uptime":99.271,"apdex":0.98,"timings":{"response":188,"total":521}}"#,
        &c,
    ));
    assert!(w.is_empty());
    let m = by_indicator(&u.values(&c));
    assert_eq!(m["uptime"], RawValue::number(99.271));
    assert_eq!(m["performance"], RawValue::number(188.0));

    let (u, w) = read(parse_updown(b"{}", &c));
    assert!(u.values(&c).is_empty());
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].severity, Severity::Warning);
    assert!(w[0].message.contains("sans mesure"));

    let p = invalid(parse_updown(br#"{"uptime":"100%"}"#, &c));
    assert!(p.message.contains("« uptime » devrait être un nombre"));
    let p = invalid(parse_updown(br#"{"uptime":100.5}"#, &c));
    assert!(p.message.contains("hors de l'intervalle"));
    let p = invalid(parse_updown(br#"{"timings":{"response":-1}}"#, &c));
    assert!(p.message.contains("négatif"));
}

#[test]
fn rgaa_rate_or_non() {
    let c = Ctx::new("s/1/rgaa.json", 1);
    let (g, w) = read(parse_rgaa(br#"{"taux":87.5,"date":"26/10/2021"}"#, &c));
    assert!(w.is_empty());
    assert_eq!(
        by_indicator(&g.values(&c))["handicap"],
        RawValue::number(87.5)
    );

    let (g, w) = read(parse_rgaa(br#"{"taux":null,"date":null}"#, &c));
    assert_eq!(
        by_indicator(&g.values(&c))["handicap"],
        RawValue::text("Non")
    );
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("pas de taux de conformité lisible"));

    let (_, w) = read(parse_rgaa(br#"{"taux":50,"date":"2021-10-26"}"#, &c));
    assert!(w[0].message.contains("date de déclaration illisible"));
    assert!(
        invalid(parse_rgaa(br#"{"taux":"100"}"#, &c))
            .message
            .contains("« taux »")
    );
    assert!(
        invalid(parse_rgaa(br#"{"taux":140}"#, &c))
            .message
            .contains("hors de l'intervalle")
    );
}

#[test]
fn declaration_mention_and_url() {
    let c = Ctx::new("s/1/declaration-a11y.json", 1);
    let (d, _) = read(parse_declaration(
        r#"{"mention":"Accessibilité : totalement conforme","declarationUrl":"https://x.gouv.fr/a11y"}"#.as_bytes(),
        &c,
    ));
    assert_eq!(
        d.mention.as_deref(),
        Some("Accessibilité : totalement conforme")
    );
    assert_eq!(d.url.as_deref(), Some("https://x.gouv.fr/a11y"));
    let (d, _) = read(parse_declaration(br#"{"mention":null}"#, &c));
    assert_eq!(
        d,
        Declaration {
            mention: None,
            url: None
        }
    );
    assert!(
        invalid(parse_declaration(br#"{"mention":3}"#, &c))
            .message
            .contains("« mention »")
    );
}

#[test]
fn index_csv() {
    let (m, p) = parse_index(b"jdma_product_id,url,last_scan_utc\n12,https://a.fr,2025\n13,,2025\nabc,https://b.fr,x\n12,https://c.fr,y\n", "s/index.csv");
    assert_eq!(m.len(), 2);
    assert_eq!(m[&12].url.as_deref(), Some("https://c.fr"));
    assert_eq!(m[&13].url, None);
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].severity, Severity::Error);
    assert_eq!(p[0].place.as_deref(), Some("ligne 4"));
    assert_eq!(p[1].severity, Severity::Warning);
    let (_, p) = parse_index(b"id;adresse\n1;x\n", "s/index.csv");
    assert!(p[0].is_error());
}

// ----- never panics

fn arb_json() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        Just("data".to_string()),
        Just("metadata".to_string()),
        Just("satisfaction".to_string()),
        Just("comprehension".to_string()),
        Just("contact_reachability".to_string()),
        Just("autonomy".to_string()),
        Just("satisfaction_count".to_string()),
        Just("autonomy_count".to_string()),
        Just("contact_count".to_string()),
        Just("answersTotal".to_string()),
        Just("comprehensible".to_string()),
        Just("negative".to_string()),
        Just("positive".to_string()),
        Just("dateStart".to_string()),
        Just("dateEnd".to_string()),
        Just("uptime".to_string()),
        Just("timings".to_string()),
        Just("response".to_string()),
        Just("taux".to_string()),
        Just("date".to_string()),
        Just("mention".to_string()),
        Just("declarationUrl".to_string()),
        "[a-z]{1,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e20f64..1.0e20).prop_map(Value::from),
        (0.0f64..12.0).prop_map(Value::from),
        "[0-9/ a-z]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn all_parsers(bytes: &[u8]) {
    let c = ctx();
    if let Content::Read(j, _) = parse_jdma(bytes, &c) {
        let _ = j.has_answers();
        let _ = j.values(&c, ReachScale::Share);
        let _ = j.values(&c, ReachScale::OutOfTen);
    }
    if let Content::Read(u, _) = parse_updown(bytes, &c) {
        let _ = u.values(&c);
    }
    if let Content::Read(g, _) = parse_rgaa(bytes, &c) {
        let _ = g.values(&c);
    }
    let _ = parse_declaration(bytes, &c);
    let _ = parse_index(bytes, "s/index.csv");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        all_parsers(&bytes);
    }

    #[test]
    fn parsers_never_panic_on_json(v in arb_json()) {
        all_parsers(v.to_string().as_bytes());
        all_parsers(serde_json::json!({"data": v.clone(), "metadata": v.clone()}).to_string().as_bytes());
    }

    #[test]
    fn produced_numbers_are_finite(v in arb_json()) {
        let c = ctx();
        let bytes = v.to_string();
        if let Content::Read(j, _) = parse_jdma(bytes.as_bytes(), &c) {
            for p in j.values(&c, ReachScale::Share) {
                if let RawValue::Number { value, .. } = p.value {
                    prop_assert!(value.is_finite());
                }
            }
        }
    }
}

// ----- directories

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

#[test]
fn synthetic_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2026-03-31");
    write(
        &dir,
        "index.csv",
        "jdma_product_id,url,last_scan_utc\n10,https://a.gouv.fr,x\n20,,x\n99,https://z.gouv.fr,x\n",
    );
    write(&dir, "10/jdma.json", CURRENT);
    write(&dir, "10/jdma_3months.json", CURRENT);
    write(
        &dir,
        "10/updown.json",
        r#"{"uptime":99.95,"timings":{"response":300}}"#,
    );
    write(&dir, "20/jdma.json", "{not json");
    write(&dir, "20/jdma_3months.json", "");
    write(&dir, "20/updown.json", "{}");
    write(&dir, "bad-name/jdma.json", CURRENT);
    write(&dir, ".git/HEAD", "x");
    let s = read_dashlord_dir(&dir).unwrap();
    assert_eq!(
        s.folders.iter().map(|f| f.product_id).collect::<Vec<_>>(),
        vec![10, 20]
    );
    let f10 = s.folder(10).unwrap();
    assert_eq!(f10.url.as_deref(), Some("https://a.gouv.fr"));
    assert_eq!(f10.feedback_button, Some(true));
    assert_eq!(
        f10.values.len(),
        7,
        "5 from jdma.json, none from jdma_3months.json, 2 from updown.json"
    );
    assert!(f10.values.iter().all(|v| !v.file.contains("3months")));
    let f20 = s.folder(20).unwrap();
    assert!(f20.values.is_empty(), "invalid JSON contributes nothing");
    assert_eq!(f20.feedback_button, None);
    let text: Vec<String> = s.problems.iter().map(|p| p.to_string()).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(
        has("erreur : fichier « 2026-03-31/bad-name » : nom de dossier non numérique"),
        "{text:#?}"
    );
    assert!(
        has("erreur : fichier « 2026-03-31/20/jdma.json » (dossier 20) : JSON illisible"),
        "{text:#?}"
    );
    assert!(
        has(
            "avertissement : fichier « 2026-03-31/20/jdma_3months.json » (dossier 20) : fichier vide"
        ),
        "{text:#?}"
    );
    assert!(
        has(
            "avertissement : fichier « 2026-03-31/20/updown.json » (dossier 20) : sonde sans mesure"
        ),
        "{text:#?}"
    );
    assert!(
        has("« 2026-03-31/index.csv » (dossier 20) : aucune URL connue"),
        "{text:#?}"
    );
    assert!(has("identifiant 99 listé sans dossier"), "{text:#?}");
    // rgaa.json and declaration-a11y.json are absent from every folder: reported once each.
    assert!(
        has("« 2026-03-31/*/rgaa.json » : aucun des 2 dossiers"),
        "{text:#?}"
    );
    assert!(
        has("« 2026-03-31/*/declaration-a11y.json » : aucun des 2 dossiers"),
        "{text:#?}"
    );
    assert!(s.has_errors());
    assert_eq!(s.problems.iter().filter(|p| p.is_error()).count(), 2);

    // A missing file in one folder only is reported for that folder.
    fs::remove_file(dir.join("10/updown.json")).unwrap();
    let s = read_dashlord_dir(&dir).unwrap();
    assert!(
        s.problems
            .iter()
            .any(|p| p.file == "2026-03-31/10/updown.json"
                && p.message.starts_with("fichier absent"))
    );

    assert!(read_dashlord_dir(&tmp.path().join("nope")).is_err());
}

#[test]
fn missing_index_is_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "5/jdma.json", CURRENT);
    let s = read_dashlord_dir(tmp.path()).unwrap();
    assert_eq!(s.folders[0].url, None);
    assert_eq!(
        s.problems
            .iter()
            .filter(|p| p.file.ends_with("index.csv"))
            .count(),
        1
    );
    assert!(!s.has_errors());
}

// ----- snapshots in memory

/// Every file under `dir`, as a memory snapshot named like the directory.
fn in_memory(dir: &Path) -> MemorySnapshot {
    fn walk(root: &Path, dir: &Path, snap: &mut MemorySnapshot) {
        for e in fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, snap);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                snap.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut snap = MemorySnapshot::new(dir.file_name().unwrap().to_string_lossy());
    walk(dir, dir, &mut snap);
    snap
}

#[test]
fn memory_snapshot_reads_like_its_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2026-03-31");
    write(
        &dir,
        "index.csv",
        "jdma_product_id,url\n10,https://a.gouv.fr\n99,https://z.gouv.fr\n",
    );
    write(&dir, "10/jdma.json", CURRENT);
    write(&dir, "10/updown.json", r#"{"uptime":99.95}"#);
    write(&dir, "20/jdma.json", "{not json");
    write(&dir, "bad-name/jdma.json", CURRENT);
    write(&dir, ".git/HEAD", "x");
    let memory = in_memory(&dir);
    assert_eq!(memory.len(), 6);
    let from_disk = read_dashlord_dir(&dir).unwrap();
    let from_memory = read_dashlord(&SnapshotSource::Memory(memory)).unwrap();
    assert_eq!(from_memory, from_disk);
    assert_eq!(from_memory.folders.len(), 2);
    assert!(
        from_memory
            .problems
            .iter()
            .any(|p| p.file == "2026-03-31/bad-name")
    );
}

#[test]
fn memory_snapshot_built_by_hand() {
    let snap = MemorySnapshot::new("demo")
        .with_file("757/jdma.json", CURRENT.as_bytes())
        .with_file("757/updown.json", &br#"{"uptime":98.7}"#[..])
        .with_file(
            "index.csv",
            &b"jdma_product_id,url\n757,https://x.gouv.fr\n"[..],
        );
    let s = read_dashlord(&SnapshotSource::Memory(snap)).unwrap();
    let f = s.folder(757).unwrap();
    assert_eq!(f.url.as_deref(), Some("https://x.gouv.fr"));
    assert_eq!(by_indicator(&f.values)["uptime"], RawValue::number(98.7));
    assert!(f.values.iter().all(|v| v.file.starts_with("demo/757/")));
    // Files absent from the only folder are reported once for the snapshot, not per folder.
    assert!(warned(&s, "demo/*/rgaa.json", "aucun des 1 dossiers"));
    assert!(!s.has_errors());

    let empty = read_dashlord(&SnapshotSource::Memory(MemorySnapshot::new("vide"))).unwrap();
    assert!(empty.folders.is_empty());
    assert!(warned(&empty, "vide/index.csv", "index absent"));
}

#[test]
fn memory_snapshot_of_a_real_snapshot() {
    let dir = snapshot("2023-06-30");
    let from_memory = read_dashlord(&SnapshotSource::Memory(in_memory(&dir))).unwrap();
    assert_eq!(from_memory, read_dashlord_dir(&dir).unwrap());
}

// ----- the three real snapshots

fn snapshot(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/dashlord")
        .join(name)
}

/// Reads a real snapshot, which must give no error (only warnings).
fn read_without_errors(dir: &Path) -> DashlordSnapshot {
    let s = read_dashlord_dir(dir).unwrap();
    let errors: Vec<&Problem> = s.problems.iter().filter(|p| p.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    s
}

/// Folder ids whose `file` satisfies `pred`, computed without the parser.
fn folders_where(dir: &Path, file: &str, pred: impl Fn(Option<&[u8]>) -> bool) -> Vec<u64> {
    let mut out: Vec<u64> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let id: u64 = e.file_name().to_str()?.parse().ok()?;
            let bytes = fs::read(e.path().join(file)).ok();
            pred(bytes.as_deref()).then_some(id)
        })
        .collect();
    out.sort();
    out
}

fn warned(s: &DashlordSnapshot, file: &str, needle: &str) -> bool {
    s.problems
        .iter()
        .any(|p| p.severity == Severity::Warning && p.file == file && p.message.contains(needle))
}

#[test]
fn snapshot_2025_12_31() {
    let dir = snapshot("2025-12-31");
    let s = read_without_errors(&dir);
    assert_eq!(s.folders.len(), 253);
    assert!(
        s.folders
            .windows(2)
            .all(|w| w[0].product_id < w[1].product_id)
    );

    let empty_jdma = folders_where(&dir, "jdma.json", |b| b.is_some_and(|b| b.is_empty()));
    assert_eq!(empty_jdma.len(), 34);
    for id in &empty_jdma {
        let file = format!("2025-12-31/{id}/jdma.json");
        assert!(warned(&s, &file, "fichier vide"), "{file}");
        let f = s.folder(*id).unwrap();
        assert!(f.values.iter().all(|v| v.file != file));
        assert_eq!(f.feedback_button, None);
        assert!(!f.values.iter().any(|v| v.indicator == "satisfaction"));
    }
    let empty_3m = folders_where(&dir, "jdma_3months.json", |b| {
        b.is_some_and(|b| b.is_empty())
    });
    assert_eq!(empty_3m.len(), 34);
    assert!(empty_3m.iter().all(|id| warned(
        &s,
        &format!("2025-12-31/{id}/jdma_3months.json"),
        "fichier vide"
    )));

    let unmeasured = folders_where(&dir, "updown.json", |b| {
        b.is_some_and(|b| b.trim_ascii() == b"{}")
    });
    assert_eq!(unmeasured.len(), 30);
    for id in &unmeasured {
        assert!(warned(
            &s,
            &format!("2025-12-31/{id}/updown.json"),
            "sans mesure"
        ));
        assert!(
            !s.folder(*id)
                .unwrap()
                .values
                .iter()
                .any(|v| v.indicator == "uptime" || v.indicator == "performance")
        );
    }
    let no_updown = folders_where(&dir, "updown.json", |b| b.is_none());
    assert_eq!(no_updown, vec![2731]);
    assert!(warned(&s, "2025-12-31/2731/updown.json", "fichier absent"));

    let no_url: Vec<u64> = s
        .folders
        .iter()
        .filter(|f| f.url.is_none())
        .map(|f| f.product_id)
        .collect();
    assert_eq!(no_url.len(), 13);
    assert!(no_url.contains(&115) && no_url.contains(&3658));
    let url_warnings = s
        .problems
        .iter()
        .filter(|p| p.message.contains("aucune URL"))
        .count();
    assert_eq!(url_warnings, 13);

    // No rgaa.json nor declaration in 2025: one snapshot-wide warning each, not 253.
    assert!(warned(
        &s,
        "2025-12-31/*/rgaa.json",
        "aucun des 253 dossiers"
    ));
    assert!(
        !s.problems
            .iter()
            .any(|p| p.file.ends_with("/rgaa.json") && p.place.is_some())
    );
    // contact_reachability is a share here: no scale warning.
    assert!(
        !s.problems
            .iter()
            .any(|p| p.message.contains("contact_reachability"))
    );

    // Values: every readable jdma.json gives satisfaction; 253 − 34 = 219.
    let sat = s
        .folders
        .iter()
        .filter(|f| f.values.iter().any(|v| v.indicator == "satisfaction"))
        .count();
    assert_eq!(sat, 219);
    let uptime = s
        .folders
        .iter()
        .filter(|f| f.values.iter().any(|v| v.indicator == "uptime"))
        .count();
    assert_eq!(uptime, 253 - 30 - 1);
    // Every folder with an answer shows the button; zero-answer files do not.
    let zero = folders_where(&dir, "jdma.json", |b| {
        b.and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .is_some_and(|v| v["metadata"]["satisfaction_count"] == 0)
    });
    for f in &s.folders {
        let readable = !empty_jdma.contains(&f.product_id);
        if readable && !zero.contains(&f.product_id) {
            assert_eq!(f.feedback_button, Some(true), "{}", f.product_id);
        }
    }

    let f = s.folder(3660).unwrap();
    let m = by_indicator(&f.values);
    assert_eq!(
        m["satisfaction"],
        RawValue::counted(5.142964071856287, 6680)
    );
    let (r, n) = counted(&m["help_reachable"]);
    assert!((r - 70.37366548042705).abs() < 1e-9);
    assert_eq!(n, Some(1124));
    assert_eq!(counted(&m["help_efficient"]).1, Some(673));
    assert_eq!(counted(&m["help_used"]).1, Some(4134));
    assert_eq!(m["uptime"], RawValue::number(100.0));
    assert_eq!(m["performance"], RawValue::number(198.0));
    let f = s.folder(123).unwrap();
    assert_eq!(by_indicator(&f.values)["uptime"], RawValue::number(99.271));
    assert_eq!(
        by_indicator(&f.values)["performance"],
        RawValue::number(188.0)
    );
}

#[test]
fn snapshot_2024_09_30() {
    let dir = snapshot("2024-09-30");
    let s = read_without_errors(&dir);
    assert_eq!(s.folders.len(), 236);
    // contact_reachability is on a /10 scale in this snapshot: one warning, values ×10.
    let scale: Vec<&Problem> = s
        .problems
        .iter()
        .filter(|p| p.message.contains("contact_reachability"))
        .collect();
    assert_eq!(scale.len(), 1);
    assert_eq!(scale[0].severity, Severity::Warning);
    assert!(
        scale[0].message.contains("172 fichiers sur 236"),
        "{}",
        scale[0].message
    );
    let m = by_indicator(&s.folder(3104).unwrap().values);
    let (r, n) = counted(&m["help_reachable"]);
    assert!((r - 74.80314960629921).abs() < 1e-9, "{r}");
    assert_eq!(
        n,
        Some(126),
        "no contactReachability_count in 2024: contact_count"
    );
    assert!(
        s.folders
            .iter()
            .flat_map(|f| &f.values)
            .filter(|v| v.indicator == "help_reachable")
            .all(|v| {
                let x = v.value.as_number().unwrap();
                (0.0..=100.0).contains(&x)
            })
    );
    // rgaa.json: rates, "Non" when unreadable, the empty file warned about.
    let m = by_indicator(&s.folder(1617).unwrap().values);
    assert_eq!(m["handicap"], RawValue::number(100.0));
    let null_taux = folders_where(&dir, "rgaa.json", |b| {
        b.and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .is_some_and(|v| v["taux"].is_null())
    });
    assert_eq!(null_taux.len(), 49);
    for id in &null_taux {
        assert_eq!(
            by_indicator(&s.folder(*id).unwrap().values)["handicap"],
            RawValue::text("Non")
        );
        assert!(warned(
            &s,
            &format!("2024-09-30/{id}/rgaa.json"),
            "pas de taux de conformité lisible"
        ));
    }
    assert!(warned(&s, "2024-09-30/1695/rgaa.json", "fichier vide"));
    assert!(
        !s.folder(1695)
            .unwrap()
            .values
            .iter()
            .any(|v| v.indicator == "handicap")
    );
    // No jdma_3months.json nor updown.json in this snapshot.
    assert!(warned(
        &s,
        "2024-09-30/*/jdma_3months.json",
        "aucun des 236 dossiers"
    ));
    assert!(warned(
        &s,
        "2024-09-30/*/updown.json",
        "aucun des 236 dossiers"
    ));
    let f = s.folder(1617).unwrap();
    assert_eq!(
        f.a11y_mention.as_deref(),
        Some("Accessibilité : totalement conforme")
    );
    assert_eq!(
        f.declaration_url.as_deref(),
        Some("https://mdphenligne.cnsa.fr/mdph/accessibilite")
    );
    assert!(s.folders.iter().all(|f| f.url.is_some()));
}

#[test]
fn snapshot_2023_06_30_old_format() {
    let dir = snapshot("2023-06-30");
    let s = read_without_errors(&dir);
    assert_eq!(s.folders.len(), 207);
    for f in &s.folders {
        let sat = f
            .values
            .iter()
            .find(|v| v.indicator == "satisfaction")
            .expect("every 2023 folder has feedback");
        assert_eq!(sat.window, Some(("2022-04-01".into(), "2023-03-31".into())));
        assert!(!f.values.iter().any(|v| v.indicator.starts_with("help_")));
    }
    let m = by_indicator(&s.folder(998).unwrap().values);
    let (v, n) = counted(&m["satisfaction"]);
    assert_eq!(n, Some(12077));
    assert!((v - 104_225.0 / 12_077.0).abs() < 1e-12);
    // Zero answers: value 0, count 0, no button.
    let f = s.folder(1067).unwrap();
    assert_eq!(
        by_indicator(&f.values)["satisfaction"],
        RawValue::counted(0.0, 0)
    );
    assert_eq!(f.feedback_button, None);
    let zero = s
        .folders
        .iter()
        .filter(|f| by_indicator(&f.values)["satisfaction"] == RawValue::counted(0.0, 0))
        .count();
    assert_eq!(zero, 35);
    assert_eq!(
        s.folders
            .iter()
            .filter(|f| f.feedback_button == Some(true))
            .count(),
        207 - 35
    );
    assert!(warned(&s, "2023-06-30/1675/rgaa.json", "fichier vide"));
    let with_mention = s
        .folders
        .iter()
        .filter(|f| f.a11y_mention.is_some())
        .count();
    assert_eq!(with_mention, 98);
}
