//! The rules of a valid scenario (listed in the [`super`] module documentation), and the bounds
//! and words the loader shares with them, so that each bound is written down once.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{Edit, Entity, Problem, ScenarioParts};
use crate::domain::{
    Child, ChildIdx, CoordinateSystem, Coordination, District, DistrictIdx, Location, PrivateIdx,
    PrivateSchool, School, SchoolIdx,
};
use crate::policy::TieRule;

/// Most residents of a district.
pub(crate) const MAX_POPULATION: u64 = 2_000_000_000;
/// Most children of one entry age counted in a district.
pub(crate) const MAX_COHORT_CHILDREN: u64 = 10_000_000;
/// Most seats of a school (public seats, or purchasable private places).
pub(crate) const MAX_SEATS: u64 = 1_000_000;
/// Highest subsidy per bought place, in yuan.
pub(crate) const MAX_SUBSIDY_YUAN: u64 = 1_000_000;
/// Highest private-school fee, in yuan.
pub(crate) const MAX_FEE_YUAN: u64 = 10_000_000;
/// Most months of any month count (a hundred years).
pub(crate) const MAX_MONTHS: u64 = 1_200;
/// Most children of a scenario: a child index fits in 24 bits.
pub(crate) const MAX_CHILDREN: usize = (1 << 24) - 1;
/// Largest coordinate, in km either way.
const MAX_COORDINATE_KM: f64 = 10_000.0;

/// `value` ≤ `max`, else the words for a count that is too large.
pub(crate) fn at_most(value: u64, max: u64) -> Result<(), String> {
    if value <= max {
        Ok(())
    } else {
        Err(format!("{value} is implausibly large (at most {max})"))
    }
}

/// A share in (0, 1] (`open_zero`) or [0, 1].
pub(crate) fn share(s: f64, open_zero: bool) -> Result<(), String> {
    let low_ok = if open_zero { s > 0.0 } else { s >= 0.0 };
    if s.is_finite() && low_ok && s <= 1.0 {
        Ok(())
    } else {
        let range = if open_zero { "(0, 1]" } else { "[0, 1]" };
        Err(format!("must be in {range}, got {s}"))
    }
}

/// A yearly growth rate in [−0.5, 0.5].
pub(crate) fn growth_rate(g: f64) -> Result<(), String> {
    if g.is_finite() && (-0.5..=0.5).contains(&g) {
        Ok(())
    } else {
        Err(format!(
            "must be a yearly rate between -0.5 and 0.5, got {g}"
        ))
    }
}

/// A coordinate: finite and within ±10,000 km.
pub(crate) fn coordinate(v: f64) -> Result<(), String> {
    if v.is_finite() && v.abs() <= MAX_COORDINATE_KM {
        Ok(())
    } else {
        Err(format!("`{v}` is not a coordinate in km within ±10,000"))
    }
}

/// A latitude: finite and within [-90, 90] degrees.
pub(crate) fn latitude(v: f64) -> Result<(), String> {
    if v.is_finite() && v.abs() <= 90.0 {
        Ok(())
    } else {
        Err(format!(
            "`{v}` is not a latitude in degrees within [-90, 90]"
        ))
    }
}

/// A longitude: finite and within [-180, 180] degrees.
pub(crate) fn longitude(v: f64) -> Result<(), String> {
    if v.is_finite() && v.abs() <= 180.0 {
        Ok(())
    } else {
        Err(format!(
            "`{v}` is not a longitude in degrees within [-180, 180]"
        ))
    }
}

/// The coordinate system of a scenario: that of its first public school, else of its first
/// private school, else of its first child. Every other location must be in it.
pub(crate) fn coordinate_system(sc: &ScenarioParts) -> Option<CoordinateSystem> {
    sc.schools
        .first()
        .map(|s| s.location)
        .or_else(|| sc.private_schools.first().map(|s| s.location))
        .or_else(|| sc.children.first().map(|c| c.location))
        .map(Location::system)
}

/// Seats reserved for migrant children: between 0 and the school's seats.
pub(crate) fn reserved_seats(reserved: i64, seats: u64) -> Result<(), String> {
    if (0..=seats as i64).contains(&reserved) {
        Ok(())
    } else {
        Err(format!(
            "must be between 0 and the school's {seats} seats, got {reserved}"
        ))
    }
}

/// An entry grade: 1 (primary) or 7 (junior secondary).
pub(crate) fn entry_grade(g: i64) -> Result<(), String> {
    match g {
        1 | 7 => Ok(()),
        _ => Err(format!(
            "must be 1 (primary) or 7 (junior secondary), got {g}"
        )),
    }
}

/// A distance limit: finite and ≥ 0 km.
pub(crate) fn distance(km: f64) -> Result<(), String> {
    if km.is_finite() && km >= 0.0 {
        Ok(())
    } else {
        Err(format!("must be a distance ≥ 0 km, got {km}"))
    }
}

/// Collects the problems of one check.
struct Problems(Vec<Problem>);

impl Problems {
    /// Records a broken rule of one field, if `result` says so.
    fn check(&mut self, entity: Entity, field: &'static str, result: Result<(), String>) {
        if let Err(message) = result {
            self.0.push(Problem::Field {
                entity,
                field,
                message,
            });
        }
    }

    /// The id is not empty.
    fn id_present(&mut self, entity: Entity, id: &str) {
        if id.is_empty() {
            self.check(entity, "id", Err("the id is empty".into()));
        }
    }

    /// A school takes entrants of the intake's grade.
    fn grade(&mut self, entity: Entity, school: u8, intake: u8) {
        if school != intake {
            self.check(
                entity,
                "entry_grade",
                Err(format!(
                    "takes grade-{school} entrants, but this intake is for grade {intake}"
                )),
            );
        }
    }

    /// Both coordinates of a location, in the scenario's coordinate system.
    fn location(&mut self, entity: Entity, at: Location, system: Option<CoordinateSystem>) {
        let first = match at {
            Location::Km { x_km, y_km } => {
                self.check(entity, "x_km", coordinate(x_km));
                self.check(entity, "y_km", coordinate(y_km));
                "x_km"
            }
            Location::Degrees { lat, lon } => {
                self.check(entity, "lat", latitude(lat));
                self.check(entity, "lon", longitude(lon));
                "lat"
            }
        };
        if let Some(system) = system.filter(|&s| s != at.system()) {
            self.check(
                entity,
                first,
                Err(format!(
                    "given in {} while the scenario's first school is in {}: a scenario uses one coordinate system for all its tables",
                    at.system().columns(),
                    system.columns()
                )),
            );
        }
    }

    /// An index points at one of the `len` entities it names.
    fn reference(&mut self, entity: Entity, field: &'static str, index: u32, len: usize, of: &str) {
        if index as usize >= len {
            self.check(
                entity,
                field,
                Err(format!("{of} #{index} does not exist (there are {len})")),
            );
        }
    }
}

/// Which ids repeat: (the later entity's position, the first one's, the id), in order of the
/// later. Sorted ids (as loaded) are checked in one pass, others through a map.
fn repeated<'a>(ids: impl Iterator<Item = &'a str> + Clone) -> Vec<(usize, usize, &'a str)> {
    let mut prev: Option<&str> = None;
    let sorted = ids.clone().all(|id| {
        let ok = prev.is_none_or(|p| p < id);
        prev = Some(id);
        ok
    });
    if sorted {
        return Vec::new();
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, id) in ids.enumerate() {
        match first.get(id) {
            Some(&f) => out.push((i, f, id)),
            None => {
                first.insert(id, i);
            }
        }
    }
    out
}

/// Every rule the parts break, in the order of the module documentation's list.
pub(crate) fn check(sc: &ScenarioParts) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    scenario_fields(&mut p, sc);
    for (i, d) in sc.districts.iter().enumerate() {
        district(&mut p, DistrictIdx(i as u32), d);
    }
    unique_ids(&mut p, sc.districts.iter().map(|d| d.id.as_str()), |i| {
        Entity::District(DistrictIdx(i))
    });
    for (i, s) in sc.schools.iter().enumerate() {
        school(&mut p, sc, SchoolIdx(i as u32), s);
    }
    for (i, s) in sc.private_schools.iter().enumerate() {
        private_school(&mut p, sc, PrivateIdx(i as u32), s);
    }
    school_ids(&mut p, sc);
    for (i, c) in sc.children.iter().enumerate() {
        child(&mut p, sc, ChildIdx(i as u32), c);
    }
    unique_ids(&mut p, sc.children.iter().map(|c| c.id.as_str()), |i| {
        Entity::Child(ChildIdx(i))
    });
    let groups = sibling_groups(&sc.children);
    for (&g, members) in &groups {
        sibling_group(&mut p, &sc.children, g, members);
    }
    child_count(&mut p, sc);
    priorities(&mut p, sc, !groups.is_empty());
    p.0
}

/// The rules that `edits` can break, checked on `sc` — the parts of a valid scenario with the
/// edits applied — in the order [`check`] checks them; `None` when the edits need the whole
/// [`check`] (a new school; children added or removed together with edits naming children by
/// index, whose indices then moved; added children with repeated ids, in sibling groups or
/// breaking a rule of their own, so that the whole check names them at their places).
///
/// An edit that sets fields of one entity can only break the rules that read those fields: its
/// entity's own rules and, for seats and the tie rule, [`priorities`]. Added children break at
/// most their own rules (checked on the edit's copies), unique ids and the child count;
/// removing children can break only the sibling-group rules (a group left with one child is
/// dissolved by the edit). Every other rule
/// held before and reads nothing that changed, so the problems are exactly those [`check`]
/// would find, in its order (a property test compares the two on random edits).
pub(crate) fn check_edited(sc: &ScenarioParts, edits: &[Edit]) -> Option<Vec<Problem>> {
    let mut schools = BTreeSet::new();
    let mut privates = BTreeSet::new();
    let mut children = BTreeSet::new();
    let mut priority_rules = false;
    // `by_index`: an edit names a child by index, which adding or removing children moves
    // (schools never move: a new school needs the whole check anyway).
    let (mut added, mut removed, mut by_index) = (Vec::new(), false, false);
    for edit in edits {
        match edit {
            Edit::Seed(_) | Edit::BudgetYuan(_) | Edit::Indicator { .. } => {}
            Edit::SchoolSeats { school, .. } => {
                schools.insert(*school);
                priority_rules = true;
            }
            Edit::SubsidyYuan { school, .. } => {
                privates.insert(*school);
            }
            Edit::TieRule(_) => priority_rules = true,
            Edit::ChildFact { child, .. } | Edit::Hukou { child, .. } => {
                children.insert(*child);
                by_index = true;
            }
            Edit::AddChildren(new) => added.extend(new.iter()),
            Edit::RemoveChildren(_) => removed = true,
            Edit::AddSchool(_) => return None,
        }
    }
    let reshaped = removed || !added.is_empty();
    if reshaped && (by_index || added.iter().any(|c| c.sibling_group.is_some())) {
        return None;
    }
    if !added.is_empty() {
        // With children sorted by id and no id repeated, the added children broke no id rule;
        // their own rules are checked on the edit's copies, and any problem sends the whole
        // check to name them at their places.
        if sc.children.windows(2).any(|w| w[0].id >= w[1].id) {
            return None;
        }
        let mut own = Problems(Vec::new());
        for c in &added {
            child(&mut own, sc, ChildIdx(0), c);
        }
        if !own.0.is_empty() {
            return None;
        }
    }
    let mut p = Problems(Vec::new());
    for i in schools {
        school(&mut p, sc, i, &sc.schools[i.ix()]);
    }
    for i in privates {
        private_school(&mut p, sc, i, &sc.private_schools[i.ix()]);
    }
    for i in children {
        child(&mut p, sc, i, &sc.children[i.ix()]);
    }
    let mut any_groups = None;
    if removed {
        let groups = sibling_groups(&sc.children);
        for (&g, members) in &groups {
            sibling_group(&mut p, &sc.children, g, members);
        }
        any_groups = Some(!groups.is_empty());
    }
    if !added.is_empty() {
        child_count(&mut p, sc);
    }
    if priority_rules || removed {
        let any_groups =
            any_groups.unwrap_or_else(|| sc.children.iter().any(|c| c.sibling_group.is_some()));
        priorities(&mut p, sc, any_groups);
    }
    Some(p.0)
}

/// The scenario's own fields: its entry grade and the fallback distances.
fn scenario_fields(p: &mut Problems, sc: &ScenarioParts) {
    p.check(
        Entity::Scenario,
        "entry_grade",
        entry_grade(i64::from(sc.entry_grade)),
    );
    for (field, km) in [
        (
            "fallback.coordinated_max_km",
            sc.fallback.coordinated_max_km,
        ),
        ("fallback.purchase_max_km", sc.fallback.purchase_max_km),
    ] {
        if let Some(km) = km {
            p.check(Entity::Scenario, field, distance(km));
        }
    }
    p.check(
        Entity::Scenario,
        "fallback.coordinated",
        coordination_limit(sc.fallback.coordination, sc.fallback.coordinated_max_km),
    );
}

/// Coordinated placement across districts (`nearest`) has a distance limit.
pub(crate) fn coordination_limit(stage: Coordination, max_km: Option<f64>) -> Result<(), String> {
    if stage == Coordination::Nearest && max_km.is_none() {
        Err("`nearest` places children across districts and needs a distance limit: set `coordinated_max_km`".to_string())
    } else {
        Ok(())
    }
}

/// A district: an id, and its population, shares, growth rate and cohort within bounds.
fn district(p: &mut Problems, i: DistrictIdx, d: &District) {
    let e = Entity::District(i);
    p.id_present(e, &d.id);
    p.check(
        e,
        "permanent_population",
        at_most(d.permanent_population, MAX_POPULATION),
    );
    p.check(e, "cohort_share", share(d.cohort_share, true));
    if let Some(s) = d.migrant_share {
        p.check(e, "migrant_share", share(s, false));
    }
    p.check(e, "apply_share", share(d.apply_share, false));
    p.check(e, "growth_rate", growth_rate(d.growth_rate));
    if let Some(n) = d.cohort_children {
        p.check(e, "cohort_children", at_most(n, MAX_COHORT_CHILDREN));
    }
}

/// A public school: an id, an existing district, the intake's grade, seats and reserved seats
/// within bounds, a location.
fn school(p: &mut Problems, sc: &ScenarioParts, i: SchoolIdx, s: &School) {
    let e = Entity::School(i);
    p.id_present(e, &s.id);
    p.reference(e, "district", s.district.0, sc.districts.len(), "district");
    p.grade(e, s.entry_grade, sc.entry_grade);
    p.check(e, "seats", at_most(u64::from(s.seats), MAX_SEATS));
    p.check(
        e,
        "reserved_migrant",
        reserved_seats(i64::from(s.reserved_migrant), u64::from(s.seats)),
    );
    p.location(e, s.location, coordinate_system(sc));
}

/// A private school: an id, an existing district, the intake's grade, places, subsidy and fee
/// within bounds, a location.
fn private_school(p: &mut Problems, sc: &ScenarioParts, i: PrivateIdx, s: &PrivateSchool) {
    let e = Entity::PrivateSchool(i);
    p.id_present(e, &s.id);
    p.reference(e, "district", s.district.0, sc.districts.len(), "district");
    p.grade(e, s.entry_grade, sc.entry_grade);
    p.check(
        e,
        "purchasable_seats",
        at_most(u64::from(s.purchasable_seats), MAX_SEATS),
    );
    p.check(e, "subsidy_yuan", at_most(s.subsidy_yuan, MAX_SUBSIDY_YUAN));
    p.check(e, "fee_yuan", at_most(s.fee_yuan, MAX_FEE_YUAN));
    p.location(e, s.location, coordinate_system(sc));
}

/// School ids are unique across public and private schools, which share one id space. Sorted,
/// disjoint lists (as loaded) are checked without a map.
fn school_ids(p: &mut Problems, sc: &ScenarioParts) {
    let public_sorted = sc.schools.windows(2).all(|w| w[0].id < w[1].id);
    let private_sorted = sc.private_schools.windows(2).all(|w| w[0].id < w[1].id);
    let disjoint = || {
        let public: HashSet<&str> = sc.schools.iter().map(|s| s.id.as_str()).collect();
        sc.private_schools
            .iter()
            .all(|q| !public.contains(q.id.as_str()))
    };
    if public_sorted && private_sorted && disjoint() {
        return;
    }
    let ids = sc
        .schools
        .iter()
        .map(|s| s.id.as_str())
        .chain(sc.private_schools.iter().map(|s| s.id.as_str()));
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        match first.get(id) {
            Some(&f) => p.check(
                school_entity(sc, i),
                "id",
                Err(format!(
                    "duplicate id `{id}` (first at {}); school ids must be unique across public and private schools",
                    school_entity(sc, f)
                )),
            ),
            None => {
                first.insert(id, i);
            }
        }
    }
}

/// The entity at position `i` of the public schools followed by the private ones.
fn school_entity(sc: &ScenarioParts, i: usize) -> Entity {
    match i.checked_sub(sc.schools.len()) {
        None => Entity::School(SchoolIdx(i as u32)),
        Some(q) => Entity::PrivateSchool(PrivateIdx(q as u32)),
    }
}

/// A child: an id, existing districts, a location, month counts within bounds, an existing
/// sibling school, one value per extra fact, and its choices.
fn child(p: &mut Problems, sc: &ScenarioParts, i: ChildIdx, c: &Child) {
    let e = Entity::Child(i);
    let n_districts = sc.districts.len();
    p.id_present(e, &c.id);
    p.reference(
        e,
        "residence_district",
        c.residence_district.0,
        n_districts,
        "district",
    );
    if let Some(h) = c.hukou_district {
        p.reference(e, "hukou_district", h.0, n_districts, "district");
    }
    p.location(e, c.location, coordinate_system(sc));
    child_months(p, e, c);
    if let Some(s) = c.sibling_school {
        p.reference(e, "sibling_school", s.0, sc.schools.len(), "public school");
    }
    extra_facts(p, sc, e, c);
    choices(p, sc.schools.len(), i, c);
}

/// A child's five month counts are each at most [`MAX_MONTHS`].
fn child_months(p: &mut Problems, e: Entity, c: &Child) {
    for (field, months) in [
        ("permit_months", c.permit_months),
        ("insurance_months", c.insurance_months),
        ("residence_months", c.residence_months),
        ("insurance_months_elsewhere", c.insurance_months_elsewhere),
        ("residence_months_elsewhere", c.residence_months_elsewhere),
    ] {
        p.check(e, field, at_most(u64::from(months), MAX_MONTHS));
    }
}

/// A child has one value per extra fact of the scenario.
fn extra_facts(p: &mut Problems, sc: &ScenarioParts, e: Entity, c: &Child) {
    if c.extra_facts.len() != sc.extra_facts.len() {
        p.check(
            e,
            "extra_facts",
            Err(format!(
                "{} values for the scenario's {} extra facts",
                c.extra_facts.len(),
                sc.extra_facts.len()
            )),
        );
    }
}

/// A child's choices name existing public schools, each at most once.
fn choices(p: &mut Problems, n_schools: usize, child: ChildIdx, c: &Child) {
    for (position, s) in c.choices.iter().enumerate() {
        let choice = Entity::Choice { child, position };
        p.reference(choice, "school", s.0, n_schools, "public school");
        if let Some(first) = c.choices[..position].iter().position(|x| x == s) {
            p.check(
                choice,
                "school",
                Err(format!(
                    "child `{}` already lists school #{} (choice {})",
                    c.id,
                    s.0,
                    first + 1
                )),
            );
        }
    }
}

/// Ids of one kind of entity are unique: each repeat is reported at the later entity, naming
/// the first.
fn unique_ids<'a>(
    p: &mut Problems,
    ids: impl Iterator<Item = &'a str> + Clone,
    entity: impl Fn(u32) -> Entity,
) {
    for (i, f, id) in repeated(ids) {
        p.check(
            entity(i as u32),
            "id",
            Err(format!(
                "duplicate id `{id}` (first at {})",
                entity(f as u32)
            )),
        );
    }
}

/// The sibling groups: each group's members in order, the first one the group's head.
fn sibling_groups(children: &[Child]) -> BTreeMap<u32, Vec<usize>> {
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in children.iter().enumerate() {
        if let Some(g) = c.sibling_group {
            groups.entry(g).or_default().push(i);
        }
    }
    groups
}

/// A sibling group has at least two children, who share the head's home (district and
/// location) and list of choices.
fn sibling_group(p: &mut Problems, children: &[Child], g: u32, members: &[usize]) {
    let head = &children[members[0]];
    if members.len() < 2 {
        p.check(
            Entity::Child(ChildIdx(members[0] as u32)),
            "sibling_group",
            Err(format!(
                "sibling group {g} has only child `{}`: a joint application needs at least two children",
                head.id
            )),
        );
    }
    for &m in &members[1..] {
        let c = &children[m];
        let problem = if c.residence_district != head.residence_district
            || c.location != head.location
        {
            Some("lives elsewhere: siblings applying together share one home (district and location)")
        } else if c.choices != head.choices {
            Some("lists other choices: a joint application has one list of schools, in one order")
        } else {
            None
        };
        if let Some(problem) = problem {
            p.check(
                Entity::Child(ChildIdx(m as u32)),
                "sibling_group",
                Err(format!(
                    "child `{}` is in sibling group {g} with `{}` but {problem}",
                    c.id, head.id
                )),
            );
        }
    }
}

/// At most [`MAX_CHILDREN`] children.
fn child_count(p: &mut Problems, sc: &ScenarioParts) {
    if sc.children.len() > MAX_CHILDREN {
        p.0.push(Problem::TooManyChildren {
            count: sc.children.len(),
        });
    }
}

/// Reserved seats and sibling groups each need strict priorities, and not both at once.
fn priorities(p: &mut Problems, sc: &ScenarioParts, any_sibling_groups: bool) {
    let rule = sc.policy.tie_rule;
    let reserved = sc.schools.iter().any(|s| s.reserved_migrant > 0);
    if rule != TieRule::Lottery && reserved {
        p.0.push(Problem::ReservedSeatsNeedStrictPriorities { rule });
    }
    if any_sibling_groups {
        if rule != TieRule::Lottery {
            p.0.push(Problem::SiblingGroupsNeedStrictPriorities { rule });
        } else if reserved {
            p.0.push(Problem::SiblingGroupsWithReservedSeats);
        }
    }
}
