//! Libraries of older schemas, as the evidex of that schema wrote them, are brought up to this
//! one when opened, losing nothing.

use super::*;

/// Makes at `to` a library of schema `version` (1 or 2), in that schema's own tables, holding
/// what the current library at `from` holds: its studies (with a `record`, which schema 3
/// dropped), outcomes, changes and syncs; for schema 2 also the generation and the drafts, as
/// JSON text as schema 2 stored them.
fn old_library(from: &Path, to: &Path, version: i64) {
    let c = rusqlite::Connection::open(to).expect("creates");
    let _: String = c
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .expect("wal");
    let tables = if version == 1 {
        schema::schema_1()
    } else {
        format!("{}{}", schema::schema_1(), schema::to_2())
    };
    c.execute_batch(&format!(
        "{tables}
         PRAGMA application_id = {};
         PRAGMA user_version = {version};",
        schema::APPLICATION_ID
    ))
    .expect("old tables");
    c.execute("ATTACH ?1 AS cur", [from.display().to_string()])
        .expect("attaches");
    c.execute_batch(
        "INSERT INTO studies SELECT registry_id, source, last_update, phase, status, enrolment,
             enrolment_type, title, conditions, primary_outcomes, results_first_posted,
             primary_completion, completion, has_results, '{\"trials\": []}', raw, added, updated
         FROM cur.studies;
         INSERT INTO outcomes SELECT * FROM cur.outcomes;
         INSERT INTO changes SELECT * FROM cur.changes;
         INSERT INTO syncs SELECT * FROM cur.syncs;",
    )
    .expect("copies the rows");
    if version == 2 {
        c.execute_batch(
            "UPDATE meta SET value = (SELECT value FROM cur.meta WHERE key = 'generation')",
        )
        .expect("generation");
        let drafts: Vec<(String, String, Vec<u8>)> = c
            .prepare("SELECT registry_id, mapping, draft FROM cur.drafts")
            .expect("reads")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("reads")
            .collect::<Result<_, _>>()
            .expect("reads");
        for (id, mapping, draft) in drafts {
            let d = super::super::row::decode_draft(rusqlite::types::ValueRef::Blob(&draft))
                .expect("a draft");
            let json = serde_json::to_string(&d).expect("json");
            c.execute(
                "INSERT INTO drafts (registry_id, mapping, draft) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, mapping, json],
            )
            .expect("inserts");
        }
    }
}

/// A current library of every fixture study, one of them updated (so that it has changes), and
/// a synced page token; its corpus as opened.
fn current() -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let (d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let texts = all_studies();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    lib.write_page("cond=hcc", &refs, Some("next"))
        .expect("writes");
    let mut newer: serde_json::Value = serde_json::from_str(&texts[0]).expect("json");
    let status = &mut newer["protocolSection"]["statusModule"];
    status["overallStatus"] = "TERMINATED".into();
    status["lastUpdatePostDateStruct"]["date"] = "2099-01-01".into();
    let r = lib.write_studies(&[&newer.to_string()]).expect("updates");
    assert_eq!(r.changes, 1);
    (d, path, texts)
}

fn count(lib: &Library, sql: &str) -> i64 {
    lib.conn.query_row(sql, [], |r| r.get(0)).expect("counts")
}

/// The trials of a library as opened, as JSON, for comparison.
fn opened(path: &Path) -> (usize, usize, Vec<String>) {
    let l = open_corpus(None, Some(path)).expect("loads");
    let c = l.engine.corpus();
    let trials = c
        .trials
        .iter()
        .map(|t| serde_json::to_string(t).expect("json"))
        .collect();
    (l.library_studies, l.library_skipped, trials)
}

const COUNTS: [&str; 5] = [
    "SELECT count(*) FROM studies",
    "SELECT count(*) FROM outcomes",
    "SELECT count(*) FROM changes",
    "SELECT count(*) FROM syncs",
    "SELECT count(*) FROM drafts",
];

#[test]
fn a_library_of_schema_2_is_rebuilt_on_opening_losing_nothing() {
    let (d, cur, texts) = current();
    let want = opened(&cur);
    let lib = Library::open_existing(&cur)
        .expect("opens")
        .expect("exists");
    let counts: Vec<i64> = COUNTS.iter().map(|q| count(&lib, q)).collect();
    let generation = lib.generation().expect("reads");
    drop(lib);
    let path = d.path().join("two.sqlite");
    old_library(&cur, &path, 2);
    // The drafts are used as they are, not mapped again: spoil the registry's text to see it.
    rusqlite::Connection::open(&path)
        .expect("opens")
        .execute("UPDATE studies SET raw = 'not json'", [])
        .expect("spoils");

    let lib = Library::open_existing(&path)
        .expect("migrates")
        .expect("exists");
    let v: i64 = lib
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(v, 3);
    let now: Vec<i64> = COUNTS.iter().map(|q| count(&lib, q)).collect();
    assert_eq!(now, counts, "every row is kept");
    assert_eq!(lib.generation().expect("reads"), generation);
    assert_eq!(
        lib.resume_token("cond=hcc").expect("reads").as_deref(),
        Some("next")
    );
    assert_eq!(lib.changes(None).expect("reads").len(), 1);
    // `studies` and `drafts` are rowid tables now, and `record` is gone.
    let without_rowid = count(
        &lib,
        "SELECT count(*) FROM sqlite_master WHERE name IN ('studies', 'drafts')
         AND sql LIKE '%WITHOUT ROWID%'",
    );
    assert_eq!(without_rowid, 0);
    let record = count(
        &lib,
        "SELECT count(*) FROM pragma_table_info('studies') WHERE name = 'record'",
    );
    assert_eq!(record, 0);
    assert_eq!(
        count(&lib, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    drop(lib);
    let (studies, skipped, trials) = opened(&path);
    assert_eq!((studies, skipped), (want.0, 0));
    assert_eq!(trials, want.2, "the same corpus, from the drafts");

    // The references of `outcomes` and `drafts` follow the new `studies`: removing a study
    // removes its rows.
    let mut lib = Library::open(&path).expect("opens");
    let nct = "NCT02513394".to_string();
    lib.remove(std::slice::from_ref(&nct)).expect("removes");
    for table in ["outcomes", "drafts"] {
        let left: i64 = lib
            .conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE registry_id = ?1"),
                [&nct],
                |r| r.get(0),
            )
            .expect("counts");
        assert_eq!(left, 0, "{table}");
    }
    // A write after the migration stores a MessagePack draft beside the JSON ones.
    lib.write_studies(&[&texts[0]]).expect("writes");
    let kinds: Vec<String> = lib
        .conn
        .prepare("SELECT DISTINCT typeof(draft) FROM drafts ORDER BY 1")
        .expect("reads")
        .query_map([], |r| r.get(0))
        .expect("reads")
        .collect::<Result<_, _>>()
        .expect("reads");
    assert_eq!(kinds, ["blob", "text"]);
}

#[test]
fn a_library_of_schema_1_is_migrated_on_opening_and_its_studies_still_load() {
    let (d, cur, texts) = current();
    let want = opened(&cur);
    let path = d.path().join("one.sqlite");
    old_library(&cur, &path, 1);
    let old = rusqlite::Connection::open(&path).expect("opens");
    let before: i64 = old
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .expect("counts");
    assert_eq!(before, 1);
    drop(old);
    let lib = Library::open_existing(&path)
        .expect("migrates")
        .expect("exists");
    let v: i64 = lib
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(v, schema::VERSION);
    assert!(lib.generation().expect("reads") >= 1);
    assert_eq!(count(&lib, "SELECT count(*) FROM changes"), 1);
    drop(lib);
    // The migrated studies have no draft: they are mapped from `raw`, to the same corpus.
    let (studies, skipped, trials) = opened(&path);
    assert_eq!((studies, skipped), (want.0, 0));
    assert_eq!(trials, want.2);
    // A write of a newer version stores its draft.
    let mut newer: serde_json::Value = serde_json::from_str(&texts[1]).expect("json");
    newer["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] =
        "2099-01-01".into();
    let mut lib = Library::open(&path).expect("opens");
    let r = lib.write_studies(&[&newer.to_string()]).expect("writes");
    assert_eq!(r.updated.len(), 1);
    assert_eq!(count(&lib, "SELECT count(*) FROM drafts"), 1);
}

#[test]
fn a_read_only_library_of_an_older_schema_is_refused_by_name_and_left_as_it_was() {
    let (d, cur, _) = current();
    for version in [1, 2] {
        let path = d.path().join(format!("old{version}.sqlite"));
        old_library(&cur, &path, version);
        let ro =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let e = Library::open_with(&path, ro, false).expect_err("refused");
        assert!(
            matches!(e, LibraryError::Old { found, .. } if found == version),
            "{e}"
        );
        let m = e.to_string();
        assert!(m.starts_with(&path.display().to_string()), "{m}");
        assert!(m.contains("older evidex") && m.contains("read-only"), "{m}");
        let c = rusqlite::Connection::open(&path).expect("opens");
        let v: i64 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(v, version, "nothing was changed");
    }
}
