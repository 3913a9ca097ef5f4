//! A sweep's output files, rendered from its results alone, and the merging of shards.
//!
//! `points.csv` has one row per point (its parameter values, then the KPIs), `districts.csv`
//! one row per point and district, `cutoffs.csv` one row per point and public school, and
//! `sweep.json` everything, which is what [`merge`] reads back; `report.html` shows them as
//! charts and tables ([`crate::report::sweep_report`]). Shares are written with six
//! decimals; everything else is an integer, so the files are the same bytes on every machine.

use serde::Serialize;

use crate::metrics::{PointKpis, PointStatus, SweepResults};
use crate::policy::format_points;

/// Names of the files a sweep writes.
pub const POINTS: &str = "points.csv";
pub const DISTRICTS: &str = "districts.csv";
pub const CUTOFFS: &str = "cutoffs.csv";
/// The sweep's whole results as JSON, the file shards are merged from.
pub const SWEEP_JSON: &str = "sweep.json";
pub const REPORT: &str = "report.html";

fn share(part: u64, whole: u64) -> String {
    format!("{:.6}", PointKpis::share(part, whole))
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

const KPI_COLUMNS: [&str; 22] = [
    "status",
    "children",
    "migrant_children",
    "public",
    "public_share",
    "public_migrant",
    "public_migrant_share",
    "public_by_choice",
    "first_choice",
    "first_choice_share",
    "coordinated",
    "purchased",
    "purchase_cost_yuan",
    "budget_yuan",
    "budget_use",
    "unplaced",
    "unplaced_budget",
    "ineligible",
    "public_seats",
    "proven_optimal",
    "check_passed",
    "error",
];

fn kpi_cells(status: &PointStatus) -> Vec<String> {
    match status {
        PointStatus::Solved { kpis: k } => vec![
            "solved".into(),
            k.children.to_string(),
            k.migrant_children.to_string(),
            k.public.to_string(),
            share(k.public, k.children),
            k.public_migrant.to_string(),
            share(k.public_migrant, k.migrant_children),
            k.public_by_choice.to_string(),
            k.first_choice.to_string(),
            share(k.first_choice, k.children),
            k.coordinated.to_string(),
            k.purchased.to_string(),
            k.purchase_cost_yuan.to_string(),
            k.budget_yuan.to_string(),
            share(k.purchase_cost_yuan, k.budget_yuan),
            k.unplaced.to_string(),
            k.unplaced_budget.to_string(),
            k.ineligible.to_string(),
            k.public_seats.to_string(),
            yes_no(k.proven_optimal).into(),
            yes_no(k.check_passed).into(),
            String::new(),
        ],
        PointStatus::Failed { error } => {
            let mut cells = vec![String::new(); KPI_COLUMNS.len()];
            cells[0] = "failed".into();
            cells[KPI_COLUMNS.len() - 1] = error.clone();
            cells
        }
    }
}

/// Renders `points.csv`.
pub fn points_csv(results: &SweepResults) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string(), "key".to_string()];
    header.extend(results.parameters.iter().map(|p| p.id.clone()));
    header.push("seed".into());
    header.extend(KPI_COLUMNS.iter().map(|c| c.to_string()));
    w.write_record(&header).expect("writing to memory");
    for p in &results.points {
        let mut row = vec![p.index.to_string(), p.key.clone()];
        row.extend(p.values.iter().cloned());
        row.push(p.seed.to_string());
        row.extend(kpi_cells(&p.status));
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

#[derive(Serialize)]
struct DistrictRow<'a> {
    point: usize,
    key: &'a str,
    district: &'a str,
    children: u64,
    migrant_children: u64,
    public_seats: u64,
    public: u64,
    public_share: String,
    public_migrant: u64,
    public_migrant_share: String,
    purchased: u64,
    unplaced: u64,
}

/// Renders `districts.csv` (solved points only).
pub fn districts_csv(results: &SweepResults) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for p in &results.points {
        for d in p.kpis().into_iter().flat_map(|k| &k.districts) {
            w.serialize(DistrictRow {
                point: p.index,
                key: &p.key,
                district: &d.district,
                children: d.children,
                migrant_children: d.migrant_children,
                public_seats: d.public_seats,
                public: d.public,
                public_share: share(d.public, d.children),
                public_migrant: d.public_migrant,
                public_migrant_share: share(d.public_migrant, d.migrant_children),
                purchased: d.purchased,
                unplaced: d.unplaced,
            })
            .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

#[derive(Serialize)]
struct CutoffRow<'a> {
    point: usize,
    key: &'a str,
    school: &'a str,
    district: &'a str,
    seats: u32,
    filled: u32,
    applicants: u32,
    cutoff_tier: &'a str,
    cutoff_points: String,
}

/// Renders `cutoffs.csv` (solved points only).
pub fn cutoffs_csv(results: &SweepResults) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for p in &results.points {
        for s in p.kpis().into_iter().flat_map(|k| &k.schools) {
            w.serialize(CutoffRow {
                point: p.index,
                key: &p.key,
                school: &s.school,
                district: &s.district,
                seats: s.seats,
                filled: s.filled,
                applicants: s.applicants,
                cutoff_tier: &s.cutoff_tier,
                cutoff_points: s.cutoff_milli_points.map(format_points).unwrap_or_default(),
            })
            .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

/// Renders `sweep.json`, compact (it is for merging and for programs; the CSV tables are for
/// people).
pub fn sweep_json(results: &SweepResults) -> Vec<u8> {
    let mut json = serde_json::to_vec(results).expect("serialising");
    json.push(b'\n');
    json
}

/// Every output file of a sweep (or of one shard), rendered.
pub fn render(results: &SweepResults) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (POINTS, points_csv(results)),
        (DISTRICTS, districts_csv(results)),
        (CUTOFFS, cutoffs_csv(results)),
        (SWEEP_JSON, sweep_json(results)),
        (REPORT, crate::report::sweep_report(results).into_bytes()),
    ]
}

/// Why shards cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// The list of shards was empty.
    #[error("no shards given")]
    Empty,
    /// One input holds a whole sweep's results, not one shard's.
    #[error("{which} is not a shard (it holds a whole sweep)")]
    NotAShard {
        /// The input, as named by the caller.
        which: String,
    },
    /// One shard comes from another sweep file, other inputs or other solver settings.
    #[error("{which} belongs to another sweep, inputs or solver settings (fingerprint {theirs} ≠ {ours})")]
    Fingerprint {
        /// The shard, as named by the caller.
        which: String,
        /// Fingerprint of the first shard given, which the others must match.
        ours: String,
        /// Fingerprint of this shard.
        theirs: String,
    },
    /// One shard splits the sweep into another number of parts than the first shard given.
    #[error("{which} is shard {index}/{count}, but the first shard given is one of {expected}")]
    ShardCount {
        /// The shard, as named by the caller.
        which: String,
        /// Its part number, 1-based.
        index: usize,
        /// Its number of parts.
        count: usize,
        /// The first shard's number of parts.
        expected: usize,
    },
    /// The same part was given twice.
    #[error("shard {index}/{count} is given twice")]
    Duplicate {
        /// The repeated part number, 1-based.
        index: usize,
        /// The number of parts.
        count: usize,
    },
    /// Some parts were not given.
    #[error("shards missing: {missing} (of {count})")]
    Missing {
        /// The missing part numbers, 1-based, comma-separated.
        missing: String,
        /// The number of parts.
        count: usize,
    },
    /// Every part was given, but together they do not hold each point of the sweep exactly once.
    #[error("the shards hold {have} distinct points in all, but the sweep has {total}")]
    Incomplete {
        /// Points the shards hold together.
        have: usize,
        /// Points the sweep has.
        total: usize,
    },
    /// A shard holds a point that belongs to another part.
    #[error("{which}: point {point} does not belong to shard {index}/{count}")]
    Stray {
        /// The shard, as named by the caller.
        which: String,
        /// The stray point's position in the sweep, 0-based.
        point: usize,
        /// The shard's part number, 1-based.
        index: usize,
        /// The number of parts.
        count: usize,
    },
}

/// Merges every shard of a sweep (each named by `which` in errors) into the results the sweep
/// gives on one machine.
pub fn merge(shards: Vec<(String, SweepResults)>) -> Result<SweepResults, MergeError> {
    let mut it = shards.into_iter();
    let (first_name, first) = it.next().ok_or(MergeError::Empty)?;
    let Some((_, count)) = first.shard else {
        return Err(MergeError::NotAShard { which: first_name });
    };
    let mut seen = vec![false; count];
    let mut merged = SweepResults {
        shard: None,
        points: Vec::with_capacity(first.total_points),
        ..first.clone()
    };
    for (which, shard) in std::iter::once((first_name, first)).chain(it) {
        let Some((index, n)) = shard.shard else {
            return Err(MergeError::NotAShard { which });
        };
        if shard.fingerprint != merged.fingerprint
            || shard.parameters != merged.parameters
            || shard.total_points != merged.total_points
        {
            return Err(MergeError::Fingerprint {
                which,
                ours: merged.fingerprint.clone(),
                theirs: shard.fingerprint,
            });
        }
        if n != count {
            return Err(MergeError::ShardCount {
                which,
                index,
                count: n,
                expected: count,
            });
        }
        if std::mem::replace(&mut seen[index - 1], true) {
            return Err(MergeError::Duplicate { index, count });
        }
        if let Some(p) = shard.points.iter().find(|p| p.index % count != index - 1) {
            return Err(MergeError::Stray {
                which,
                point: p.index,
                index,
                count,
            });
        }
        merged.points.extend(shard.points);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|&i| !seen[i - 1])
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count,
        });
    }
    merged.points.sort_by_key(|p| p.index);
    let complete = merged.points.len() == merged.total_points
        && merged.points.iter().enumerate().all(|(i, p)| p.index == i);
    if !complete {
        return Err(MergeError::Incomplete {
            have: merged.points.len(),
            total: merged.total_points,
        });
    }
    Ok(merged)
}
