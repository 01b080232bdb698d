//! Parsing a file of records with `serde_json` alone: the page split into raw studies
//! ([`RawValue`]), each study parsed whole into the [`super::api`] types. The benchmark
//! (benches/import.rs, "parse") measures it against the scanner of `parse.rs`.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::api::Study;

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(default, borrow)]
    studies: Option<Vec<&'a RawValue>>,
}

/// Each study of a bare study, a page or an array, parsed; an error for a file that is not
/// JSON.
pub fn parse_all(text: &str) -> Result<Vec<Result<Study, String>>, String> {
    let raws: Vec<&RawValue> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        match serde_json::from_str::<Page>(text)
            .map_err(|e| e.to_string())?
            .studies
        {
            Some(s) => s,
            None => vec![serde_json::from_str(text).map_err(|e| e.to_string())?],
        }
    };
    Ok(raws
        .into_iter()
        .map(|r| serde_json::from_str::<Study>(r.get()).map_err(|e| e.to_string()))
        .collect())
}
