//! Rules for the stages after the choice stage: coordinated placement and bought places.
//!
//! A bureau chooses, per scenario, how children left without a place by their choices are
//! coordinated (统筹) — not at all, within their district, their catchment's schools first, or the
//! nearest public school anywhere within a distance limit — and whether it buys private places
//! (政府购买学位) at all, within which limits. The defaults are the stages every scenario ran
//! before the choice existed: coordinated within the district, places bought.

/// How children without a choice place are coordinated (统筹) into public schools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Coordination {
    /// No coordinated placement: children without a choice place go straight to the purchase
    /// stage.
    Off,
    /// The nearest public school of the child's residence district with a spare seat (the
    /// default).
    #[default]
    District,
    /// The nearest school of the child's catchment (施教区, the schools whose catchment holds her
    /// home community) with a spare seat, and only when none has one the nearest public school
    /// of her district.
    CatchmentFirst,
    /// The nearest public school of the whole city with a spare seat, across districts; needs a
    /// distance limit.
    Nearest,
}

impl Coordination {
    /// Every stage, in the order the documentation lists them.
    pub const ALL: [Coordination; 4] = [
        Coordination::Off,
        Coordination::District,
        Coordination::CatchmentFirst,
        Coordination::Nearest,
    ];

    /// The stage's word in the scenario file (`[fallback] coordinated = "…"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Coordination::Off => "off",
            Coordination::District => "district",
            Coordination::CatchmentFirst => "catchment",
            Coordination::Nearest => "nearest",
        }
    }

    /// The stage named by `word`, as [`Coordination::as_str`] writes it.
    pub fn from_word(word: &str) -> Option<Coordination> {
        Coordination::ALL.into_iter().find(|c| c.as_str() == word)
    }
}

/// Fallback rules applied after the choice stage.
#[derive(Debug, Clone, PartialEq)]
pub struct FallbackRules {
    /// How children without a choice place are coordinated.
    pub coordination: Coordination,
    /// Coordinated (统筹) placement only within this distance; `None` = no limit (required by
    /// [`Coordination::Nearest`]).
    pub coordinated_max_km: Option<f64>,
    /// Whether the bureau buys private places at all; `false` leaves every child the earlier
    /// stages did not place unplaced, no private school being in her reach.
    pub purchase: bool,
    /// Bought places only within this distance of home; `None` = no limit.
    pub purchase_max_km: Option<f64>,
    /// Bought places only in the child's district of residence.
    pub purchase_same_district: bool,
}

impl Default for FallbackRules {
    fn default() -> Self {
        FallbackRules {
            coordination: Coordination::District,
            coordinated_max_km: None,
            purchase: true,
            purchase_max_km: None,
            purchase_same_district: true,
        }
    }
}
