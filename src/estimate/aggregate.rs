//! Expected counts per population, sub-group and breakdown cell (method sections 2-4):
//! comparable = sum of c; had work = sum of c over the employed; finds work = sum of c q
//! over those without a job; keeps work = sum of c q k over them; banen = sum of
//! c q k h / 25.5 over them, with h the hours model's prediction (schema v1.1 only).

use serde::{Deserialize, Serialize};

use super::level::{ConfidenceLevel, Interval};

use crate::schema::{AgeBand, EducationLevel, Person};

/// A person's three model probabilities: corrected comparability `c`, job-find `q` and
/// job-keep `k`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PersonScores {
    /// Corrected probability of being comparable, `c`.
    pub comparable: f64,
    /// Probability of finding a job within a year, `q`.
    pub find: f64,
    /// Probability of keeping that job a year, `k`.
    pub keep: f64,
    /// Predicted paid hours per week in a kept job; `None` without an hours model.
    #[serde(default)]
    pub hours: Option<f64>,
}

/// Paid hours per week of one baan (the jobs agreement's unit, report lines 1097 and
/// 2638-2640); smaller and larger jobs count pro rata.
pub const BAAN_HOURS: f64 = 25.5;

/// 95% intervals of the three expected counts of a group. What they cover depends on how
/// they were computed (see [`crate::estimate::Intervals`]): the bootstrap and the analytic
/// intervals both describe the sampling error of the fitted models (their leaf rates or
/// coefficients), not the spread of the realised count.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CountIntervals {
    /// Interval of the expected number comparable.
    pub comparable: Interval,
    /// Interval of the expected number finding work.
    pub finds_work: Interval,
    /// Interval of the expected number keeping work.
    pub keeps_work: Interval,
    /// Banen (bootstrap only, with an hours model); `None` otherwise.
    #[serde(default)]
    pub banen: Option<Interval>,
    /// The confidence level of the four intervals.
    #[serde(default)]
    pub level: ConfidenceLevel,
}

/// Variances of the three expected counts of a group, one number per count.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CountVariances {
    /// Variance of the expected number comparable.
    pub comparable: f64,
    /// Variance of the expected number finding work.
    pub finds_work: f64,
    /// Variance of the expected number keeping work.
    pub keeps_work: f64,
}

/// Expected counts of one group of persons.
///
/// ```
/// use banenafspraak::estimate::{ExpectedCounts, PersonScores};
/// let mut e = ExpectedCounts::default();
/// e.add(PersonScores { comparable: 0.5, find: 0.4, keep: 0.5, hours: None }, false);
/// e.add(PersonScores { comparable: 0.2, find: 0.9, keep: 0.9, hours: None }, true);
/// assert_eq!(e.persons, 2);
/// assert!((e.comparable - 0.7).abs() < 1e-12);
/// assert!((e.had_work - 0.2).abs() < 1e-12);
/// assert!((e.finds_work - 0.2).abs() < 1e-12);
/// assert!((e.keeps_work - 0.1).abs() < 1e-12);
/// assert!((e.mean_probability() - 0.35).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ExpectedCounts {
    /// Persons in the group.
    pub persons: u64,
    /// Persons employed on the reference date: the persons behind `had_work`; the others
    /// are behind `finds_work` and `keeps_work` (disclosure control counts them).
    #[serde(default)]
    pub employed: u64,
    /// Expected number comparable: the sum of corrected probabilities.
    pub comparable: f64,
    /// Expected comparable persons who are employed on the reference date.
    pub had_work: f64,
    /// Expected comparable persons without a job who find one within a year.
    pub finds_work: f64,
    /// Expected of those finders who still have the job a year later.
    pub keeps_work: f64,
    /// Expected banen of the jobs found and kept: sum of c q k h / 25.5 over the persons
    /// without work. `None` when no hours were modelled (no `job_hours_per_week`).
    #[serde(default)]
    pub banen: Option<f64>,
    /// Sum of c (1 - c): the variance of the realised number comparable given the
    /// probabilities (persons as independent Bernoulli draws). It describes how much the
    /// number of comparable persons would vary if each person were comparable or not by
    /// chance with probability c; it says nothing about how well c itself is estimated.
    pub comparable_variance: f64,
    /// 95% intervals for comparable, finds and keeps from the sampling error of the
    /// fitted models; `None` when not computed (`Intervals::None`).
    #[serde(default)]
    pub intervals: Option<CountIntervals>,
    /// The analytic sampling variance of the trees' leaf rates carried to these counts
    /// (sum over leaves of n_l^2 p_l (1 - p_l) / m_l, with the correction and the job
    /// models' leaves): how much the counts would move if the trees were fitted on
    /// another training sample of the same size, the tree shapes held fixed. `None` for
    /// logistic models or when intervals are not computed.
    #[serde(default)]
    pub leaf_rate_variance: Option<CountVariances>,
}

impl ExpectedCounts {
    /// Adds one person.
    pub fn add(&mut self, s: PersonScores, employed: bool) {
        self.persons += 1;
        self.comparable += s.comparable;
        self.comparable_variance += s.comparable * (1.0 - s.comparable);
        if employed {
            self.employed += 1;
            self.had_work += s.comparable;
        } else {
            let finds = s.comparable * s.find;
            self.finds_work += finds;
            self.keeps_work += finds * s.keep;
        }
        if let Some(h) = s.hours {
            let banen = self.banen.get_or_insert(0.0);
            if !employed {
                *banen += s.comparable * s.find * s.keep * h / BAAN_HOURS;
            }
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, o: &ExpectedCounts) {
        self.persons += o.persons;
        self.employed += o.employed;
        self.comparable += o.comparable;
        self.had_work += o.had_work;
        self.finds_work += o.finds_work;
        self.keeps_work += o.keeps_work;
        self.comparable_variance += o.comparable_variance;
        if let Some(b) = o.banen {
            *self.banen.get_or_insert(0.0) += b;
        }
    }

    /// Comparable / persons; 0 for an empty group.
    pub fn mean_probability(&self) -> f64 {
        if self.persons == 0 {
            0.0
        } else {
            self.comparable / self.persons as f64
        }
    }

    /// Standard deviation of the realised number comparable: the square root of
    /// [`ExpectedCounts::comparable_variance`].
    pub fn realised_sd(&self) -> f64 {
        self.comparable_variance.sqrt()
    }

    /// Persons behind measure `m`: everyone for persons and comparable, the employed for
    /// had work, the others for finds and keeps work.
    pub fn persons_behind(&self, m: Measure) -> u64 {
        match m {
            Measure::Persons | Measure::Comparable => self.persons,
            Measure::HadWork => self.employed,
            Measure::FindsWork | Measure::KeepsWork => self.persons - self.employed,
        }
    }

    /// The value of one measure.
    pub fn get(&self, m: Measure) -> f64 {
        match m {
            Measure::Persons => self.persons as f64,
            Measure::Comparable => self.comparable,
            Measure::HadWork => self.had_work,
            Measure::FindsWork => self.finds_work,
            Measure::KeepsWork => self.keeps_work,
        }
    }
}

/// The columns of the report's distribution tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The whole population ("bruto aantal", the report's `gross`).
    Persons,
    /// Expected number comparable ("vergelijkbaar").
    Comparable,
    /// Expected comparable persons employed on the reference date.
    HadWork,
    /// Expected comparable persons without a job who find one within a year.
    FindsWork,
    /// Expected finders who still have the job a year later.
    KeepsWork,
}

impl Measure {
    /// Every measure, in the report's column order.
    pub const ALL: [Measure; 5] = [
        Measure::Persons,
        Measure::Comparable,
        Measure::HadWork,
        Measure::FindsWork,
        Measure::KeepsWork,
    ];

    /// Column label as in the report's tables.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Persons => "gross",
            Measure::Comparable => "comparable",
            Measure::HadWork => "had work",
            Measure::FindsWork => "finds work",
            Measure::KeepsWork => "keeps work",
        }
    }
}

/// Expected counts of a sub-group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubgroupCounts {
    /// Machine name, as in results table v2's `subgroup` column.
    pub name: String,
    /// Label for tables.
    pub label: String,
    /// The sub-group's expected counts.
    pub counts: ExpectedCounts,
}

/// A breakdown of a population: counts per category (education level or age band).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Category codes and labels, with their counts, in the report's order.
    pub cells: Vec<(String, String, ExpectedCounts)>,
}

impl Breakdown {
    /// Share of category `k` in the population's total of measure `m`; 0 when the total
    /// is 0.
    pub fn share(&self, k: usize, m: Measure) -> f64 {
        let total: f64 = self.cells.iter().map(|(_, _, c)| c.get(m)).sum();
        if total > 0.0 {
            self.cells[k].2.get(m) / total
        } else {
            0.0
        }
    }
}

/// Everything estimated for one population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationEstimate {
    /// Machine name (`ww`, `wia`, `bijstand`, `nug`, or the user's).
    pub name: String,
    /// Label for tables.
    pub label: String,
    /// Expected counts of the whole population.
    pub total: ExpectedCounts,
    /// Expected counts per sub-group, in the population's order.
    pub subgroups: Vec<SubgroupCounts>,
    /// By the report's education levels 1-4 and unknown.
    pub by_education: Breakdown,
    /// By the report's age bands.
    pub by_age: Breakdown,
}

impl PopulationEstimate {
    /// Every group's counts in a fixed order: the total, the sub-groups, the education
    /// cells, the age cells.
    pub fn groups(&self) -> impl Iterator<Item = &ExpectedCounts> + '_ {
        std::iter::once(&self.total)
            .chain(self.subgroups.iter().map(|g| &g.counts))
            .chain(self.by_education.cells.iter().map(|c| &c.2))
            .chain(self.by_age.cells.iter().map(|c| &c.2))
    }

    /// As [`PopulationEstimate::groups`], mutable.
    pub fn groups_mut(&mut self) -> impl Iterator<Item = &mut ExpectedCounts> + '_ {
        std::iter::once(&mut self.total)
            .chain(self.subgroups.iter_mut().map(|g| &mut g.counts))
            .chain(self.by_education.cells.iter_mut().map(|c| &mut c.2))
            .chain(self.by_age.cells.iter_mut().map(|c| &mut c.2))
    }
}

/// Accumulates a population's estimate person by person.
#[derive(Debug, Clone)]
pub struct Accumulator {
    estimate: PopulationEstimate,
}

impl Accumulator {
    /// An empty estimate for a population with the given sub-groups `(name, label)`.
    pub fn new(
        name: &str,
        label: &str,
        subgroups: impl IntoIterator<Item = (String, String)>,
    ) -> Accumulator {
        let cells = |cats: Vec<(String, String)>| Breakdown {
            cells: cats
                .into_iter()
                .map(|(c, l)| (c, l, ExpectedCounts::default()))
                .collect(),
        };
        Accumulator {
            estimate: PopulationEstimate {
                name: name.into(),
                label: label.into(),
                total: ExpectedCounts::default(),
                subgroups: subgroups
                    .into_iter()
                    .map(|(name, label)| SubgroupCounts {
                        name,
                        label,
                        counts: ExpectedCounts::default(),
                    })
                    .collect(),
                by_education: cells(
                    EducationLevel::ALL
                        .iter()
                        .map(|l| (l.code().to_string(), education_label(*l).to_string()))
                        .collect(),
                ),
                by_age: cells(
                    AgeBand::ALL
                        .iter()
                        .map(|b| (b.code().to_string(), b.label().to_string()))
                        .collect(),
                ),
            },
        }
    }

    /// Adds a person in sub-group `subgroup` (if any) with its scores.
    pub fn add(&mut self, p: &Person<'_>, subgroup: Option<usize>, s: PersonScores) {
        let e = &mut self.estimate;
        e.total.add(s, p.employed);
        if let Some(g) = subgroup.and_then(|g| e.subgroups.get_mut(g)) {
            g.counts.add(s, p.employed);
        }
        e.by_education.cells[p.education.level().index() as usize]
            .2
            .add(s, p.employed);
        e.by_age.cells[AgeBand::of_age(p.age).index() as usize]
            .2
            .add(s, p.employed);
    }

    /// Merges another accumulator of the same population (for parallel aggregation).
    pub fn merge(mut self, other: &Accumulator) -> Accumulator {
        let (e, o) = (&mut self.estimate, &other.estimate);
        e.total.merge(&o.total);
        for (a, b) in e.subgroups.iter_mut().zip(&o.subgroups) {
            a.counts.merge(&b.counts);
        }
        for (a, b) in e.by_education.cells.iter_mut().zip(&o.by_education.cells) {
            a.2.merge(&b.2);
        }
        for (a, b) in e.by_age.cells.iter_mut().zip(&o.by_age.cells) {
            a.2.merge(&b.2);
        }
        self
    }

    /// The population's estimate, once every person is added.
    pub fn finish(self) -> PopulationEstimate {
        self.estimate
    }
}

/// The report's label of an education level.
pub fn education_label(l: EducationLevel) -> &'static str {
    match l {
        EducationLevel::Level1 => "level 1 (none, primary)",
        EducationLevel::Level2 => "level 2 (vmbo, havo/vwo lower)",
        EducationLevel::Level3 => "level 3 (praktijkonderwijs, mbo, havo/vwo upper)",
        EducationLevel::Level4 => "level 4 (hbo, wo)",
        EducationLevel::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Education;

    #[test]
    fn breakdown_shares_sum_to_one_and_empty_is_zero() {
        let mut acc = Accumulator::new("x", "X", [("a".to_string(), "A".to_string())]);
        let mut p = Person::example();
        p.employed = false;
        acc.add(
            &p,
            Some(0),
            PersonScores {
                comparable: 0.3,
                find: 0.5,
                keep: 0.5,
                hours: None,
            },
        );
        p.education = Education::Primary;
        p.age = 19;
        acc.add(
            &p,
            None,
            PersonScores {
                comparable: 0.1,
                find: 0.5,
                keep: 0.5,
                hours: None,
            },
        );
        let e = acc.finish();
        assert_eq!(e.total.persons, 2);
        assert_eq!(e.subgroups[0].counts.persons, 1);
        for m in Measure::ALL {
            let sum: f64 = (0..e.by_age.cells.len())
                .map(|k| e.by_age.share(k, m))
                .sum();
            if m == Measure::HadWork {
                assert_eq!(sum, 0.0);
            } else {
                assert!((sum - 1.0).abs() < 1e-12, "{m:?}");
            }
        }
        assert!((e.by_education.share(0, Measure::Comparable) - 0.25).abs() < 1e-12);
        assert_eq!(ExpectedCounts::default().mean_probability(), 0.0);
    }
}
