//! Residential communities (小区, 社区) and school catchments (施教区) of a generated city.
//!
//! Each district with public schools gets three communities per school, each a point drawn in
//! the district's disc with a Chinese name unique in the city (`翠苑社区`, `金湖花园`). A
//! school's catchment is the communities nearer to it than to any other school of its district;
//! a community whose second-nearest school is at most a fifth farther is in both catchments (多校
//! 划片), and a school no community is nearest to takes its nearest community, so every public
//! school has a catchment. A child's home community is the community nearest her home; a local
//! child's hukou community is mostly her home's (more often for an owned home: 人户一致), else
//! another community of her hukou district. Everything is drawn from its own stream, so a city
//! generated with catchments has the same schools and children as one without.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{dist, in_disc, Point, Rng};

/// Communities per public school of a district.
const PER_SCHOOL: usize = 3;

/// A community whose second-nearest school is at most this factor farther than its nearest is
/// in the catchments of both (多校划片).
const SHARED_WITHIN: f64 = 1.2;

/// First characters of community names.
const FIRST: [&str; 24] = [
    "翠", "金", "银", "文", "紫", "星", "青", "绿", "春", "秋", "和", "景", "锦", "丽", "华", "明",
    "清", "东", "西", "南", "北", "新", "嘉", "望",
];

/// Second characters of community names.
const SECOND: [&str; 16] = [
    "苑", "湖", "江", "桥", "园", "城", "溪", "山", "塘", "港", "庭", "林", "岸", "河", "堤", "府",
];

/// What a community name ends with.
const KIND: [&str; 8] = [
    "社区", "小区", "花园", "新村", "家园", "公寓", "雅苑", "嘉园",
];

/// One residential community: its name and where it is.
struct Community {
    name: String,
    at: Point,
}

/// The communities of every district and the catchment of every public school.
pub(super) struct Communities {
    /// Per district (in the configuration's order), its communities.
    by_district: Vec<Vec<Community>>,
    /// Per district, per community, the schools (indices into that district's schools) whose
    /// catchment holds it, ascending.
    schools_of: Vec<Vec<Vec<usize>>>,
}

/// A name not yet in `taken`, drawn from `rng`.
fn fresh_name(rng: &mut Rng, taken: &mut HashSet<String>) -> String {
    let draw = |rng: &mut Rng| {
        let pick = |rng: &mut Rng, n: usize| rng.int(0, n as u64 - 1) as usize;
        format!(
            "{}{}{}",
            FIRST[pick(rng, FIRST.len())],
            SECOND[pick(rng, SECOND.len())],
            KIND[pick(rng, KIND.len())]
        )
    };
    for _ in 0..64 {
        let name = draw(rng);
        if taken.insert(name.clone()) {
            return name;
        }
    }
    // A crowded city: number the name until it is new.
    let base = draw(rng);
    let name = (2..)
        .map(|k| format!("{base}{k}"))
        .find(|n| !taken.contains(n))
        .expect("some number is free");
    taken.insert(name.clone());
    name
}

impl Communities {
    /// Draws the communities of every district around its `centre` within its `radius`, and the
    /// catchment of each of its `schools` (positions per district).
    pub(super) fn generate(
        rng: &mut Rng,
        centres: &[Point],
        radius: &[f64],
        schools: &[Vec<(String, Point)>],
    ) -> Communities {
        let mut taken = HashSet::new();
        let mut by_district = Vec::with_capacity(schools.len());
        let mut schools_of = Vec::with_capacity(schools.len());
        for (di, list) in schools.iter().enumerate() {
            let communities: Vec<Community> = (0..list.len() * PER_SCHOOL)
                .map(|_| Community {
                    name: fresh_name(rng, &mut taken),
                    at: in_disc(rng, &centres[di], radius[di]),
                })
                .collect();
            let mut catchment: Vec<Vec<usize>> = communities
                .iter()
                .map(|c| {
                    let mut near: Vec<(f64, usize)> = list
                        .iter()
                        .enumerate()
                        .map(|(i, (_, p))| (dist(&c.at, p), i))
                        .collect();
                    near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    let mut of: Vec<usize> = near
                        .iter()
                        .take(2)
                        .enumerate()
                        .filter(|&(k, &(d, _))| k == 0 || d <= near[0].0 * SHARED_WITHIN)
                        .map(|(_, &(_, i))| i)
                        .collect();
                    of.sort_unstable();
                    of
                })
                .collect();
            // A school nearest to no community takes its nearest one, shared with the school
            // that community is nearest to.
            for (s, (_, p)) in list.iter().enumerate() {
                if catchment.iter().any(|of| of.contains(&s)) {
                    continue;
                }
                let nearest = (0..communities.len())
                    .min_by(|&a, &b| {
                        dist(&communities[a].at, p).total_cmp(&dist(&communities[b].at, p))
                    })
                    .expect("a district with schools has communities");
                let of = &mut catchment[nearest];
                of.push(s);
                of.sort_unstable();
            }
            by_district.push(communities);
            schools_of.push(catchment);
        }
        Communities {
            by_district,
            schools_of,
        }
    }

    /// The catchment table: `community,school`, one row per community and school, district by
    /// district, communities in the order drawn.
    pub(super) fn catchments_csv(&self, schools: &[Vec<(String, Point)>]) -> String {
        let mut out = String::from("community,school\n");
        for (di, communities) in self.by_district.iter().enumerate() {
            for (c, of) in communities.iter().zip(&self.schools_of[di]) {
                for &s in of {
                    let _ = writeln!(out, "{},{}", c.name, schools[di][s].0);
                }
            }
        }
        out
    }

    /// The index of the community of district `di` nearest `home`, or `None` when the district
    /// has none (no public school).
    pub(super) fn home(&self, di: usize, home: &Point) -> Option<usize> {
        (0..self.by_district[di].len()).min_by(|&a, &b| {
            let d = |c: usize| dist(&self.by_district[di][c].at, home);
            d(a).total_cmp(&d(b)).then(a.cmp(&b))
        })
    }

    /// The name of community `c` of district `di`.
    pub(super) fn name(&self, di: usize, c: usize) -> &str {
        &self.by_district[di][c].name
    }

    /// The hukou community of a local child of `hukou_di` who lives in community `home` of
    /// district `di`: her home's with probability `same` when she lives in her hukou district,
    /// else a community of her hukou district drawn at random; `None` when it has none.
    pub(super) fn hukou(
        &self,
        rng: &mut Rng,
        hukou_di: usize,
        di: usize,
        home: Option<usize>,
        same: f64,
    ) -> Option<usize> {
        let stays = rng.chance(same);
        let n = self.by_district[hukou_di].len();
        match home {
            Some(h) if hukou_di == di && stays => Some(h),
            _ if n == 0 => None,
            _ => Some(rng.int(0, n as u64 - 1) as usize),
        }
    }
}
