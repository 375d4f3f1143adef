//! The layout of ACRO's `results.json` as its readers require it: ACRO's own
//! `record.load_records` (keys `version`, `results`; per output `uid`, `status`, `type`,
//! `properties`, `files` with `name` and `sdc` and at least one file, `outcome`,
//! `command`, `summary`, `timestamp`, `comments`, `exception`) and the SACRO viewer's
//! `ACROOutputs` (a version `major.minor.patch` at least its supported 0.4; every output
//! with a file; table cells as `[row, column]` pairs under their rule in
//! `files[].sdc.cells`). Field names from AI-SDC/ACRO `acro/record.py` (`finalise_json`,
//! `load_records`) and AI-SDC/SACRO-Viewer `sacro/models.py`, `sacro/versioning.py`.
#![allow(dead_code)]

use serde_json::Value;

/// Asserts that `json` loads in ACRO and in the SACRO viewer, and that each table's
/// outcome is a DataFrame's `to_json()` (column -> row label -> text).
pub fn assert_acro_layout(json: &Value) {
    let version = json["version"].as_str().expect("version is a string");
    let parts: Vec<&str> = version.split('.').collect();
    assert!(parts.len() >= 2, "SACRO reads major.minor: {version}");
    let (major, minor): (u32, u32) = (parts[0].parse().unwrap(), parts[1].parse().unwrap());
    assert!(
        (major, minor) >= (0, 4),
        "SACRO supports ACRO 0.4 onwards: {version}"
    );
    let results = json["results"].as_object().expect("results is an object");
    assert!(!results.is_empty());
    for (key, out) in results {
        for field in [
            "uid",
            "status",
            "type",
            "properties",
            "files",
            "outcome",
            "command",
            "summary",
            "timestamp",
            "comments",
            "exception",
        ] {
            assert!(
                out.get(field).is_some(),
                "{key}: no {field} (ACRO's load_records reads it)"
            );
        }
        assert_eq!(out["uid"].as_str(), Some(key.as_str()), "{out}");
        assert!(
            matches!(out["status"].as_str(), Some("pass" | "fail" | "review")),
            "{out}"
        );
        assert!(matches!(out["type"].as_str(), Some("table" | "custom")));
        assert!(out["properties"].is_object());
        assert!(out["outcome"].is_object());
        assert!(out["command"].is_string());
        assert!(out["summary"].is_string());
        assert!(out["timestamp"].is_string());
        assert!(out["exception"].is_string());
        assert!(out["comments"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string));
        let files = out["files"].as_array().expect("files is an array");
        assert!(
            !files.is_empty(),
            "{key}: the SACRO viewer refuses an output without files"
        );
        for f in files {
            assert!(f["name"].is_string());
            assert!(
                f["sdc"].is_object(),
                "{key}: ACRO's load_records reads files[0].sdc"
            );
            if out["type"] == "table" {
                assert!(f["sdc"]["summary"]["suppressed"].is_boolean(), "{f}");
                assert!(f["sdc"]["summary"]["threshold"].is_u64(), "{f}");
                for cells in f["sdc"]["cells"].as_object().unwrap().values() {
                    for cell in cells.as_array().unwrap() {
                        let rc = cell.as_array().unwrap();
                        assert!(rc.len() == 2 && rc.iter().all(Value::is_u64), "{cell}");
                    }
                }
            }
        }
        if out["type"] == "table" {
            for column in out["outcome"].as_object().unwrap().values() {
                for v in column.as_object().unwrap().values() {
                    assert!(v.is_string());
                }
            }
        }
    }
}
