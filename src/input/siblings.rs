//! Sibling groups: children of one family entering the same year who apply jointly.
//!
//! A `sibling_group` value in the children file links the children sharing it. A group must have
//! at least two children, one home (the same district and location) and one list of choices (the
//! same schools in the same order): the family makes one application for all of them. Groups are
//! named by ids, so a link cannot point at a missing child or form a cycle; every other problem is
//! reported at the offending row, as `children.csv:line: field sibling_group: …`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::ids;
use crate::domain::Child;
use crate::error::InputError;

/// One row's membership: the group id, the child's id and the row's line.
pub(crate) struct Membership {
    pub group: String,
    pub child: String,
    pub line: u64,
}

/// Checks the groups and numbers them densely, in order of each group's first row; sets
/// [`Child::sibling_group`]. Children refused for other problems are skipped.
pub(crate) fn link(
    path: &Path,
    rows: Vec<Membership>,
    children: &mut [Child],
    child_ix: &super::ids::IdMap<u32>,
    errors: &mut Vec<InputError>,
) {
    let mut groups: BTreeMap<(u64, String), Vec<(usize, u64)>> = BTreeMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    // Group ids by their folded form, to refuse two spellings of one group.
    let mut spelled: HashMap<String, (String, u64)> = HashMap::new();
    let mut refused = std::collections::HashSet::new();
    for m in &rows {
        let problem = ids::id_problem(&m.group).or_else(|| {
            let (other, line) = spelled
                .entry(ids::folded(&m.group).into_owned())
                .or_insert_with(|| (m.group.clone(), m.line));
            (*other != m.group).then(|| {
                format!(
                    "sibling group `{}` is written differently from `{other}` (line {line}) but is the same after Unicode compatibility folding: write one group's id alike",
                    m.group
                )
            })
        });
        if let Some(problem) = problem {
            errors.push(InputError::at(path, m.line, "sibling_group", problem));
            refused.insert(m.group.clone());
        }
    }
    // A group with a refused id is not linked (the scenario is refused anyway).
    let rows: Vec<Membership> = rows
        .into_iter()
        .filter(|m| !refused.contains(&m.group))
        .collect();
    // Rows naming each group, counted once (not once per group: linear in the rows).
    let mut in_file: HashMap<&str, usize> = HashMap::new();
    for m in &rows {
        *in_file.entry(m.group.as_str()).or_default() += 1;
        let first = *first_line.entry(m.group.clone()).or_insert(m.line);
        if let Some(&c) = child_ix.get(&m.child) {
            groups
                .entry((first, m.group.clone()))
                .or_default()
                .push((c as usize, m.line));
        }
    }
    let mut next = 0u32;
    for ((_, group), members) in groups {
        let members_in_file = in_file[group.as_str()];
        if members_in_file < 2 {
            let (c, line) = members[0];
            errors.push(InputError::at(
                path,
                line,
                "sibling_group",
                format!(
                    "sibling group `{group}` has only child `{}`: a joint application needs at least two children",
                    children[c].id
                ),
            ));
            continue;
        }
        let (head, head_line) = members[0];
        let mut ok = true;
        for &(c, line) in &members[1..] {
            let (a, b) = (&children[head], &children[c]);
            let problem = if a.residence_district != b.residence_district
                || a.location != b.location
            {
                Some("lives elsewhere: siblings applying together share one home (district and location)")
            } else if a.choices != b.choices {
                Some("lists other choices: a joint application has one list of schools, in one order")
            } else {
                None
            };
            if let Some(problem) = problem {
                ok = false;
                errors.push(InputError::at(
                    path,
                    line,
                    "sibling_group",
                    format!(
                        "child `{}` is in sibling group `{group}` with `{}` (line {head_line}) but {problem}",
                        b.id, a.id
                    ),
                ));
            }
        }
        // A member refused for another problem leaves the group unlinked (the scenario is
        // refused anyway), so the scenario's own sibling-group rule does not report it again.
        if ok && members.len() == members_in_file {
            for &(c, _) in &members {
                children[c].sibling_group = Some(next);
            }
            next += 1;
        }
    }
}
