//! A seeded generator of realistic city scenarios from census district populations.
//!
//! Given districts with their permanent population (e.g. the 2020 census figures shipped in
//! `scenarios/data/`), it lays the districts out on a plane, sizes one year-cohort as
//! `population × cohort share`, draws a migrant share per district (25–45 %, the range reported
//! for Zhejiang), builds public schools of 2–8 classes of 45 so that seats cover a district-
//! specific 80–105 % of the cohort, adds private schools with purchasable places and subsidies in
//! the published 5,000–7,000 yuan range, and generates children with the facts a points scheme
//! reads and 3–5 choices mostly among the nearest schools (about 10 % reach into a neighbouring
//! district). The children are invented; only the district populations are real. The same
//! configuration and seed always give the same files. With [`CityConfig::catchments`] the city
//! also has residential communities and a catchment table (module `communities`).

mod communities;

use std::fmt::Write as _;
use std::path::Path;

use crate::error::InputError;
use crate::input::DEFAULT_COHORT_SHARE;

/// A small, portable pseudo-random generator (SplitMix64); the same numbers on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`; the same seed gives the same numbers.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6A09_E667_F3BC_C908)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// `true` with probability `p` (0–1).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// A district to generate: id, display name and permanent population.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictSpec {
    /// The district's id in the generated districts file.
    pub id: String,
    /// The district's display name.
    pub name: String,
    /// Permanent (resident) population, from the census.
    pub population: u64,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct CityConfig {
    /// The city's name, written into the generated scenario file.
    pub name: String,
    /// The districts to generate, in order.
    pub districts: Vec<DistrictSpec>,
    /// Seed of the generator and of the generated scenario's lottery; the same seed gives the
    /// same files.
    pub seed: u64,
    /// Share of residents in one year-cohort.
    pub cohort_share: f64,
    /// Multiplies every cohort (e.g. 0.1 for a test-sized city).
    pub scale: f64,
    /// Purchase budget as a share of what buying every purchasable place would cost.
    pub budget_share: f64,
    /// Also generate residential communities (小区, 社区) and each public school's catchment
    /// (施教区): a `catchments.csv` table, the children's `community` and `hukou_community`
    /// columns, and coordination within the catchment first. The schools and children are
    /// those generated without (the children with two more columns).
    pub catchments: bool,
}

impl CityConfig {
    /// A configuration with the default cohort share, full scale (1.0), a budget share of 0.5
    /// and no catchments.
    pub fn new(name: &str, districts: Vec<DistrictSpec>, seed: u64) -> CityConfig {
        CityConfig {
            name: name.to_string(),
            districts,
            seed,
            cohort_share: DEFAULT_COHORT_SHARE,
            scale: 1.0,
            budget_share: 0.5,
            catchments: false,
        }
    }
}

/// Reads districts of one city from a census CSV with columns
/// `city,district,district_zh,permanent_population_2020[,source_note]`.
pub fn read_census(path: &Path, city: &str) -> Result<Vec<DistrictSpec>, InputError> {
    let bytes = crate::input::read_input(path, crate::input::FileKind::Table)
        .map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let headers = reader
        .headers()
        .map_err(|e| InputError::file(path, format!("cannot read the header: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| InputError::at(path, 1, name, "required column is missing"))
    };
    let (c_city, c_district, c_pop) = (
        col("city")?,
        col("district")?,
        col("permanent_population_2020")?,
    );
    let c_zh = headers.iter().position(|h| h == "district_zh");
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| InputError::file(path, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if &record[c_city] != city {
            continue;
        }
        let population: u64 = record[c_pop].trim().parse().map_err(|_| {
            InputError::at(
                path,
                line,
                "permanent_population_2020",
                format!("`{}` is not a whole number", &record[c_pop]),
            )
        })?;
        let id: String = record[c_district]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let name = match c_zh {
            Some(i) => format!("{} {}", &record[c_district], &record[i]),
            None => record[c_district].to_string(),
        };
        out.push(DistrictSpec {
            id,
            name,
            population,
        });
    }
    if out.is_empty() {
        return Err(InputError::file(
            path,
            format!("no district of city `{city}`"),
        ));
    }
    Ok(out)
}

struct Point {
    x: f64,
    y: f64,
}

fn dist(a: &Point, b: &Point) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

fn in_disc(rng: &mut Rng, c: &Point, r: f64) -> Point {
    let (a, d) = (rng.range(0.0, std::f64::consts::TAU), r * rng.unit().sqrt());
    Point {
        x: ((c.x + d * a.cos()) * 1000.0).round() / 1000.0,
        y: ((c.y + d * a.sin()) * 1000.0).round() / 1000.0,
    }
}

const CLASS_SIZE: u64 = 45;

/// The generated files of a scenario folder, as (file name, contents).
pub fn generate_city(cfg: &CityConfig) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(cfg.seed);
    let n_d = cfg.districts.len();
    let side = (n_d as f64).sqrt().ceil() as usize;
    let centres: Vec<Point> = (0..n_d)
        .map(|i| Point {
            x: (i % side) as f64 * 25.0,
            y: (i / side) as f64 * 25.0,
        })
        .collect();
    let radius: Vec<f64> = cfg
        .districts
        .iter()
        .map(|d| 4.0 + 6.0 * (d.population as f64 / 2.0e6).sqrt())
        .collect();

    let mut districts =
        String::from("id,name,permanent_population,cohort_share,migrant_share,growth_rate\n");
    let mut candidates = String::from(
        "id,district,school,name,seats_per_unit,cost_per_unit_yuan,fixed_cost_yuan,min_units,max_units,x_km,y_km\n",
    );
    // Planning inputs draw from their own stream, so they never change the children.
    let mut plan_rng = Rng::new(cfg.seed ^ 0x504C_414E);
    let mut schools = String::from("id,name,district,entry_grade,seats,x_km,y_km\n");
    let mut private = String::from(
        "id,name,district,entry_grade,purchasable_seats,subsidy_yuan,fee_yuan,x_km,y_km\n",
    );
    let mut children = String::from("id,birth_date,residence_district,x_km,y_km,hukou_district,permit_months,insurance_months,residence_months,housing,education,sibling_school,insurance_months_elsewhere,residence_months_elsewhere,insurance_back_paid,fact_volunteer_hours,fact_blood_donor,fact_skill_level");
    children.push_str(if cfg.catchments {
        ",community,hukou_community\n"
    } else {
        "\n"
    });
    let mut choices = String::from("child,school,rank\n");

    // Schools first, per district.
    let mut school_pts: Vec<Vec<(String, Point)>> = Vec::with_capacity(n_d);
    let mut cohorts = Vec::with_capacity(n_d);
    let mut migrant_shares = Vec::with_capacity(n_d);
    let mut purchasable_cost = 0u64;
    for (di, d) in cfg.districts.iter().enumerate() {
        let migrant_share = (rng.range(0.25, 0.45) * 1000.0).round() / 1000.0;
        migrant_shares.push(migrant_share);
        let growth = (plan_rng.range(-0.02, 0.04) * 1000.0).round() / 1000.0;
        let _ = writeln!(
            districts,
            "{},{},{},{},{},{growth}",
            d.id, d.name, d.population, cfg.cohort_share, migrant_share
        );
        let cohort = (d.population as f64 * cfg.cohort_share * cfg.scale).round() as u64;
        cohorts.push(cohort);
        let coverage = rng.range(0.80, 1.05);
        let target = (cohort as f64 * coverage).round() as u64;
        let mut seats_so_far = 0;
        let mut list = Vec::new();
        while seats_so_far < target {
            let classes = rng.int(2, 8);
            let seats = (classes * CLASS_SIZE)
                .min(target - seats_so_far)
                .max(CLASS_SIZE.min(target));
            seats_so_far += seats;
            let id = format!("{}-P{:03}", d.id, list.len() + 1);
            let at = in_disc(&mut rng, &centres[di], radius[di]);
            let _ = writeln!(
                schools,
                "{id},{} Primary School No. {},{},1,{seats},{},{}",
                d.id,
                list.len() + 1,
                d.id,
                at.x,
                at.y
            );
            list.push((id, at));
        }
        // Candidate expansions: two more classes at each of the first four schools, and one
        // new school of 6–12 classes (illustrative costs).
        for (id, _) in list.iter().take(4) {
            let _ = writeln!(
                candidates,
                "{id}-X,{},{id},Two more classes at {id},{CLASS_SIZE},1500000,0,1,2,,",
                d.id
            );
        }
        let site = in_disc(&mut plan_rng, &centres[di], radius[di]);
        let _ = writeln!(
            candidates,
            "{}-NEW,{},,{} New Primary School,{CLASS_SIZE},2000000,80000000,6,12,{},{}",
            d.id, d.id, d.id, site.x, site.y
        );
        school_pts.push(list);
        // Purchasable places cover the public shortfall plus about a tenth of the cohort.
        let wanted = cohort.saturating_sub(seats_so_far) + cohort / 10;
        let mut offered = 0;
        let mut k = 0;
        while offered < wanted || k < 2 {
            let seats = rng.int(2, 8) * CLASS_SIZE;
            offered += seats;
            let subsidy = rng.int(10, 14) * 500;
            let fee = rng.int(12, 40) * 500;
            purchasable_cost += seats * subsidy.min(fee);
            let at = in_disc(&mut rng, &centres[di], radius[di]);
            let _ = writeln!(
                private,
                "{}-M{:02},{} Minban School No. {},{},1,{seats},{subsidy},{fee},{},{}",
                d.id,
                k + 1,
                d.id,
                k + 1,
                d.id,
                at.x,
                at.y
            );
            k += 1;
        }
    }

    // Communities and catchments draw from their own stream, so they never change the children.
    let mut area_rng = Rng::new(cfg.seed ^ 0x4341_5443_484D);
    let communities = cfg
        .catchments
        .then(|| communities::Communities::generate(&mut area_rng, &centres, &radius, &school_pts));

    // Children.
    let mut child_no = 0u64;
    for (di, d) in cfg.districts.iter().enumerate() {
        for _ in 0..cohorts[di] {
            child_no += 1;
            let id = format!("C{child_no:07}");
            let home = in_disc(&mut rng, &centres[di], radius[di]);
            let migrant = rng.chance(migrant_shares[di]);
            let hukou_di = if migrant {
                None
            } else if rng.chance(0.9) || n_d == 1 {
                Some(di)
            } else {
                Some((di + 1 + rng.int(0, n_d as u64 - 2) as usize) % n_d)
            };
            let hukou = hukou_di.map_or(String::new(), |h| cfg.districts[h].id.clone());
            let (permit, insurance, residence) = if migrant {
                let residence = rng.int(6, 120);
                let permit = (residence as f64 * rng.range(0.5, 1.0)).round() as u64;
                let insurance = (residence as f64 * rng.range(0.4, 1.0)).round() as u64;
                (permit, insurance, residence)
            } else {
                let insurance = rng.int(0, 180);
                (0, insurance, rng.int(24, 240))
            };
            let housing = match rng.unit() {
                u if u < if migrant { 0.2 } else { 0.75 } => "owned",
                u if u < 0.96 => "rented",
                _ => "none",
            };
            let education = [
                "junior",
                "senior",
                "college",
                "bachelor",
                "postgraduate",
                "none",
            ][match rng.unit() {
                u if u < 0.25 => 0,
                u if u < 0.5 => 1,
                u if u < 0.7 => 2,
                u if u < 0.9 => 3,
                u if u < 0.97 => 4,
                _ => 5,
            }];
            let month = rng.int(1, 12);
            let year = if month >= 9 { 2016 } else { 2017 };
            let birth = format!("{year}-{month:02}-{:02}", rng.int(1, 28));

            // Nearest schools of the home district, with taste noise.
            let own = &school_pts[di];
            let mut ranked: Vec<(f64, usize)> = own
                .iter()
                .enumerate()
                .map(|(i, (_, p))| (dist(&home, p) * rng.range(0.8, 1.25), i))
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let n_choices = rng.int(3, 5) as usize;
            let mut picks: Vec<&str> = ranked
                .iter()
                .take(n_choices)
                .map(|&(_, i)| own[i].0.as_str())
                .collect();
            if n_d > 1 && rng.chance(0.1) {
                let other = (di + 1 + rng.int(0, n_d as u64 - 2) as usize) % n_d;
                let near = school_pts[other]
                    .iter()
                    .min_by(|a, b| dist(&home, &a.1).total_cmp(&dist(&home, &b.1)))
                    .map(|s| s.0.as_str());
                if let Some(s) = near {
                    let at = rng.int(1, picks.len() as u64) as usize;
                    picks.insert(at.min(picks.len()), s);
                    picks.truncate(5);
                }
            }
            let sibling = if rng.chance(0.08) { picks[0] } else { "" };
            // Months accumulated in other cities of the province, a rare back-payment, and the
            // items local schemes score (volunteering hours, blood donation, skill level 0–3).
            let (ins_elsewhere, res_elsewhere) = if migrant && rng.chance(0.3) {
                (rng.int(1, 60), rng.int(1, 72))
            } else {
                (0, 0)
            };
            let back_paid = if rng.chance(0.03) { "yes" } else { "no" };
            let volunteer = if rng.chance(0.2) { rng.int(1, 200) } else { 0 };
            let donor = if rng.chance(0.08) { "yes" } else { "no" };
            let skill = match rng.unit() {
                u if u < 0.7 => 0,
                u if u < 0.85 => 1,
                u if u < 0.95 => 2,
                _ => 3,
            };
            let _ = write!(
                children,
                "{id},{birth},{},{},{},{hukou},{permit},{insurance},{residence},{housing},{education},{sibling},{ins_elsewhere},{res_elsewhere},{back_paid},{volunteer},{donor},{skill}",
                d.id, home.x, home.y
            );
            if let Some(areas) = &communities {
                // An owned home is mostly where the hukou is registered (人户一致).
                let same = if housing == "owned" { 0.85 } else { 0.4 };
                let lives = areas.home(di, &home);
                let registered = hukou_di.and_then(|h| {
                    areas
                        .hukou(&mut area_rng, h, di, lives, same)
                        .map(|c| (h, c))
                });
                let _ = write!(
                    children,
                    ",{},{}",
                    lives.map_or("", |c| areas.name(di, c)),
                    registered.map_or("", |(h, c)| areas.name(h, c))
                );
            }
            children.push('\n');
            for (r, s) in picks.iter().enumerate() {
                let _ = writeln!(choices, "{id},{s},{}", r + 1);
            }
        }
    }

    let budget = ((purchasable_cost as f64 * cfg.budget_share) / 10_000.0).round() as u64 * 10_000;
    let scenario = format!(
        "# Generated by `seatplan generate` (seed {seed}); district populations are real, children are not.\n\
name = \"{name}\"\n\
entry_grade = 1\n\
seed = {seed}\n\
budget_yuan = {budget}\n\
policy = \"policy.toml\"\n\
\n\
[tables]\n\
districts = \"districts.csv\"\n\
schools = \"schools.csv\"\n\
private_schools = \"private_schools.csv\"\n\
children = \"children.csv\"\n\
choices = \"choices.csv\"\n\
{catchment_table}\
\n\
[demand]\n\
cohort_share = {share}\n\
\n\
[fallback]\n\
{coordinated}\
coordinated_max_km = 10.0\n\
purchase_max_km = 15.0\n\
purchase_same_district = true\n\
\n\
[planning]\n\
candidates = \"candidates.csv\"\n\
capital_budget_yuan = 400000000\n\
years = 3\n",
        seed = cfg.seed,
        name = cfg.name,
        share = cfg.cohort_share,
        catchment_table = if cfg.catchments {
            "catchments = \"catchments.csv\"\n"
        } else {
            ""
        },
        coordinated = if cfg.catchments {
            "coordinated = \"catchment\"\n"
        } else {
            ""
        },
    );
    let mut files = vec![
        ("scenario.toml", scenario),
        ("policy.toml", DEFAULT_POLICY.to_string()),
        ("districts.csv", districts),
        ("schools.csv", schools),
        ("private_schools.csv", private),
        ("children.csv", children),
        ("choices.csv", choices),
        ("candidates.csv", candidates),
    ];
    if let Some(areas) = &communities {
        files.push(("catchments.csv", areas.catchments_csv(&school_pts)));
    }
    files
}

/// The policy written with generated scenarios: a Hangzhou-like scheme in which years of social
/// insurance and of continuous residence carry the main weight.
pub const DEFAULT_POLICY: &str = r#"# A Hangzhou-like points policy: social insurance and continuous residence carry the main weight.
name = "Hangzhou-like weighted points (insurance and residence dominate)"

[gates]
min_permit_months = 12
min_insurance_months = 12
require_housing = true

[[indicators]]
name = "Social insurance, 1 point per month"
fact = "insurance_months"
points_per_unit = 1.0
cap = 120

[[indicators]]
name = "Continuous residence, 0.5 point per month"
fact = "residence_months"
points_per_unit = 0.5
cap = 60

[[indicators]]
name = "Housing in the district"
fact = "housing"
points = { owned = 30, rented = 15 }

[[indicators]]
name = "Parent's education"
fact = "education"
points = { college = 5, bachelor = 10, postgraduate = 15 }

[priority]
tiers = ["catchment_hukou", "sibling", "hukou", "migrant"]
tie_break = ["insurance_months", "residence_months", "birth_date"]
rule = "lottery"
"#;
