//! The report's three trees (tables B3.1, B3.2, B3.3) as the synthetic population's
//! mechanisms: register membership, job finding and job keeping are drawn with the
//! probability of the leaf a person's features fall in. Owns only the trees; the readings
//! of ambiguous labels follow `shared/reference/panteia-2023/tree_notes.md` and are listed
//! in `data-dictionary/synthetic.md`.
//!
//! Units as in the schema: 1 week = 7 days, 1 month = 365/12 days (a label of X months is
//! `floor(X * 365 / 12)` days), 1 year = 365 days. "Less than 2 weeks" is `<= 13` days.

use crate::model::{ClassificationTree, FeatureKind, NodeSpec, SplitRule, TreeFeature};
use crate::schema::{DaysColumn, Education, EducationLevel, Person, Sex, WINDOW_DAYS};

/// "Almost 3 years" of bijstand in B3.2: more than 1,000 days but not the whole window
/// (tree_notes.md, readings to use).
const ALMOST_THREE_YEARS: u16 = 1000;

/// Report table B3.1 (binary reading, `tree_b3_1_binary_interpretation.json`) as a fixed
/// tree over the comparability features: 21 leaves, probabilities before the correction
/// factor (report lines 15033-15111).
///
/// ```
/// let tree = banenafspraak::synth::report_trees::b3_1_tree();
/// assert_eq!(tree.n_leaves(), 21);
/// ```
pub fn b3_1_tree() -> ClassificationTree {
    use NodeSpec as N;
    use SplitRule::{AtMost, Equals};
    let days = |name: &str| TreeFeature {
        name: name.into(),
        kind: FeatureKind::Numeric { max: WINDOW_DAYS },
    };
    let category = |name: &str, levels: &[&str]| TreeFeature {
        name: name.into(),
        kind: FeatureKind::Categorical {
            levels: levels.iter().map(|s| s.to_string()).collect(),
        },
    };
    let edu = |e: Education| Equals(u16::from(e.index()));
    let features = vec![
        days("days_bijstand"),
        days("days_employee"),
        days("days_no_income"),
        days("days_in_school"),
        days("days_any_benefit"),
        days("days_nug"),
        category("education", Education::CODES),
        category("sex", Sex::CODES),
        category("generation", &["0", "1", "2"]),
        TreeFeature {
            name: "disability_pct".into(),
            kind: FeatureKind::Numeric { max: 100 },
        },
    ];
    let nodes = vec![
        /* 0 */ N::split("days_bijstand", AtMost(13), 1, 24),
        /* 1 */ N::split("education", edu(Education::Mbo1), 16, 2),
        /* 2 */ N::split("education", edu(Education::Primary), 9, 3),
        /* 3 */ N::split("disability_pct", AtMost(90), 4, 6),
        /* 4 */ N::split("education", edu(Education::Mbo2), 5, 8),
        /* 5 */ N::leaf(0.011),
        /* 6 */ N::split("education", edu(Education::None), 7, 15),
        /* 7 */ N::leaf(0.006),
        /* 8 */ N::leaf(0.002),
        /* 9 */ N::split("days_employee", AtMost(30), 10, 13),
        /* 10 */ N::split("days_no_income", AtMost(912), 11, 12),
        /* 11 */ N::leaf(0.025),
        /* 12 */ N::leaf(0.002),
        /* 13 */ N::split("days_employee", AtMost(547), 14, 23),
        /* 14 */ N::leaf(0.201),
        /* 15 */ N::leaf(0.020),
        /* 16 */ N::split("days_in_school", AtMost(91), 17, 22),
        /* 17 */ N::split("days_any_benefit", AtMost(14), 18, 21),
        /* 18 */ N::split("sex", Equals(u16::from(Sex::Female.index())), 19, 20),
        /* 19 */ N::leaf(0.011),
        /* 20 */ N::leaf(0.019),
        /* 21 */ N::leaf(0.047),
        /* 22 */ N::leaf(0.198),
        /* 23 */ N::leaf(0.039),
        /* 24 */ N::split("days_no_income", AtMost(30), 25, 40),
        /* 25 */ N::split("generation", Equals(1), 33, 26),
        /* 26 */ N::split("days_any_benefit", AtMost(1094), 27, 30),
        /* 27 */ N::split("days_bijstand", AtMost(152), 28, 29),
        /* 28 */ N::leaf(0.080),
        /* 29 */ N::leaf(0.138),
        /* 30 */ N::split("education", edu(Education::Primary), 31, 32),
        /* 31 */ N::leaf(0.040),
        /* 32 */ N::leaf(0.078),
        /* 33 */ N::split("days_employee", AtMost(60), 34, 37),
        /* 34 */ N::split("education", edu(Education::Primary), 35, 36),
        /* 35 */ N::leaf(0.019),
        /* 36 */ N::leaf(0.043),
        /* 37 */ N::split("days_nug", AtMost(30), 38, 39),
        /* 38 */ N::leaf(0.095),
        /* 39 */ N::leaf(0.051),
        /* 40 */ N::leaf(0.302),
    ];
    // The node list above is a valid tree by construction; a test builds it.
    ClassificationTree::from_nodes(features, nodes).expect("table B3.1 is a valid tree")
}

/// Table B3.1: the probability (before the correction factor) that a person with these
/// features is in the register's trained sub-groups. Same tree as [`b3_1_tree`], written
/// as conditions so that the generator can evaluate it per person without encoding.
pub fn b3_1(p: &Person<'_>) -> f64 {
    use DaysColumn::*;
    let d = |c: DaysColumn| p.days[c];
    if d(Bijstand) <= 13 {
        if p.education == Education::Mbo1 {
            if d(InSchool) > 91 {
                0.198
            } else if d(AnyBenefit) > 14 {
                0.047
            } else if p.sex == Sex::Female {
                0.011
            } else {
                0.019
            }
        } else if p.education == Education::Primary {
            if d(Employee) <= 30 {
                if d(NoIncome) <= 912 {
                    0.025
                } else {
                    0.002
                }
            } else if d(Employee) <= 547 {
                0.201
            } else {
                0.039
            }
        } else if p.disability_pct <= 90 {
            if p.education == Education::Mbo2 {
                0.011
            } else {
                0.002
            }
        } else if p.education == Education::None {
            0.006
        } else {
            0.020
        }
    } else if d(NoIncome) > 30 {
        0.302
    } else if p.generation != 1 {
        if d(AnyBenefit) <= 1094 {
            if d(Bijstand) <= 152 {
                0.080
            } else {
                0.138
            }
        } else if p.education == Education::Primary {
            0.040
        } else {
            0.078
        }
    } else if d(Employee) <= 60 {
        if p.education == Education::Primary {
            0.019
        } else {
            0.043
        }
    } else if d(Nug) <= 30 {
        0.095
    } else {
        0.051
    }
}

/// Table B3.2 (report lines 15338-15416): the probability that a register entrant with
/// these features is an employee within a year. "Currently work-disabled" is
/// `disability_pct >= 35`; "at least one parent abroad" is `generation >= 1`; "at most
/// vmbo" is education level 1 or 2.
pub fn b3_2(p: &Person<'_>) -> f64 {
    use DaysColumn::*;
    let d = |c: DaysColumn| p.days[c];
    let abroad = p.generation >= 1;
    if p.disability_pct < 35 {
        if d(Bijstand) < WINDOW_DAYS {
            let almost_three = d(Bijstand) > ALMOST_THREE_YEARS;
            if p.sex == Sex::Female {
                match (almost_three, abroad) {
                    (false, _) if p.age <= 16 => 0.105,
                    (false, _) => 0.268,
                    (true, false) => 0.45,
                    (true, true) => 0.53,
                }
            } else if d(InSchool) <= 1064 {
                if almost_three {
                    0.601
                } else {
                    0.304
                }
            } else if p.age <= 16 {
                0.236
            } else {
                0.483
            }
        } else if !abroad {
            if p.age < 40 {
                0.174
            } else if matches!(
                p.education.level(),
                EducationLevel::Level1 | EducationLevel::Level2
            ) {
                0.081
            } else {
                0.172
            }
        } else if p.sex == Sex::Female {
            0.0
        } else {
            0.104
        }
    } else if p.age <= 40 && d(OtherSocialBenefit) < WINDOW_DAYS && d(AnyBenefit) > 912 {
        0.18
    } else {
        // Every other leaf of the work-disabled branch is 0.0 (lines 15394-15416).
        0.0
    }
}

/// Table B3.3 (report lines 15470-15584): the probability that a register member who
/// started a job keeps it a year. Where printed siblings both include a value, the first
/// takes `<= value`. Leaf 15498 ("at most 6 months employee" under "at least 6 months")
/// is read with an inner cut-off of one year, leaf 15506 with 1,000 days of benefit
/// (see `data-dictionary/synthetic.md`).
pub fn b3_3(p: &Person<'_>) -> f64 {
    use DaysColumn::*;
    let d = |c: DaysColumn| p.days[c];
    let (nug, benefit, employee) = (d(Nug), d(AnyBenefit), d(Employee));
    let (school, student) = (d(InSchool), d(StudentWithIncome));
    if nug <= 14 {
        if benefit <= 912 {
            if employee <= 182 {
                match (school <= 912, student <= 60, school < WINDOW_DAYS) {
                    (true, true, _) => 0.784,
                    (true, false, _) => 0.633,
                    (false, _, true) => 0.328,
                    (false, _, false) => 0.112,
                }
            } else if benefit <= 730 {
                if d(SicknessDisability) < 14 {
                    0.519
                } else {
                    0.281
                }
            } else if employee <= 365 {
                0.317
            } else {
                0.105
            }
        } else if employee <= 14 {
            if benefit < 1000 {
                0.232
            } else if p.generation == 0 {
                0.082
            } else {
                0.0
            }
        } else if employee <= 30 {
            0.775
        } else if employee <= 60 {
            0.357
        } else {
            0.243
        }
    } else if student <= 14 {
        if employee <= 121 {
            if d(Bijstand) <= 730 {
                if nug <= 182 {
                    0.625
                } else {
                    0.47
                }
            } else if benefit <= 912 {
                0.264
            } else {
                0.127
            }
        } else if benefit <= 547 {
            if nug <= 182 {
                0.466
            } else {
                0.334
            }
        } else if employee <= 152 {
            0.426
        } else {
            0.201
        }
    } else if school <= 730 {
        match (nug <= 91, benefit) {
            (true, 0..=152) => 0.526,
            (true, _) => 0.334,
            (false, 0..=30) => 0.357,
            (false, _) => 0.21,
        }
    } else if benefit <= 30 {
        if nug <= 30 {
            0.368
        } else {
            0.176
        }
    } else if employee <= 30 {
        0.0
    } else {
        0.103
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeatureSet;
    use crate::schema::{Migration, Population};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Random persons over the values the trees split on.
    fn persons(n: usize) -> Population {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut pop = Population::new();
        let cuts = [
            0, 13, 14, 30, 31, 60, 61, 91, 92, 152, 153, 547, 548, 912, 913,
        ];
        for _ in 0..n {
            let mut p = Person::example();
            for c in DaysColumn::ALL {
                let v = if rng.gen_bool(0.5) {
                    cuts[rng.gen_range(0..cuts.len())]
                } else {
                    rng.gen_range(0..=WINDOW_DAYS)
                };
                p.days.set(c, v);
            }
            p.education = Education::ALL[rng.gen_range(0..Education::ALL.len())];
            p.sex = Sex::ALL[rng.gen_range(0..2)];
            p.generation = rng.gen_range(0..=2);
            p.migration = if p.generation == 0 {
                Migration::None
            } else {
                Migration::NonWestern
            };
            p.disability_pct = *[0, 90, 91, 100]
                .get(rng.gen_range(0..4))
                .expect("index in range");
            pop.push(&p);
        }
        pop
    }

    #[test]
    fn the_conditions_and_the_tree_give_the_same_probabilities() {
        let tree = b3_1_tree();
        assert_eq!(tree.n_leaves(), 21);
        let pop = persons(20_000);
        let x = FeatureSet::comparability().encode_all(&pop).unwrap();
        let by_tree = tree.try_predict_proba(&x).unwrap();
        let mut leaves = std::collections::BTreeSet::new();
        for (i, want) in by_tree.iter().enumerate() {
            let got = b3_1(&pop.person(i));
            assert_eq!(got, *want, "person {i}: {:?}", pop.person(i));
            leaves.insert((got * 1000.0) as u32);
        }
        assert!(leaves.len() >= 15, "{} leaves reached", leaves.len());
    }

    #[test]
    fn job_trees_follow_the_printed_leaves() {
        let mut p = Person::example();
        p.days = Default::default();
        p.age = 30;
        p.sex = Sex::Male;
        assert_eq!(b3_2(&p), 0.304);
        p.days.set(DaysColumn::Bijstand, 1050);
        p.days.set(DaysColumn::AnyBenefit, 1050);
        assert_eq!(b3_2(&p), 0.601);
        p.disability_pct = 50;
        assert_eq!(b3_2(&p), 0.18);
        p.age = 41;
        assert_eq!(b3_2(&p), 0.0);
        // B3.3: little work, mostly benefit, a parent abroad: "nihil" (lines 15585-15591).
        p.generation = 2;
        p.migration = Migration::Western;
        p.days.set(DaysColumn::AnyBenefit, 1095);
        assert_eq!(b3_3(&p), 0.0);
        p.days.set(DaysColumn::Employee, 20);
        assert_eq!(b3_3(&p), 0.775);
        p.days.set(DaysColumn::Nug, 100);
        p.days.set(DaysColumn::AnyBenefit, 100);
        p.days.set(DaysColumn::Bijstand, 100);
        assert_eq!(b3_3(&p), 0.625);
    }
}
