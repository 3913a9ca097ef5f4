//! A child's rank, defined once: her place in the master list that the public schools of her
//! own district admit by (points at those schools, then the policy's tie-break keys, then —
//! under the `lottery` rule — the lottery; tiers are not part of it).
//!
//! With a district points layer every district's schools have their own list, in which
//! children of other districts count without their district points (`docs/points-policy.md`
//! §6); the rank is read from the list of the child's own district, the one that decides her
//! at the schools nearest her. Children the policy keeps tied (`keep_ties`, `admit_all_tied`)
//! share a place, and the next child takes the next place. `statements.csv`, the explanations
//! (text, JSON, HTML) and every other output that shows a child's rank read it from here, with
//! the words of [`RANK_LABEL`] and [`RANK_MEANING`].

use crate::domain::ChildIdx;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// The rank's label, English then Chinese, as every output writes it.
pub const RANK_LABEL: &str = "Rank 排名";

/// What the rank means, English then Chinese, as every output writes it.
pub const RANK_MEANING: &str = "place in the points order of her own district's schools \
(1 = most points; tie-breaks and lottery decide equal points; priority tiers not included) \
本区学校积分排序名次（1 为最高；同分按排序规则与摇号；不含优先类别）";

/// A child's rank (see the module doc). It serialises as its fields plus `words`
/// ([`Rank::words`]) and `meaning` ([`RANK_MEANING`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rank {
    /// Her place, 1-based (1 = first).
    pub place: u32,
    /// Children in the list (every child of the scenario).
    pub of: u32,
    /// Other children who share her place (0 unless the policy keeps ties).
    pub tied_with: u32,
}

impl Rank {
    /// The rank in words: `119 of 1517`, with `, tied with 2 others 与 2 人并列` when shared.
    pub fn words(&self) -> String {
        match self.tied_with {
            0 => format!("{} of {}", self.place, self.of),
            1 => format!(
                "{} of {}, tied with 1 other 与 1 人并列",
                self.place, self.of
            ),
            k => format!(
                "{} of {}, tied with {k} others 与 {k} 人并列",
                self.place, self.of
            ),
        }
    }
}

impl serde::Serialize for Rank {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Rank", 5)?;
        st.serialize_field("place", &self.place)?;
        st.serialize_field("of", &self.of)?;
        st.serialize_field("tied_with", &self.tied_with)?;
        st.serialize_field("words", &self.words())?;
        st.serialize_field("meaning", RANK_MEANING)?;
        st.end()
    }
}

/// Every child's rank, computed once for a run.
#[derive(Debug, Clone)]
pub struct Ranks {
    ranks: Vec<Rank>,
}

impl Ranks {
    /// The ranks of every child of the scenario.
    pub fn compute(scenario: &Scenario, ranking: &Ranking) -> Ranks {
        let n = scenario.children.len();
        let list_of = |c: usize| -> &[u32] {
            let d = scenario.children[c].residence_district.ix();
            ranking
                .class_by_district
                .get(d)
                .map_or(&ranking.class[..], |l| &l[..])
        };
        // Children per place in each list, counted only when the policy keeps ties.
        let sizes: Vec<Vec<u32>> = if ranking.strict {
            Vec::new()
        } else {
            let lists: Vec<&[u32]> = if ranking.class_by_district.is_empty() {
                vec![&ranking.class[..]]
            } else {
                ranking.class_by_district.iter().map(|l| &l[..]).collect()
            };
            lists
                .iter()
                .map(|l| {
                    let mut size = vec![0u32; n];
                    for &k in l.iter() {
                        size[k as usize] += 1;
                    }
                    size
                })
                .collect()
        };
        let ranks = (0..n)
            .map(|c| {
                let k = list_of(c)[c];
                let tied_with = if sizes.is_empty() {
                    0
                } else {
                    let l = if ranking.class_by_district.is_empty() {
                        0
                    } else {
                        scenario.children[c].residence_district.ix()
                    };
                    sizes[l][k as usize] - 1
                };
                Rank {
                    place: k + 1,
                    of: n as u32,
                    tied_with,
                }
            })
            .collect();
        Ranks { ranks }
    }

    /// The rank of child `c`.
    pub fn of(&self, c: ChildIdx) -> Rank {
        self.ranks[c.ix()]
    }
}

/// The rank of one child, without computing everyone's (the same value as [`Ranks::of`]).
pub fn rank(scenario: &Scenario, ranking: &Ranking, c: ChildIdx) -> Rank {
    let d = scenario.child(c).residence_district.ix();
    let list = ranking
        .class_by_district
        .get(d)
        .map_or(&ranking.class[..], |l| &l[..]);
    let k = list[c.ix()];
    let tied_with = if ranking.strict {
        0
    } else {
        list.iter().filter(|&&x| x == k).count() as u32 - 1
    };
    Rank {
        place: k + 1,
        of: list.len() as u32,
        tied_with,
    }
}

#[cfg(test)]
mod tests {
    use super::Rank;

    #[test]
    fn a_rank_reads_as_place_of_total_and_names_ties() {
        let r = |tied_with| Rank {
            place: 3,
            of: 6,
            tied_with,
        };
        assert_eq!(r(0).words(), "3 of 6");
        assert_eq!(r(1).words(), "3 of 6, tied with 1 other 与 1 人并列");
        assert_eq!(r(2).words(), "3 of 6, tied with 2 others 与 2 人并列");
    }
}
