//! The benchmark table as JSON, and the ratio of each figure to an earlier report
//! (`cargo xtask bench --compare OLD.json`), so that a regression between two commits
//! shows as a number rather than a feeling.
//!
//! The report is `target/bench/report.json`: `{"figures": [{"benchmark", "figure",
//! "value", "unit"}]}`, values as printed (a figure that is not a number stays text).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{Result, setup};

/// Writes `rows` as the JSON report; returns its path.
pub fn write(rows: &[[String; 4]]) -> Result<PathBuf> {
    let figures: Vec<Value> = rows
        .iter()
        .map(|[benchmark, figure, value, unit]| {
            json!({ "benchmark": benchmark, "figure": figure, "value": number_or_text(value), "unit": unit })
        })
        .collect();
    let dir = setup::target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("report.json");
    let text =
        serde_json::to_string_pretty(&json!({ "figures": figures })).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn number_or_text(value: &str) -> Value {
    value
        .parse::<f64>()
        .ok()
        .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
        .unwrap_or_else(|| Value::String(value.to_owned()))
}

/// Each figure of `rows` beside its value in the report at `old` and the ratio new/old
/// (`-` when the old report lacks it or either is not a number).
pub fn compare(rows: &[[String; 4]], old: &Path) -> Result<Vec<[String; 4]>> {
    let text = std::fs::read_to_string(old).map_err(|e| format!("{}: {e}", old.display()))?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not a report: {e}", old.display()))?;
    let earlier = report["figures"]
        .as_array()
        .ok_or_else(|| format!("{}: no figures", old.display()))?;
    Ok(rows
        .iter()
        .map(|[benchmark, figure, value, unit]| {
            let before = earlier
                .iter()
                .find(|f| f["benchmark"] == *benchmark.as_str() && f["figure"] == *figure.as_str())
                .and_then(|f| f["value"].as_f64());
            let now = value.parse::<f64>().ok();
            let ratio = match (now, before) {
                (Some(now), Some(before)) if before != 0.0 => format!("{:.2}x", now / before),
                _ => "-".to_owned(),
            };
            [
                format!("{benchmark} / {figure}"),
                before.map_or_else(|| "-".to_owned(), |b| format!("{b}")),
                format!("{value} {unit}"),
                ratio,
            ]
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_each_figure_with_the_earlier_report() {
        let old =
            std::env::temp_dir().join(format!("athena-bench-old-{}.json", std::process::id()));
        std::fs::write(
            &old,
            r#"{"figures":[{"benchmark":"installed","figure":"size","value":10.0,"unit":"MB"},
                           {"benchmark":"installed","figure":"label","value":"n/a","unit":""}]}"#,
        )
        .expect("write");
        let rows = [
            [
                "installed".into(),
                "size".into(),
                "12.5".into(),
                "MB".into(),
            ],
            ["installed".into(), "label".into(), "n/a".into(), "".into()],
            ["installed".into(), "new".into(), "3".into(), "ms".into()],
        ];
        let compared = compare(&rows, &old).expect("compares");
        assert_eq!(compared[0][3], "1.25x");
        assert_eq!(compared[0][1], "10");
        assert_eq!(compared[1][3], "-");
        assert_eq!(compared[2][1], "-");
        assert!(compare(&rows, Path::new("/no/such/report.json")).is_err());
        std::fs::remove_file(old).ok();
    }

    #[test]
    fn numbers_stay_numbers_in_the_report() {
        assert_eq!(number_or_text("12.5"), json!(12.5));
        assert_eq!(number_or_text("fast"), json!("fast"));
    }
}
