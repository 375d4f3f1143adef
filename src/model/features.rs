//! Features: which person columns a model sees and how they are encoded. Every feature
//! becomes a column of small integers (`u16`): days and counts as ordered numbers, codes
//! as categories. Trees split on these directly; the logistic model standardises the
//! numbers and one-hot encodes the categories.

/// How a feature's `u16` values are to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureKind {
    /// An ordered number `0 ..= max` (days, years, percentages, age).
    Numeric { max: u16 },
    /// A category: value `k` means `levels[k]`.
    Categorical { levels: Vec<String> },
}

impl FeatureKind {
    /// Number of distinct values a column of this kind can hold.
    pub fn cardinality(&self) -> usize {
        match self {
            FeatureKind::Numeric { max } => usize::from(*max) + 1,
            FeatureKind::Categorical { levels } => levels.len(),
        }
    }
}

/// One encoded feature column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureColumn {
    /// The feature's name (a schema column name or a derived name).
    pub name: String,
    pub kind: FeatureKind,
    /// One value per row; each is below `kind.cardinality()`.
    pub values: Vec<u16>,
}

/// Encoded features of a set of persons, column-major.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeatureMatrix {
    pub n_rows: usize,
    pub columns: Vec<FeatureColumn>,
}

impl FeatureMatrix {
    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }

    /// Index of a feature by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}
