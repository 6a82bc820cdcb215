//! Workload capacity as the team view and the MI workload pages both show it.

/// Workload points as shown: whole points.
pub fn points(p: f64) -> String {
    format!("{p:.0}")
}

/// Capacity as shown: a percentage to one decimal place, or why there is none.
pub fn capacity(percent: Option<f64>) -> String {
    percent.map_or_else(|| "No points available".to_owned(), |c| format!("{c:.1}%"))
}
