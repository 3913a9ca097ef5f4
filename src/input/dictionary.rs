//! The bilingual dictionary of the scenario tables: for every table, each column's English name
//! (the canonical name the loader and every output use), the Chinese headers accepted for it, what
//! kind of value it holds and a line of help in each language; and for every category column, its
//! words in English and Chinese. The loader maps headers through [`canonical_column`] and
//! category cells through [`canonical_word`]; the template command writes its headers, help sheet
//! and drop-down lists from [`columns`] and [`words`]; `docs/dictionary.md` lists it all.

/// One table of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// `districts`
    Districts,
    /// `schools` (public schools)
    Schools,
    /// `private_schools`
    PrivateSchools,
    /// `children`
    Children,
    /// `choices`
    Choices,
    /// `catchments`: the catchment table (施教区), community → public school
    Catchments,
}

impl TableKind {
    /// Every table, in the order a scenario names them.
    pub const ALL: [TableKind; 6] = [
        TableKind::Districts,
        TableKind::Schools,
        TableKind::PrivateSchools,
        TableKind::Children,
        TableKind::Choices,
        TableKind::Catchments,
    ];

    /// The table's key in a scenario's `[tables]` (`children`, …).
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Districts => "districts",
            TableKind::Schools => "schools",
            TableKind::PrivateSchools => "private_schools",
            TableKind::Children => "children",
            TableKind::Choices => "choices",
            TableKind::Catchments => "catchments",
        }
    }

    /// Whether a scenario may go without the table (private schools, catchments): then a
    /// workbook without its sheet is no error.
    pub fn optional(self) -> bool {
        matches!(self, TableKind::PrivateSchools | TableKind::Catchments)
    }

    /// The table's Chinese name (a workbook sheet may be named so).
    pub fn zh(self) -> &'static str {
        match self {
            TableKind::Districts => "区县",
            TableKind::Schools => "公办学校",
            TableKind::PrivateSchools => "民办学校",
            TableKind::Children => "儿童",
            TableKind::Choices => "志愿",
            TableKind::Catchments => "施教区",
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Free text (a name).
    Text,
    /// An id, or a reference to another table's id.
    Id,
    /// A whole number.
    Whole,
    /// A decimal number.
    Decimal,
    /// A calendar date.
    Date,
    /// One word of a fixed set.
    Words(WordSet),
}

/// A fixed set of category words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordSet {
    /// `housing`: owned, rented, none.
    Housing,
    /// `education`: none … postgraduate.
    Education,
    /// yes / no cells.
    YesNo,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The canonical (English) header.
    pub name: &'static str,
    /// Chinese headers accepted for it; the first is the one the template writes.
    pub zh: &'static [&'static str],
    /// Whether every file of the table must have it.
    pub required: bool,
    /// What its cells hold.
    pub kind: ValueKind,
    /// One line of help in English.
    pub help_en: &'static str,
    /// One line of help in Chinese.
    pub help_zh: &'static str,
}

/// One category word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// The canonical (English) word.
    pub canonical: &'static str,
    /// Chinese words accepted for it; the first is the one the template offers.
    pub zh: &'static [&'static str],
    /// Other English words accepted for it (`true` for `yes`).
    pub en: &'static [&'static str],
}

const fn col(
    name: &'static str,
    zh: &'static [&'static str],
    required: bool,
    kind: ValueKind,
    help: [&'static str; 2],
) -> Column {
    Column {
        name,
        zh,
        required,
        kind,
        help_en: help[0],
        help_zh: help[1],
    }
}

const X_KM: Column = col(
    "x_km",
    &["横坐标（公里）", "横坐标(公里)", "横坐标", "X坐标"],
    false,
    ValueKind::Decimal,
    [
        "East–west position on the city's kilometre grid, in km (a number, -10000 to 10000); or give lat/lon instead.",
        "在全市公里网格上的东西向位置，单位公里（数字，-10000 至 10000）；或改填经纬度。",
    ],
);

const Y_KM: Column = col(
    "y_km",
    &["纵坐标（公里）", "纵坐标(公里)", "纵坐标", "Y坐标"],
    false,
    ValueKind::Decimal,
    [
        "North–south position on the city's kilometre grid, in km (a number, -10000 to 10000).",
        "在全市公里网格上的南北向位置，单位公里（数字，-10000 至 10000）。",
    ],
);

const LAT: Column = col(
    "lat",
    &["纬度"],
    false,
    ValueKind::Decimal,
    [
        "Latitude in degrees (WGS84 unless the scenario declares `coordinates`), -90 to 90; instead of x_km/y_km.",
        "纬度，单位度（除非情景文件声明 coordinates，否则为 WGS84），-90 至 90；代替 x_km/y_km。",
    ],
);

const LON: Column = col(
    "lon",
    &["经度"],
    false,
    ValueKind::Decimal,
    [
        "Longitude in degrees (WGS84 unless the scenario declares `coordinates`), -180 to 180; instead of x_km/y_km.",
        "经度，单位度（除非情景文件声明 coordinates，否则为 WGS84），-180 至 180；代替 x_km/y_km。",
    ],
);

const ENTRY_GRADE: Column = col(
    "entry_grade",
    &["起始年级", "入学年级"],
    true,
    ValueKind::Whole,
    [
        "The grade the school admits: 1 (primary) or 7 (junior secondary).",
        "学校招收的起始年级：1（小学）或 7（初中）。",
    ],
);

const DISTRICTS: &[Column] = &[
    col(
        "id",
        &["编号", "区县编号", "区县代码", "行政区划代码"],
        true,
        ValueKind::Id,
        [
            "The district's id, unique in the table; the other tables refer to it.",
            "区县编号，表内唯一；其他表用它指代该区县。",
        ],
    ),
    col(
        "name",
        &["名称", "区县名称"],
        true,
        ValueKind::Text,
        ["The district's name, any text.", "区县名称，任意文字。"],
    ),
    col(
        "permanent_population",
        &["常住人口", "常住人口数", "常住人口（人）"],
        true,
        ValueKind::Whole,
        [
            "Permanent (resident) population, in people (a whole number, 0 to 2,000,000,000).",
            "常住人口，单位人（整数，0 至 2,000,000,000）。",
        ],
    ),
    col(
        "cohort_share",
        &["适龄儿童占比", "适龄人口比例"],
        false,
        ValueKind::Decimal,
        [
            "Share of residents in one year-cohort, a fraction above 0 and at most 1; blank: the scenario's value.",
            "一个年龄组占常住人口的比例，大于 0 且不超过 1 的小数；留空则用情景文件中的值。",
        ],
    ),
    col(
        "migrant_share",
        &["随迁子女占比", "随迁子女比例"],
        false,
        ValueKind::Decimal,
        [
            "Share of the projected children who are migrant children, a fraction 0 to 1; blank: no migrant projection.",
            "预测儿童中随迁子女的比例，0 至 1 的小数；留空则不预测随迁子女。",
        ],
    ),
    col(
        "cohort_children",
        &["适龄儿童数", "适龄儿童人数"],
        false,
        ValueKind::Whole,
        [
            "Children of the entry age counted directly (a whole number, 0 to 10,000,000); replaces population × share.",
            "直接统计的入学适龄儿童数（整数，0 至 10,000,000）；填写后取代“常住人口 × 占比”。",
        ],
    ),
    col(
        "apply_share",
        &["申请比例", "申请率"],
        false,
        ValueKind::Decimal,
        [
            "Share of the cohort expected to apply for a public place, a fraction 0 to 1; blank: 1.",
            "预计申请公办学位的适龄儿童比例，0 至 1 的小数；留空为 1。",
        ],
    ),
    col(
        "growth_rate",
        &["增长率", "年增长率"],
        false,
        ValueKind::Decimal,
        [
            "Yearly growth of the cohort as a fraction, -0.5 to 0.5 (0.03 = +3 % a year); blank: 0.",
            "适龄人口年增长率，-0.5 至 0.5 的小数（0.03 即每年增长 3%）；留空为 0。",
        ],
    ),
];

const SCHOOLS: &[Column] = &[
    col(
        "id",
        &["编号", "学校编号", "学校代码"],
        true,
        ValueKind::Id,
        [
            "The school's id, unique among public and private schools.",
            "学校编号，在公办和民办学校中唯一。",
        ],
    ),
    col(
        "name",
        &["名称", "学校名称"],
        true,
        ValueKind::Text,
        ["The school's name, any text.", "学校名称，任意文字。"],
    ),
    col(
        "district",
        &["所属区县", "区县", "所在区县"],
        true,
        ValueKind::Id,
        [
            "The id of the district the school belongs to (a district's id).",
            "学校所属区县的编号（须为区县表中的编号）。",
        ],
    ),
    ENTRY_GRADE,
    col(
        "seats",
        &["学位数", "招生计划", "计划招生数", "招生人数"],
        true,
        ValueKind::Whole,
        [
            "Places offered at the entry grade this year (a whole number, 0 to 1,000,000).",
            "本年度起始年级提供的学位数（整数，0 至 1,000,000）。",
        ],
    ),
    X_KM,
    Y_KM,
    LAT,
    LON,
    col(
        "reserved_migrant",
        &["随迁子女预留学位", "随迁子女学位数"],
        false,
        ValueKind::Whole,
        [
            "Of the seats, how many are reserved for migrant children (a whole number, 0 to seats); blank: from the scenario.",
            "学位中为随迁子女预留的数量（整数，0 至学位数）；留空则按情景文件计算。",
        ],
    ),
    col(
        "feeders",
        &["对口小学", "对口直升小学"],
        false,
        ValueKind::Text,
        [
            "The primary schools whose pupils go up to this school (对口直升), ids or names separated by `;`; blank: none.",
            "对口直升本校的小学（编号或名称），以 `;` 分隔；留空即无。",
        ],
    ),
];

const PRIVATE_SCHOOLS: &[Column] = &[
    col(
        "id",
        &["编号", "学校编号", "学校代码"],
        true,
        ValueKind::Id,
        [
            "The school's id, unique among public and private schools.",
            "学校编号，在公办和民办学校中唯一。",
        ],
    ),
    col(
        "name",
        &["名称", "学校名称"],
        true,
        ValueKind::Text,
        ["The school's name, any text.", "学校名称，任意文字。"],
    ),
    col(
        "district",
        &["所属区县", "区县", "所在区县"],
        true,
        ValueKind::Id,
        [
            "The id of the district the school belongs to (a district's id).",
            "学校所属区县的编号（须为区县表中的编号）。",
        ],
    ),
    ENTRY_GRADE,
    col(
        "purchasable_seats",
        &["可购买学位数", "可购买学位", "购买学位数"],
        true,
        ValueKind::Whole,
        [
            "Places the bureau may buy this year (a whole number, 0 to 1,000,000).",
            "本年度教育部门可购买的学位数（整数，0 至 1,000,000）。",
        ],
    ),
    col(
        "subsidy_yuan",
        &["每生补贴（元）", "每生补贴(元)", "补贴（元）", "生均补贴"],
        true,
        ValueKind::Whole,
        [
            "What the bureau pays per bought place per year, in yuan (a whole number, 0 to 1,000,000).",
            "每个购买学位每年的政府补贴，单位元（整数，0 至 1,000,000）。",
        ],
    ),
    col(
        "fee_yuan",
        &["学费（元）", "学费(元)", "学费"],
        true,
        ValueKind::Whole,
        [
            "The school's own fee per year, in yuan (a whole number, 0 to 10,000,000).",
            "学校每年收取的学费，单位元（整数，0 至 10,000,000）。",
        ],
    ),
    X_KM,
    Y_KM,
    LAT,
    LON,
];

const CHILDREN: &[Column] = &[
    col(
        "id",
        &["编号", "儿童编号", "学生编号", "申请编号"],
        true,
        ValueKind::Id,
        [
            "The applicant's id, unique in the table; it also seeds the lottery.",
            "申请儿童编号，表内唯一；也用于摇号。",
        ],
    ),
    col(
        "birth_date",
        &["出生日期", "出生年月日"],
        true,
        ValueKind::Date,
        [
            "Date of birth, year first: 2017-01-10, 2017/1/10 or 2017年1月10日.",
            "出生日期，年份在前：2017-01-10、2017/1/10 或 2017年1月10日。",
        ],
    ),
    col(
        "residence_district",
        &["居住区县", "现居住区县", "居住地区县"],
        true,
        ValueKind::Id,
        [
            "The id of the district the family lives in (a district's id).",
            "家庭居住区县的编号（须为区县表中的编号）。",
        ],
    ),
    X_KM,
    Y_KM,
    LAT,
    LON,
    col(
        "hukou_district",
        &["户籍区县", "户籍所在区县"],
        false,
        ValueKind::Id,
        [
            "The id of the district of the child's local hukou; blank: a migrant child.",
            "儿童本地户籍所在区县的编号；留空即随迁子女。",
        ],
    ),
    col(
        "permit_months",
        &["居住证月数", "居住证持有月数"],
        true,
        ValueKind::Whole,
        [
            "Months the parent has held a residence permit (a whole number, 0 to 1,200).",
            "父母持有居住证的月数（整数，0 至 1,200）。",
        ],
    ),
    col(
        "insurance_months",
        &["社保月数", "社保缴纳月数", "连续社保月数"],
        true,
        ValueKind::Whole,
        [
            "Months of continuous social insurance in the city (a whole number, 0 to 1,200).",
            "在本市连续缴纳社保的月数（整数，0 至 1,200）。",
        ],
    ),
    col(
        "residence_months",
        &["居住月数", "连续居住月数"],
        true,
        ValueKind::Whole,
        [
            "Months of continuous residence in the city (a whole number, 0 to 1,200).",
            "在本市连续居住的月数（整数，0 至 1,200）。",
        ],
    ),
    col(
        "housing",
        &["住房情况", "住房", "住房类型"],
        true,
        ValueKind::Words(WordSet::Housing),
        [
            "Kind of home: owned, rented or none (自有住房, 租房, 无住房).",
            "住房情况：自有住房、租房或无住房（owned、rented、none）。",
        ],
    ),
    col(
        "education",
        &["父母学历", "学历", "家长学历"],
        true,
        ValueKind::Words(WordSet::Education),
        [
            "Highest education of the applying parent: none, junior, senior, college, bachelor or postgraduate.",
            "申请家长的最高学历：无、初中、高中、大专、本科或研究生。",
        ],
    ),
    col(
        "sibling_school",
        &["兄姐在读学校", "兄姊在读学校"],
        false,
        ValueKind::Id,
        [
            "The id of the public school an older sibling attends; blank: none.",
            "哥哥或姐姐在读公办学校的编号；留空即无。",
        ],
    ),
    col(
        "insurance_months_elsewhere",
        &["外地社保月数", "省内外地社保月数"],
        false,
        ValueKind::Whole,
        [
            "Months of social insurance in other cities of the province (a whole number, 0 to 1,200); blank: 0.",
            "在省内其他城市缴纳社保的月数（整数，0 至 1,200）；留空为 0。",
        ],
    ),
    col(
        "residence_months_elsewhere",
        &["外地居住月数", "省内外地居住月数"],
        false,
        ValueKind::Whole,
        [
            "Months of residence in other cities of the province (a whole number, 0 to 1,200); blank: 0.",
            "在省内其他城市居住的月数（整数，0 至 1,200）；留空为 0。",
        ],
    ),
    col(
        "insurance_back_paid",
        &["社保补缴", "是否补缴社保", "是否补缴"],
        false,
        ValueKind::Words(WordSet::YesNo),
        [
            "Whether social insurance was paid retroactively: yes or no (是 or 否); blank: no.",
            "社保是否为补缴：是或否（yes、no）；留空为否。",
        ],
    ),
    col(
        "sibling_group",
        &["同胞申请组", "多胞胎申请组"],
        false,
        ValueKind::Id,
        [
            "An id shared by the 2 or more children of one family applying together; blank: alone.",
            "同一家庭共同申请的 2 名及以上儿童共用的组编号；留空即单独申请。",
        ],
    ),
    col(
        "community",
        &["居住社区", "所在小区"],
        false,
        ValueKind::Id,
        [
            "The community (小区/社区) of the home, as the catchment table names it; blank: none.",
            "家庭住址所在社区（小区），须与施教区表中的名称一致；留空即无。",
        ],
    ),
    col(
        "hukou_community",
        &["户籍社区"],
        false,
        ValueKind::Id,
        [
            "The community of the hukou address, as the catchment table names it; blank for a migrant child.",
            "户籍地址所在社区，须与施教区表中的名称一致；随迁子女留空。",
        ],
    ),
    col(
        "primary_school",
        &["就读小学", "毕业小学"],
        false,
        ValueKind::Id,
        [
            "The primary school the child attends, as a school's `feeders` names it (对口直升); blank: none.",
            "儿童就读（毕业）的小学，须与学校表 `对口小学` 中的名称一致；留空即无。",
        ],
    ),
    col(
        "lottery",
        &["摇号号码", "公证摇号号码"],
        false,
        ValueKind::Whole,
        [
            "The child's number in the notarised draw (公证摇号), smaller first; every child one, no two alike; blank column: the seeded lottery.",
            "公证摇号中该儿童的号码，号小者优先；每名儿童一个且互不相同；无此列则按种子摇号。",
        ],
    ),
];

const CHOICES: &[Column] = &[
    col(
        "child",
        &["儿童编号", "学生编号", "申请编号"],
        true,
        ValueKind::Id,
        [
            "The id of the applying child (a child's id).",
            "申请儿童的编号（须为儿童表中的编号）。",
        ],
    ),
    col(
        "school",
        &["学校编号", "学校代码", "志愿学校"],
        true,
        ValueKind::Id,
        [
            "The id of a public school of the entry grade the family applies to.",
            "所申请的起始年级公办学校的编号。",
        ],
    ),
    col(
        "rank",
        &["志愿序号", "志愿顺序", "志愿"],
        true,
        ValueKind::Whole,
        [
            "Order of preference, 1 = most wanted (a whole number, 1 to 100).",
            "志愿顺序，1 为第一志愿（整数，1 至 100）。",
        ],
    ),
];

const CATCHMENTS: &[Column] = &[
    col(
        "community",
        &["小区", "社区", "小区名称", "社区名称", "居住社区", "所在小区"],
        true,
        ValueKind::Id,
        [
            "A residential community (小区/社区) as the children table's `community` names it; on several rows for several schools (多校划片).",
            "居住小区（社区）名称，须与儿童表中的社区一致；一个小区对应多所学校（多校划片）时分行填写。",
        ],
    ),
    col(
        "school",
        &["学校", "学校编号", "学校代码", "施教学校"],
        true,
        ValueKind::Id,
        [
            "The id of a public school whose catchment (施教区) holds the community.",
            "施教区包含该小区的公办学校编号。",
        ],
    ),
];

/// The columns of a table, in the order the template writes them.
pub fn columns(table: TableKind) -> &'static [Column] {
    match table {
        TableKind::Districts => DISTRICTS,
        TableKind::Schools => SCHOOLS,
        TableKind::PrivateSchools => PRIVATE_SCHOOLS,
        TableKind::Children => CHILDREN,
        TableKind::Choices => CHOICES,
        TableKind::Catchments => CATCHMENTS,
    }
}

const fn word(canonical: &'static str, zh: &'static [&'static str]) -> Word {
    Word {
        canonical,
        zh,
        en: &[],
    }
}

const HOUSING: &[Word] = &[
    word(
        "owned",
        &["自有住房", "自有", "自购房", "自有产权", "产权房"],
    ),
    word("rented", &["租房", "租赁", "租住"]),
    word("none", &["无住房", "无", "借住"]),
];

const EDUCATION: &[Word] = &[
    word("none", &["无", "未受教育"]),
    word("junior", &["初中"]),
    word("senior", &["高中", "中专", "职高", "技校"]),
    word("college", &["大专", "专科", "高职"]),
    word("bachelor", &["本科", "大学本科", "学士"]),
    word(
        "postgraduate",
        &["研究生", "硕士", "博士", "硕士研究生", "博士研究生"],
    ),
];

const YES_NO: &[Word] = &[
    Word {
        canonical: "yes",
        zh: &["是", "有"],
        en: &["true", "y"],
    },
    Word {
        canonical: "no",
        zh: &["否", "无"],
        en: &["false", "n"],
    },
];

/// The words of a set, in the order the template offers them.
pub fn words(set: WordSet) -> &'static [Word] {
    match set {
        WordSet::Housing => HOUSING,
        WordSet::Education => EDUCATION,
        WordSet::YesNo => YES_NO,
    }
}

/// The canonical name of a header of `table`, written in English, in Chinese, or both as the
/// template writes them (`出生日期 birth_date`; surrounding white space ignored); `None` for a header the table does not know (extra `fact_*` columns are
/// the caller's concern).
pub fn canonical_column(table: TableKind, header: &str) -> Option<&'static str> {
    let header = header.trim();
    // The bilingual form the template writes (`--lang both`): a Chinese name, a space, the
    // English name (`编号 id`).
    let both = header.rsplit_once(' ').map(|(zh, en)| (zh.trim_end(), en));
    columns(table)
        .iter()
        .find(|c| {
            c.name == header
                || c.zh.contains(&header)
                || both.is_some_and(|(zh, en)| en == c.name && c.zh.contains(&zh))
        })
        .map(|c| c.name)
}

/// The canonical word of a category cell, written in English (in any letter case) or in Chinese
/// (surrounding white space ignored); `None` for any other word.
pub fn canonical_word(set: WordSet, value: &str) -> Option<&'static str> {
    let value = value.trim();
    // Most cells hold a canonical word as it is: looked for first, which gives the same answer
    // since no word is listed twice in a set (`no_word_means_two_words_of_a_set`).
    if let Some(w) = words(set).iter().find(|w| w.canonical == value) {
        return Some(w.canonical);
    }
    words(set)
        .iter()
        .find(|w| {
            w.canonical.eq_ignore_ascii_case(value)
                || w.en.iter().any(|e| e.eq_ignore_ascii_case(value))
                || w.zh.contains(&value)
        })
        .map(|w| w.canonical)
}

/// Every word a set accepts, as a list for a message: `owned (自有住房), rented (租房), none
/// (无住房)` — each canonical word with the first Chinese word for it.
pub fn word_list(set: WordSet) -> String {
    let listed: Vec<String> = words(set)
        .iter()
        .map(|w| match w.zh.first() {
            Some(zh) => format!("{} ({zh})", w.canonical),
            None => w.canonical.to_string(),
        })
        .collect();
    listed.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::rows::{
        CatchmentRow, ChildRow, ChoiceRow, DistrictRow, PrivateSchoolRow, SchoolRow,
    };

    #[test]
    fn the_dictionary_lists_exactly_the_columns_the_loader_reads() {
        let expect = |table, required: &[&str], optional: &[&str]| {
            let cols = columns(table);
            let req: Vec<&str> = cols.iter().filter(|c| c.required).map(|c| c.name).collect();
            let opt: Vec<&str> = cols
                .iter()
                .filter(|c| !c.required)
                .map(|c| c.name)
                .collect();
            let optional: Vec<&str> = optional
                .iter()
                .copied()
                .filter(|o| !o.ends_with('*'))
                .collect();
            assert_eq!(req, required, "{table:?}");
            assert_eq!(opt, optional, "{table:?}");
        };
        expect(
            TableKind::Districts,
            DistrictRow::REQUIRED,
            DistrictRow::OPTIONAL,
        );
        expect(TableKind::Schools, SchoolRow::REQUIRED, SchoolRow::OPTIONAL);
        expect(
            TableKind::PrivateSchools,
            PrivateSchoolRow::REQUIRED,
            PrivateSchoolRow::OPTIONAL,
        );
        expect(TableKind::Children, ChildRow::REQUIRED, ChildRow::OPTIONAL);
        expect(TableKind::Choices, ChoiceRow::REQUIRED, &[]);
        expect(TableKind::Catchments, CatchmentRow::REQUIRED, &[]);
    }

    #[test]
    fn english_names_and_words_map_to_themselves() {
        for t in TableKind::ALL {
            for c in columns(t) {
                assert_eq!(canonical_column(t, c.name), Some(c.name));
            }
        }
        assert_eq!(canonical_column(TableKind::Choices, "skool"), None);
        assert_eq!(canonical_word(WordSet::Housing, " rented "), Some("rented"));
        assert_eq!(canonical_word(WordSet::YesNo, "maybe"), None);
        assert_eq!(canonical_column(TableKind::Children, "常住人口"), None);
        assert_eq!(
            canonical_column(TableKind::Districts, "常住人口"),
            Some("permanent_population")
        );
        assert_eq!(canonical_word(WordSet::Housing, "租房"), Some("rented"));
        assert_eq!(
            canonical_column(TableKind::Children, "出生日期 birth_date"),
            Some("birth_date")
        );
        assert_eq!(canonical_column(TableKind::Children, "出生日期 id"), None);
        assert_eq!(canonical_word(WordSet::Education, "本科"), Some("bachelor"));
        assert_eq!(canonical_word(WordSet::Housing, "Rented"), Some("rented"));
        assert_eq!(canonical_word(WordSet::YesNo, "TRUE"), Some("yes"));
        assert_eq!(canonical_word(WordSet::YesNo, "否"), Some("no"));
        assert_eq!(canonical_word(WordSet::Education, "小学"), None);
    }

    /// A header or word as compared: English letters in lower case.
    fn key(s: &str) -> String {
        s.to_ascii_lowercase()
    }

    #[test]
    fn no_header_names_two_columns_of_a_table() {
        for t in TableKind::ALL {
            let mut seen: std::collections::HashMap<String, &str> = Default::default();
            for c in columns(t) {
                for h in std::iter::once(&c.name).chain(c.zh) {
                    if let Some(other) = seen.insert(key(h), c.name) {
                        assert_eq!(
                            other, c.name,
                            "{t:?}: `{h}` names `{other}` and `{}`",
                            c.name
                        );
                        panic!("{t:?}: `{h}` listed twice for `{}`", c.name);
                    }
                }
            }
        }
    }

    #[test]
    fn no_word_means_two_words_of_a_set() {
        for set in [WordSet::Housing, WordSet::Education, WordSet::YesNo] {
            let mut seen: std::collections::HashMap<String, &str> = Default::default();
            for w in words(set) {
                for v in std::iter::once(&w.canonical).chain(w.en).chain(w.zh) {
                    if let Some(other) = seen.insert(key(v), w.canonical) {
                        panic!(
                            "{set:?}: `{v}` is listed for `{other}` and `{}`",
                            w.canonical
                        );
                    }
                    assert_eq!(canonical_word(set, v), Some(w.canonical), "{set:?} {v}");
                }
            }
        }
    }

    /// The tables of `docs/dictionary.md` between its markers, made from the dictionary.
    fn doc_tables() -> String {
        let kind = |k: ValueKind| match k {
            ValueKind::Text => "text".to_string(),
            ValueKind::Id => "id".to_string(),
            ValueKind::Whole => "whole number".to_string(),
            ValueKind::Decimal => "number".to_string(),
            ValueKind::Date => "date".to_string(),
            ValueKind::Words(set) => format!("a word of [`{}`](#{})", set_name(set), set_name(set)),
        };
        let list = |v: &[&str]| {
            v.iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::from("\n## The tables and their columns\n");
        for t in TableKind::ALL {
            out.push_str(&format!(
                "\n### `{}` ({})\n\n| Column | Chinese headers | Required | Holds | Help | 说明 |\n|---|---|---|---|---|---|\n",
                t.name(),
                t.zh()
            ));
            for c in columns(t) {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} | {} |\n",
                    c.name,
                    list(c.zh),
                    if c.required { "yes" } else { "no" },
                    kind(c.kind),
                    c.help_en,
                    c.help_zh
                ));
            }
        }
        out.push_str("\n## The category words\n");
        for set in [WordSet::Housing, WordSet::Education, WordSet::YesNo] {
            out.push_str(&format!(
                "\n### {}\n\n| Word | Chinese words | Other English words |\n|---|---|---|\n",
                set_name(set)
            ));
            for w in words(set) {
                out.push_str(&format!(
                    "| `{}` | {} | {} |\n",
                    w.canonical,
                    list(w.zh),
                    list(w.en)
                ));
            }
        }
        out.push('\n');
        out
    }

    fn set_name(set: WordSet) -> &'static str {
        match set {
            WordSet::Housing => "housing",
            WordSet::Education => "education",
            WordSet::YesNo => "yes-no",
        }
    }

    /// `docs/dictionary.md` lists exactly the dictionary: its tables between the markers are
    /// made from it (`SEATPLAN_WRITE_DICTIONARY=1 cargo test --lib dictionary` writes them).
    #[test]
    fn the_dictionary_doc_lists_exactly_the_dictionary() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dictionary.md");
        let doc = std::fs::read_to_string(&path).unwrap();
        let (start, end) = (
            "<!-- dictionary tables: start -->",
            "<!-- dictionary tables: end -->",
        );
        let a = doc.find(start).expect("start marker") + start.len();
        let b = doc.find(end).expect("end marker");
        let tables = doc_tables();
        if std::env::var_os("SEATPLAN_WRITE_DICTIONARY").is_some() {
            std::fs::write(&path, format!("{}{tables}{}", &doc[..a], &doc[b..])).unwrap();
        } else {
            assert!(
                doc[a..b] == tables,
                "docs/dictionary.md is not the dictionary; run SEATPLAN_WRITE_DICTIONARY=1 cargo test --lib dictionary"
            );
        }
    }

    #[test]
    fn every_column_has_help_in_both_languages() {
        for t in TableKind::ALL {
            for c in columns(t) {
                assert!(!c.zh.is_empty(), "{t:?} {}", c.name);
                for help in [c.help_en, c.help_zh] {
                    assert!(!help.is_empty() && !help.contains('\n'), "{t:?} {}", c.name);
                }
            }
        }
    }
}
