//! Rules for the stages after the choice stage: coordinated placement and bought places.

/// Fallback rules applied after the choice stage.
#[derive(Debug, Clone, PartialEq)]
pub struct FallbackRules {
    /// Coordinated (统筹) placement only within this distance; `None` = anywhere in the district.
    pub coordinated_max_km: Option<f64>,
    /// Bought places only within this distance of home; `None` = no limit.
    pub purchase_max_km: Option<f64>,
    /// Bought places only in the child's district of residence.
    pub purchase_same_district: bool,
}

impl Default for FallbackRules {
    fn default() -> Self {
        FallbackRules {
            coordinated_max_km: None,
            purchase_max_km: None,
            purchase_same_district: true,
        }
    }
}
