//! Features: which person columns a model sees and how they are encoded. Every feature
//! becomes a column of small integers (`u16`): days and counts as ordered numbers, codes
//! as categories. Trees split on these directly; the logistic model standardises the
//! numbers and one-hot encodes the categories.

/// How a feature's `u16` values are to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureKind {
    /// An ordered number `0 ..= max` (days, years, percentages, age).
    Numeric {
        /// The largest value the feature can take.
        max: u16,
    },
    /// A category: value `k` means `levels[k]`.
    Categorical {
        /// The category labels, by value.
        levels: Vec<String>,
    },
}

impl FeatureKind {
    /// Number of distinct values a column of this kind can hold.
    pub fn cardinality(&self) -> usize {
        match self {
            FeatureKind::Numeric { max } => usize::from(*max) + 1,
            FeatureKind::Categorical { levels } => levels.len(),
        }
    }

    /// The kind in words, for error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            FeatureKind::Numeric { max } => format!("numeric 0 ..= {max}"),
            FeatureKind::Categorical { levels } => format!("categorical with levels {levels:?}"),
        }
    }
}

/// One encoded feature column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureColumn {
    /// The feature's name (a schema column name or a derived name).
    pub name: String,
    /// How the values are read.
    pub kind: FeatureKind,
    /// One value per row; each is below `kind.cardinality()`.
    pub values: Vec<u16>,
}

impl FeatureColumn {
    /// A numeric column `0 ..= max`.
    pub fn numeric(name: impl Into<String>, max: u16, values: Vec<u16>) -> FeatureColumn {
        FeatureColumn {
            name: name.into(),
            kind: FeatureKind::Numeric { max },
            values,
        }
    }

    /// A categorical column: value `k` means `levels[k]`.
    pub fn categorical<S: Into<String>>(
        name: impl Into<String>,
        levels: impl IntoIterator<Item = S>,
        values: Vec<u16>,
    ) -> FeatureColumn {
        FeatureColumn {
            name: name.into(),
            kind: FeatureKind::Categorical {
                levels: levels.into_iter().map(Into::into).collect(),
            },
            values,
        }
    }
}

/// Encoded features of a set of persons, column-major.
///
/// Checked once when built ([`FeatureMatrix::new`]): every column has one value per row,
/// names are distinct, category levels are distinct, and every value is below its kind's
/// cardinality. The fields are private so that this holds for every matrix a model sees;
/// fitting and scoring rely on it and do not check again.
///
/// ```
/// use banenafspraak::model::{FeatureColumn, FeatureMatrix};
/// let x = FeatureMatrix::new(2, vec![
///     FeatureColumn::numeric("days_ww", 1095, vec![0, 30]),
///     FeatureColumn::categorical("sex", ["male", "female"], vec![1, 0]),
/// ])?;
/// assert_eq!((x.n_rows(), x.n_features()), (2, 2));
/// assert!(FeatureMatrix::new(1, vec![FeatureColumn::numeric("age", 120, vec![121])]).is_err());
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeatureMatrix {
    n_rows: usize,
    columns: Vec<FeatureColumn>,
}

impl FeatureMatrix {
    /// A matrix of `n_rows` rows from its columns, checked.
    ///
    /// # Errors
    /// [`Error::ModelInput`] when a column's length is not `n_rows`, two columns share a
    /// name, a categorical column repeats a level, or a value is not below its kind's
    /// cardinality (naming the feature, the row and the value).
    pub fn new(n_rows: usize, columns: Vec<FeatureColumn>) -> Result<FeatureMatrix> {
        use rayon::prelude::*;
        for (j, c) in columns.iter().enumerate() {
            if c.values.len() != n_rows {
                return Err(Error::ModelInput(format!(
                    "feature {:?} has {} values but the matrix has {} rows",
                    c.name,
                    c.values.len(),
                    n_rows
                )));
            }
            if columns[..j].iter().any(|d| d.name == c.name) {
                return Err(Error::ModelInput(format!(
                    "feature name {:?} appears twice",
                    c.name
                )));
            }
            if let FeatureKind::Categorical { levels } = &c.kind {
                let mut sorted: Vec<&String> = levels.iter().collect();
                sorted.sort_unstable();
                if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                    return Err(Error::ModelInput(format!(
                        "feature {:?} has the level {:?} twice",
                        c.name, w[0]
                    )));
                }
            }
        }
        let bad = columns.par_iter().find_map_first(|c| {
            let card = c.kind.cardinality();
            c.values
                .iter()
                .position(|&v| usize::from(v) >= card)
                .map(|r| {
                    Error::ModelInput(format!(
                        "feature {:?} has value {} in row {r}, outside its range ({})",
                        c.name,
                        c.values[r],
                        c.kind.describe()
                    ))
                })
        });
        match bad {
            Some(e) => Err(e),
            None => Ok(FeatureMatrix { n_rows, columns }),
        }
    }

    /// A matrix from its columns, with as many rows as the first column has values (none
    /// without columns); checked as [`FeatureMatrix::new`].
    pub fn from_columns(columns: Vec<FeatureColumn>) -> Result<FeatureMatrix> {
        let n_rows = columns.first().map_or(0, |c| c.values.len());
        FeatureMatrix::new(n_rows, columns)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[FeatureColumn] {
        &self.columns
    }

    /// The columns, giving up the matrix.
    pub fn into_columns(self) -> Vec<FeatureColumn> {
        self.columns
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }

    /// Index of a feature by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The column of a feature, by name.
    pub fn column(&self, name: &str) -> Option<&FeatureColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Checks the training rows of a fit: not empty, each an index into the matrix, and
    /// one outcome per matrix row. The same errors for every model family.
    pub(crate) fn check_training(&self, y: &[bool], rows: &[usize]) -> Result<()> {
        self.check_outcome_rows(y.len(), rows)
    }

    /// As [`FeatureMatrix::check_training`] for an outcome of `y_len` values of any type.
    pub(crate) fn check_outcome_rows(&self, y_len: usize, rows: &[usize]) -> Result<()> {
        if rows.is_empty() {
            return Err(Error::ModelInput("no rows to fit on".into()));
        }
        if y_len != self.n_rows {
            return Err(Error::ModelInput(format!(
                "the outcome has {y_len} values but the feature matrix has {} rows",
                self.n_rows
            )));
        }
        match rows.iter().position(|&r| r >= self.n_rows) {
            Some(i) => Err(Error::ModelInput(format!(
                "rows[{i}] = {} is out of range: the feature matrix has {} rows",
                rows[i], self.n_rows
            ))),
            None => Ok(()),
        }
    }

    /// The given rows (in that order, repeats allowed) as a matrix of their own.
    ///
    /// # Panics
    /// When a row index is out of range, as ndarray's `select`.
    pub fn select_rows(&self, rows: &[usize]) -> FeatureMatrix {
        // Rows of a checked matrix: no second check needed.
        FeatureMatrix {
            n_rows: rows.len(),
            columns: self
                .columns
                .iter()
                .map(|c| FeatureColumn {
                    name: c.name.clone(),
                    kind: c.kind.clone(),
                    values: rows.iter().map(|&r| c.values[r]).collect(),
                })
                .collect(),
        }
    }
}

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::schema::{DaysColumn, Education, Migration, Population, Sex, WiaClass, WINDOW_DAYS};

/// The schema's person columns that are features, besides the `days_*` columns; the
/// comparability model uses all but `wia_class` and `age`.
const PERSON_FEATURES: [Feature; 8] = [
    Feature::Sex,
    Feature::Migration,
    Feature::Generation,
    Feature::Education,
    Feature::YearsSpecialSecondary,
    Feature::DisabilityPct,
    Feature::WiaClass,
    Feature::Age,
];

/// A person column a model can learn from. Register columns and outcomes are not features.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    /// A `days_*` column: days in the window, 0 ..= 1095.
    Days(DaysColumn),
    /// `sex`, as a category.
    Sex,
    /// `migration` background, as a category.
    Migration,
    /// Generation 0, 1, 2, as a category (the report's tree splits off the first generation).
    Generation,
    /// Highest education, as a category so a split can isolate `mbo1` or `primary`.
    Education,
    /// Years in special secondary education (vso), 0 ..= 20.
    YearsSpecialSecondary,
    /// Degree of work incapacity in percent, 0 ..= 100.
    DisabilityPct,
    /// The WIA class, as a category.
    WiaClass,
    /// Age in whole years. Not allowed in the comparability model (method section 1).
    Age,
    /// An extra column of the input file holding whole numbers 0 ..= 65535.
    ExtraNumber(String),
    /// An extra column of the input file read as categories (its distinct values).
    ExtraCategory(String),
}

impl Feature {
    /// The feature's name: the schema column name, or the extra column's name.
    pub fn name(&self) -> String {
        match self {
            Feature::Days(d) => d.column().name().to_string(),
            Feature::Sex => "sex".into(),
            Feature::Migration => "migration".into(),
            Feature::Generation => "generation".into(),
            Feature::Education => "education".into(),
            Feature::YearsSpecialSecondary => "years_special_secondary".into(),
            Feature::DisabilityPct => "disability_pct".into(),
            Feature::WiaClass => "wia_class".into(),
            Feature::Age => "age".into(),
            Feature::ExtraNumber(n) | Feature::ExtraCategory(n) => n.clone(),
        }
    }

    /// Parses a feature name as used on the command line: a schema column name, or
    /// `num:NAME` / `cat:NAME` for an extra column.
    pub fn from_name(name: &str) -> Result<Feature> {
        if let Some(n) = name.strip_prefix("num:") {
            return Ok(Feature::ExtraNumber(n.into()));
        }
        if let Some(n) = name.strip_prefix("cat:") {
            return Ok(Feature::ExtraCategory(n.into()));
        }
        Feature::schema_features()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let names: Vec<String> = PERSON_FEATURES.iter().map(Feature::name).collect();
                Error::InvalidParameter {
                    name: "feature",
                    value: name.into(),
                    reason: format!(
                        "not a feature: use a days_* column, {}, or num:NAME / cat:NAME for an \
                         extra column",
                        names.join(", ")
                    ),
                }
            })
    }

    /// Every schema column that is a feature: the `days_*` columns, then [`PERSON_FEATURES`].
    fn schema_features() -> impl Iterator<Item = Feature> {
        DaysColumn::ALL
            .iter()
            .map(|&d| Feature::Days(d))
            .chain(PERSON_FEATURES)
    }

    /// How the feature is encoded in `pop`. For extra columns the range or the category
    /// levels come from the whole column, so that every subset of rows is encoded alike.
    fn kind(&self, pop: &Population) -> Result<FeatureKind> {
        fn levels(codes: &[&str]) -> FeatureKind {
            FeatureKind::Categorical {
                levels: codes.iter().map(|s| s.to_string()).collect(),
            }
        }
        Ok(match self {
            Feature::Days(_) => FeatureKind::Numeric { max: WINDOW_DAYS },
            Feature::Sex => levels(Sex::CODES),
            Feature::Migration => levels(Migration::CODES),
            Feature::Generation => levels(&["0", "1", "2"]),
            Feature::Education => levels(Education::CODES),
            Feature::YearsSpecialSecondary => FeatureKind::Numeric { max: 20 },
            Feature::DisabilityPct => FeatureKind::Numeric { max: 100 },
            Feature::WiaClass => levels(WiaClass::CODES),
            Feature::Age => FeatureKind::Numeric { max: 120 },
            Feature::ExtraNumber(name) => {
                let col = extra_column(pop, name)?;
                let mut max = 0u16;
                for i in 0..col.len() {
                    max = max.max(extra_number(pop, name, i)?);
                }
                FeatureKind::Numeric { max }
            }
            Feature::ExtraCategory(name) => {
                let col = extra_column(pop, name)?;
                let mut levels: Vec<String> = col.iter().map(str::to_string).collect();
                levels.sort_unstable();
                levels.dedup();
                if levels.len() > usize::from(u16::MAX) {
                    return Err(Error::InvalidParameter {
                        name: "feature",
                        value: format!("cat:{name}"),
                        reason: format!(
                            "{} distinct values; at most 65535 categories",
                            levels.len()
                        ),
                    });
                }
                FeatureKind::Categorical { levels }
            }
        })
    }

    /// Writes the value of row `rows[r]` to `out[r]`, r = 0, 1, ...
    fn fill(
        &self,
        pop: &Population,
        rows: &[usize],
        kind: &FeatureKind,
        out: &mut [u16],
    ) -> Result<()> {
        let mut out = out.iter_mut();
        self.for_each_code(pop, rows, kind, |v| {
            if let Some(o) = out.next() {
                *o = v;
            }
        })
    }

    /// Calls `sink` with the value of each of `rows`, in order.
    fn for_each_code(
        &self,
        pop: &Population,
        rows: &[usize],
        kind: &FeatureKind,
        mut sink: impl FnMut(u16),
    ) -> Result<()> {
        fn put<T: Copy>(v: &[T], rows: &[usize], f: impl Fn(T) -> u16, sink: impl FnMut(u16)) {
            rows.iter().map(|&i| f(v[i])).for_each(sink);
        }
        let code = |i: u8| u16::from(i);
        match self {
            Feature::Days(d) => put(pop.days(*d), rows, |v| v, sink),
            Feature::Sex => put(pop.sex(), rows, |v| code(v.index()), sink),
            Feature::Migration => put(pop.migration(), rows, |v| code(v.index()), sink),
            Feature::Generation => put(pop.generation(), rows, code, sink),
            Feature::Education => put(pop.education(), rows, |v| code(v.index()), sink),
            Feature::YearsSpecialSecondary => put(pop.years_special_secondary(), rows, code, sink),
            Feature::DisabilityPct => put(pop.disability_pct(), rows, code, sink),
            Feature::WiaClass => put(pop.wia_class(), rows, |v| code(v.index()), sink),
            Feature::Age => put(pop.age(), rows, code, sink),
            Feature::ExtraNumber(name) => {
                for &i in rows {
                    sink(extra_number(pop, name, i)?);
                }
            }
            Feature::ExtraCategory(name) => {
                let col = extra_column(pop, name)?;
                let FeatureKind::Categorical { levels } = kind else {
                    return Err(Error::ModelInput(format!(
                        "cat:{name} was prepared as a number"
                    )));
                };
                for &i in rows {
                    // Levels come from the whole column, so every cell is found.
                    sink(
                        levels
                            .binary_search_by(|l| l.as_str().cmp(col.get(i)))
                            .unwrap_or(0) as u16,
                    );
                }
            }
        }
        Ok(())
    }
}

fn extra_number(pop: &Population, name: &str, i: usize) -> Result<u16> {
    let cell = extra_column(pop, name)?.get(i);
    cell.parse().map_err(|_| Error::InvalidParameter {
        name: "feature",
        value: format!("num:{name}"),
        // The row, never the person's id: an error message may end up outside too.
        reason: format!(
            "row {} of the person file (line {} unless a quoted cell spans lines): value {cell:?} \
             is not a whole number in 0 ..= 65535",
            i + 1,
            i + 2
        ),
    })
}

fn extra_column<'p>(pop: &'p Population, name: &str) -> Result<&'p crate::schema::TextColumn> {
    pop.extra(name).ok_or_else(|| Error::InvalidParameter {
        name: "feature",
        value: name.into(),
        reason: "no such extra column in the input".into(),
    })
}

/// The features a model learns from, explicit and settable.
///
/// ```
/// use banenafspraak::model::{Feature, FeatureSet};
/// let set = FeatureSet::comparability();
/// assert!(!set.features().contains(&Feature::Age));
/// assert!(FeatureSet::job().features().contains(&Feature::Age));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSet {
    features: Vec<Feature>,
}

impl FeatureSet {
    /// A set of the given features (duplicates removed, order kept).
    pub fn new(features: impl IntoIterator<Item = Feature>) -> FeatureSet {
        let mut out: Vec<Feature> = Vec::new();
        for f in features {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        FeatureSet { features: out }
    }

    /// The comparability model's features (method section 1): the ten `days_*` columns,
    /// sex, migration, generation, education, years in vso and disability percentage.
    /// Never age, the register columns or the outcomes.
    pub fn comparability() -> FeatureSet {
        FeatureSet::new(
            Feature::schema_features().filter(|f| !matches!(f, Feature::WiaClass | Feature::Age)),
        )
    }

    /// The job-find and job-keep models' features: the comparability features and age.
    pub fn job() -> FeatureSet {
        FeatureSet::comparability().with(Feature::Age)
    }

    /// This set with one more feature.
    pub fn with(mut self, f: Feature) -> FeatureSet {
        if !self.features.contains(&f) {
            self.features.push(f);
        }
        self
    }

    /// This set without a feature.
    pub fn without(mut self, f: &Feature) -> FeatureSet {
        self.features.retain(|g| g != f);
        self
    }

    /// The features, in order.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The features of this set whose names are listed, in this set's order.
    pub fn restricted_to(&self, names: &[String]) -> FeatureSet {
        FeatureSet::new(
            self.features
                .iter()
                .filter(|f| names.contains(&f.name()))
                .cloned(),
        )
    }

    /// Checks the set for the comparability model: not empty, and no age.
    pub fn check_for_comparability(&self) -> Result<()> {
        self.check_not_empty()?;
        if self.features.contains(&Feature::Age) {
            return Err(Error::InvalidParameter {
                name: "comparability features",
                value: "age".into(),
                reason: "age is not a feature of the comparability model: the register's \
                         Participatiewet members are young for historical reasons (method section 1)"
                    .into(),
            });
        }
        Ok(())
    }

    /// Checks that the set has at least one feature.
    pub fn check_not_empty(&self) -> Result<()> {
        if self.features.is_empty() {
            return Err(Error::InvalidParameter {
                name: "features",
                value: "(none)".into(),
                reason: "a model needs at least one feature".into(),
            });
        }
        Ok(())
    }

    /// Binds the set to a population: fixes each feature's encoding (for extra columns,
    /// from the whole column) so that any subset of rows can then be encoded alike.
    pub fn prepare(&self, pop: &Population) -> Result<PreparedFeatures> {
        let kinds = self
            .features
            .iter()
            .map(|f| f.kind(pop))
            .collect::<Result<Vec<_>>>()?;
        Ok(PreparedFeatures {
            features: self.features.clone(),
            kinds,
        })
    }

    /// Encodes the given rows of a population (in that order), one column per feature.
    pub fn encode(&self, pop: &Population, rows: &[usize]) -> Result<FeatureMatrix> {
        self.prepare(pop)?.encode(pop, rows)
    }

    /// Encodes every row of a population.
    pub fn encode_all(&self, pop: &Population) -> Result<FeatureMatrix> {
        let rows: Vec<usize> = (0..pop.len()).collect();
        self.encode(pop, &rows)
    }
}

/// A feature set bound to one population ([`FeatureSet::prepare`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedFeatures {
    features: Vec<Feature>,
    kinds: Vec<FeatureKind>,
}

impl PreparedFeatures {
    /// Number of features.
    pub fn width(&self) -> usize {
        self.features.len()
    }

    /// The prepared features whose names are listed, in this set's order, with the
    /// encodings fixed here (no second pass over extra columns).
    pub fn restricted_to(&self, names: &[String]) -> PreparedFeatures {
        let (features, kinds) = self
            .features
            .iter()
            .zip(&self.kinds)
            .filter(|(f, _)| names.contains(&f.name()))
            .map(|(f, k)| (f.clone(), k.clone()))
            .unzip();
        PreparedFeatures { features, kinds }
    }

    /// This set followed by the features of `other` it lacks (both prepared on the same
    /// population, so a feature in both has one encoding).
    pub fn union(&self, other: &PreparedFeatures) -> PreparedFeatures {
        let mut out = self.clone();
        for (f, k) in other.features.iter().zip(&other.kinds) {
            if !out.features.contains(f) {
                out.features.push(f.clone());
                out.kinds.push(k.clone());
            }
        }
        out
    }

    /// A matrix without rows that names the features and their kinds, in order.
    pub fn template(&self) -> FeatureMatrix {
        FeatureMatrix {
            n_rows: 0,
            columns: self
                .features
                .iter()
                .zip(&self.kinds)
                .map(|(f, k)| FeatureColumn {
                    name: f.name(),
                    kind: k.clone(),
                    values: Vec::new(),
                })
                .collect(),
        }
    }

    /// Encodes the given rows, one column per feature; in parallel over features when
    /// the columns are long enough to repay it.
    pub fn encode(&self, pop: &Population, rows: &[usize]) -> Result<FeatureMatrix> {
        use rayon::prelude::*;
        let column = |(f, kind): (&Feature, &FeatureKind)| -> Result<FeatureColumn> {
            let mut values = vec![0u16; rows.len()];
            f.fill(pop, rows, kind, &mut values)?;
            Ok(FeatureColumn {
                name: f.name(),
                kind: kind.clone(),
                values,
            })
        };
        let columns = if rows.len() >= 1 << 16 {
            self.features
                .par_iter()
                .zip(&self.kinds)
                .map(column)
                .collect::<Result<Vec<_>>>()?
        } else {
            self.features
                .iter()
                .zip(&self.kinds)
                .map(column)
                .collect::<Result<Vec<_>>>()?
        };
        FeatureMatrix::new(rows.len(), columns)
    }

    /// Calls `sink` with the `k`-th feature's value of each of `rows`, in order: scoring
    /// reads the values as they come, without a column in between.
    ///
    /// # Panics
    /// When `k >= self.width()`.
    pub fn for_each_code(
        &self,
        pop: &Population,
        rows: &[usize],
        k: usize,
        sink: impl FnMut(u16),
    ) -> Result<()> {
        self.features[k].for_each_code(pop, rows, &self.kinds[k], sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Person;

    #[test]
    fn encodes_codes_days_and_extra_columns() {
        let mut pop = Population::with_extra_columns(["region".to_string(), "score".to_string()]);
        let mut p = Person::example();
        p.education = Education::Mbo1;
        p.days.set(DaysColumn::NoIncome, 40);
        pop.push_with_extra(&p, ["north", "7"].into_iter());
        p.education = Education::Primary;
        pop.push_with_extra(&p, ["east", "12"].into_iter());
        let set = FeatureSet::new([
            Feature::Education,
            Feature::Days(DaysColumn::NoIncome),
            Feature::ExtraCategory("region".into()),
            Feature::ExtraNumber("score".into()),
        ]);
        let x = set.encode(&pop, &[1, 0]).unwrap();
        assert_eq!(x.n_rows, 2);
        assert_eq!(
            x.columns[0].values,
            [
                Education::Primary.index() as u16,
                Education::Mbo1.index() as u16
            ]
        );
        assert_eq!(x.columns[1].values, [40, 40]);
        assert_eq!(x.columns[1].kind, FeatureKind::Numeric { max: 1095 });
        assert_eq!(x.columns[2].values, [0, 1]); // east, north
        assert_eq!(x.columns[3].values, [12, 7]);
        let bad = FeatureSet::new([Feature::ExtraNumber("region".into())]).encode(&pop, &[0]);
        assert!(bad.unwrap_err().to_string().contains(
            "row 1 of the person file (line 2 unless a quoted cell spans lines): value \"north\""
        ));
    }

    #[test]
    fn age_is_refused_for_comparability_and_names_parse() {
        assert!(FeatureSet::comparability()
            .check_for_comparability()
            .is_ok());
        assert!(matches!(
            FeatureSet::job().check_for_comparability(),
            Err(Error::InvalidParameter {
                name: "comparability features",
                ..
            })
        ));
        for f in FeatureSet::job().features() {
            assert_eq!(&Feature::from_name(&f.name()).unwrap(), f);
        }
        assert_eq!(
            Feature::from_name("cat:region").unwrap(),
            Feature::ExtraCategory("region".into())
        );
        assert!(matches!(
            Feature::from_name("in_register"),
            Err(Error::InvalidParameter {
                name: "feature",
                ..
            })
        ));
    }
}
