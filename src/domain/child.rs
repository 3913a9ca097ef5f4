//! An applicant: the facts the points scheme reads, her choices and her sibling group.

use super::{Date, DistrictIdx, Education, Housing, Location, SchoolIdx};

/// An applicant and the facts the points scheme reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    /// The child's id in the children file (unique, non-empty); also an input to the lottery.
    pub id: String,
    /// Date of birth; read only by the `birth_date` tie-break key (earlier ranks first).
    pub birth_date: Date,
    /// District the family lives in.
    pub residence_district: DistrictIdx,
    /// Home location, in the same coordinate system as the schools.
    pub location: Location,
    /// District of the child's local hukou; `None` for a migrant child (随迁子女).
    pub hukou_district: Option<DistrictIdx>,
    /// Months the parent has held a valid residence permit.
    pub permit_months: u32,
    /// Months of continuous social insurance (no back-payment).
    pub insurance_months: u32,
    /// Months of continuous residence in the city.
    pub residence_months: u32,
    /// Months of social insurance accumulated in other cities of the province.
    pub insurance_months_elsewhere: u32,
    /// Months of residence accumulated in other cities of the province.
    pub residence_months_elsewhere: u32,
    /// Whether social insurance was paid retroactively (补缴).
    pub insurance_back_paid: bool,
    /// Kind of home the family lives in.
    pub housing: Housing,
    /// Highest education level of the applying parent.
    pub education: Education,
    /// School an older sibling attends, if any.
    pub sibling_school: Option<SchoolIdx>,
    /// The public schools whose catchment (施教区) holds the family's home community (column
    /// `community` and the catchment table), sorted; empty without either.
    pub catchment: Box<[SchoolIdx]>,
    /// The public schools whose catchment holds the community of the child's hukou address
    /// (column `hukou_community`), sorted; empty for a migrant child or a blank cell.
    pub hukou_catchment: Box<[SchoolIdx]>,
    /// The public schools the child's primary school feeds (对口直升: column `primary_school`
    /// and the schools' `feeders`), sorted; empty without either.
    pub feeder_schools: Box<[SchoolIdx]>,
    /// The child's number in a notarised public draw (公证摇号, column `lottery`), smaller first;
    /// `None` when the scenario leaves the lottery to the seeded hash.
    pub lottery: Option<u64>,
    /// Values of the extra `fact_<name>` columns, in the order of the scenario's extra facts
    /// (yes/no read as 1/0).
    pub extra_facts: Box<[u32]>,
    /// The family's choices, best first (already sorted by rank and validated).
    pub choices: Box<[SchoolIdx]>,
    /// Joint application: the index of the child's sibling group (children of one family
    /// entering together, placed at one school by choice or not at all by choice), if any.
    pub sibling_group: Option<u32>,
}

impl Child {
    /// A child without a local hukou.
    pub fn is_migrant(&self) -> bool {
        self.hukou_district.is_none()
    }
}
