//! A district of the city and its projected demand.

/// A district (区/县) of the city.
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    /// The district's id in the districts file (unique, non-empty).
    pub id: String,
    /// The district's name, for display.
    pub name: String,
    /// Permanent (resident) population, 常住人口.
    pub permanent_population: u64,
    /// Share of residents in one year-cohort of the entry grade.
    pub cohort_share: f64,
    /// Share of the cohort who are migrant children (for the seat model).
    pub migrant_share: Option<f64>,
    /// Children of the entry age counted directly (births or an age-cohort count); when given
    /// it replaces `population × cohort_share`.
    pub cohort_children: Option<u64>,
    /// Share of the cohort expected to apply for a public place (default 1).
    pub apply_share: f64,
    /// Yearly growth of the cohort for multi-year projections (default 0).
    pub growth_rate: f64,
}

impl District {
    /// Children expected to apply `years` years from now: the cohort (counted, or
    /// `population × cohort_share`) × `(1 + growth_rate)^years` × `apply_share`, rounded.
    /// Repeated multiplication (not `powi`) keeps it bit-identical on every platform.
    pub fn projected_applicants(&self, years: u32) -> u64 {
        let mut cohort = match self.cohort_children {
            Some(n) => n as f64,
            None => self.permanent_population as f64 * self.cohort_share,
        };
        for _ in 0..years {
            cohort *= 1.0 + self.growth_rate;
        }
        (cohort * self.apply_share).round().max(0.0) as u64
    }
}
