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
}

impl TableKind {
    /// Every table, in the order a scenario names them.
    pub const ALL: [TableKind; 5] = [
        TableKind::Districts,
        TableKind::Schools,
        TableKind::PrivateSchools,
        TableKind::Children,
        TableKind::Choices,
    ];

    /// The table's key in a scenario's `[tables]` (`children`, …).
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Districts => "districts",
            TableKind::Schools => "schools",
            TableKind::PrivateSchools => "private_schools",
            TableKind::Children => "children",
            TableKind::Choices => "choices",
        }
    }

    /// The table's Chinese name (a workbook sheet may be named so).
    pub fn zh(self) -> &'static str {
        match self {
            TableKind::Districts => "区县",
            TableKind::Schools => "公办学校",
            TableKind::PrivateSchools => "民办学校",
            TableKind::Children => "儿童",
            TableKind::Choices => "志愿",
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
}

const fn col(
    name: &'static str,
    zh: &'static [&'static str],
    required: bool,
    kind: ValueKind,
) -> Column {
    Column {
        name,
        zh,
        required,
        kind,
        help_en: "",
        help_zh: "",
    }
}

const DISTRICTS: &[Column] = &[
    col("id", &["编号", "区县编号"], true, ValueKind::Id),
    col("name", &["名称", "区县名称"], true, ValueKind::Text),
    col(
        "permanent_population",
        &["常住人口"],
        true,
        ValueKind::Whole,
    ),
    col("cohort_share", &["适龄儿童占比"], false, ValueKind::Decimal),
    col(
        "migrant_share",
        &["随迁子女占比"],
        false,
        ValueKind::Decimal,
    ),
    col("cohort_children", &["适龄儿童数"], false, ValueKind::Whole),
    col("apply_share", &["申请比例"], false, ValueKind::Decimal),
    col("growth_rate", &["增长率"], false, ValueKind::Decimal),
];

const SCHOOLS: &[Column] = &[
    col("id", &["编号", "学校编号"], true, ValueKind::Id),
    col("name", &["名称", "学校名称"], true, ValueKind::Text),
    col("district", &["所属区县", "区县"], true, ValueKind::Id),
    col(
        "entry_grade",
        &["起始年级", "入学年级"],
        true,
        ValueKind::Whole,
    ),
    col("seats", &["学位数", "招生计划"], true, ValueKind::Whole),
    col(
        "x_km",
        &["横坐标（公里）", "横坐标"],
        true,
        ValueKind::Decimal,
    ),
    col(
        "y_km",
        &["纵坐标（公里）", "纵坐标"],
        true,
        ValueKind::Decimal,
    ),
    col(
        "reserved_migrant",
        &["随迁子女预留学位"],
        false,
        ValueKind::Whole,
    ),
];

const PRIVATE_SCHOOLS: &[Column] = &[
    col("id", &["编号", "学校编号"], true, ValueKind::Id),
    col("name", &["名称", "学校名称"], true, ValueKind::Text),
    col("district", &["所属区县", "区县"], true, ValueKind::Id),
    col(
        "entry_grade",
        &["起始年级", "入学年级"],
        true,
        ValueKind::Whole,
    ),
    col(
        "purchasable_seats",
        &["可购买学位数", "可购买学位"],
        true,
        ValueKind::Whole,
    ),
    col(
        "subsidy_yuan",
        &["每生补贴（元）", "补贴（元）"],
        true,
        ValueKind::Whole,
    ),
    col("fee_yuan", &["学费（元）"], true, ValueKind::Whole),
    col(
        "x_km",
        &["横坐标（公里）", "横坐标"],
        true,
        ValueKind::Decimal,
    ),
    col(
        "y_km",
        &["纵坐标（公里）", "纵坐标"],
        true,
        ValueKind::Decimal,
    ),
];

const CHILDREN: &[Column] = &[
    col("id", &["编号", "儿童编号", "学生编号"], true, ValueKind::Id),
    col("birth_date", &["出生日期"], true, ValueKind::Date),
    col("residence_district", &["居住区县"], true, ValueKind::Id),
    col(
        "x_km",
        &["横坐标（公里）", "横坐标"],
        true,
        ValueKind::Decimal,
    ),
    col(
        "y_km",
        &["纵坐标（公里）", "纵坐标"],
        true,
        ValueKind::Decimal,
    ),
    col("hukou_district", &["户籍区县"], false, ValueKind::Id),
    col("permit_months", &["居住证月数"], true, ValueKind::Whole),
    col("insurance_months", &["社保月数"], true, ValueKind::Whole),
    col("residence_months", &["居住月数"], true, ValueKind::Whole),
    col(
        "housing",
        &["住房情况", "住房"],
        true,
        ValueKind::Words(WordSet::Housing),
    ),
    col(
        "education",
        &["父母学历", "学历"],
        true,
        ValueKind::Words(WordSet::Education),
    ),
    col("sibling_school", &["兄姐在读学校"], false, ValueKind::Id),
    col(
        "insurance_months_elsewhere",
        &["外地社保月数"],
        false,
        ValueKind::Whole,
    ),
    col(
        "residence_months_elsewhere",
        &["外地居住月数"],
        false,
        ValueKind::Whole,
    ),
    col(
        "insurance_back_paid",
        &["社保补缴"],
        false,
        ValueKind::Words(WordSet::YesNo),
    ),
    col("sibling_group", &["同胞申请组"], false, ValueKind::Id),
    col("community", &["居住社区", "所在小区"], false, ValueKind::Id),
    col("hukou_community", &["户籍社区"], false, ValueKind::Id),
    col(
        "lottery",
        &["摇号号码", "公证摇号号码"],
        false,
        ValueKind::Whole,
    ),
];

const CHOICES: &[Column] = &[
    col("child", &["儿童编号", "学生编号"], true, ValueKind::Id),
    col("school", &["学校编号"], true, ValueKind::Id),
    col("rank", &["志愿序号", "志愿顺序"], true, ValueKind::Whole),
];

/// The columns of a table, in the order the template writes them.
pub fn columns(table: TableKind) -> &'static [Column] {
    match table {
        TableKind::Districts => DISTRICTS,
        TableKind::Schools => SCHOOLS,
        TableKind::PrivateSchools => PRIVATE_SCHOOLS,
        TableKind::Children => CHILDREN,
        TableKind::Choices => CHOICES,
    }
}

const HOUSING: &[Word] = &[
    Word {
        canonical: "owned",
        zh: &["自有住房", "自有", "自购房"],
    },
    Word {
        canonical: "rented",
        zh: &["租房", "租赁"],
    },
    Word {
        canonical: "none",
        zh: &["无住房", "无"],
    },
];

const EDUCATION: &[Word] = &[
    Word {
        canonical: "none",
        zh: &["无", "未受教育"],
    },
    Word {
        canonical: "junior",
        zh: &["初中"],
    },
    Word {
        canonical: "senior",
        zh: &["高中", "中专"],
    },
    Word {
        canonical: "college",
        zh: &["大专", "专科"],
    },
    Word {
        canonical: "bachelor",
        zh: &["本科"],
    },
    Word {
        canonical: "postgraduate",
        zh: &["研究生", "硕士", "博士"],
    },
];

const YES_NO: &[Word] = &[
    Word {
        canonical: "yes",
        zh: &["是"],
    },
    Word {
        canonical: "no",
        zh: &["否"],
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

/// The canonical name of a header of `table`, written in English or in Chinese (surrounding
/// white space ignored); `None` for a header the table does not know (extra `fact_*` columns are
/// the caller's concern).
pub fn canonical_column(table: TableKind, header: &str) -> Option<&'static str> {
    let header = header.trim();
    columns(table)
        .iter()
        .find(|c| c.name == header || c.zh.contains(&header))
        .map(|c| c.name)
}

/// The canonical word of a category cell, written in English or in Chinese (surrounding white
/// space ignored); `None` for any other word.
pub fn canonical_word(set: WordSet, value: &str) -> Option<&'static str> {
    let value = value.trim();
    words(set)
        .iter()
        .find(|w| w.canonical == value || w.zh.contains(&value))
        .map(|w| w.canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::rows::{ChildRow, ChoiceRow, DistrictRow, PrivateSchoolRow, SchoolRow};

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
        expect(
            TableKind::Schools,
            SchoolRow::REQUIRED,
            &["reserved_migrant"],
        );
        expect(TableKind::PrivateSchools, PrivateSchoolRow::REQUIRED, &[]);
        expect(TableKind::Children, ChildRow::REQUIRED, ChildRow::OPTIONAL);
        expect(TableKind::Choices, ChoiceRow::REQUIRED, &[]);
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
        assert_eq!(canonical_word(WordSet::Education, "本科"), Some("bachelor"));
    }
}
