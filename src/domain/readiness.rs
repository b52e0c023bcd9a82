//! Acceptance readiness (结题验收 readiness) and a project's overall status and completion.
//!
//! Readiness scores a project the way acceptance panels commonly do: each indicator's completion
//! (its [`Evaluation::progress`](crate::domain::status::Evaluation::progress), capped at 100% so that
//! over-achieving one indicator cannot make up for another) is averaged within its class (technical,
//! economic, social) by the indicators' weights; the classes are combined by the class weights of the
//! configuration (equal by default), rescaled over the classes the project actually has, so that a
//! project without economic indicators is not marked down for it. The score falls into a band: by
//! default ≥ 90% pass, 80–90% re-review (复审), < 80% fail. Weights and bands are configuration.

use serde::{Deserialize, Serialize};

use crate::domain::status::{Evaluation, Status};
use crate::domain::target::{IndicatorClass, Target};

/// Slack on band thresholds, so that a score computed as 0.8999999999999999 for an exact 90% passes.
const BAND_SLACK: f64 = 1e-9;

/// The weight of each indicator class in the readiness score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassWeights {
    /// 技术指标.
    pub technical: f64,
    /// 经济指标.
    pub economic: f64,
    /// 社会指标.
    pub social: f64,
}

impl Default for ClassWeights {
    /// Equal weights.
    fn default() -> Self {
        ClassWeights { technical: 1.0, economic: 1.0, social: 1.0 }
    }
}

impl ClassWeights {
    /// The weight of a class.
    pub fn of(&self, class: IndicatorClass) -> f64 {
        match class {
            IndicatorClass::Technical => self.technical,
            IndicatorClass::Economic => self.economic,
            IndicatorClass::Social => self.social,
        }
    }
}

/// The lower bounds of the readiness bands, as fractions (0.9 = 90%).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bands {
    /// A score at or above this passes.
    pub pass: f64,
    /// A score at or above this (and below `pass`) goes to re-review; below it fails.
    pub re_review: f64,
}

impl Default for Bands {
    /// ≥ 0.90 pass, 0.80–0.90 re-review, < 0.80 fail.
    fn default() -> Self {
        Bands { pass: 0.90, re_review: 0.80 }
    }
}

/// How readiness is computed; from the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ReadinessConfig {
    /// Class weights.
    pub class_weights: ClassWeights,
    /// Band thresholds.
    pub bands: Bands,
}

/// Why a readiness configuration is unusable; each is a catalogue key, checked when the configuration
/// is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadinessConfigProblem {
    /// A class weight that is negative or not finite, or all of them zero.
    ClassWeightsInvalid,
    /// A band threshold outside 0..=1, not finite, or re-review above pass.
    BandsInvalid,
}

impl ReadinessConfigProblem {
    /// The catalogue key of the message.
    pub fn message_key(self) -> &'static str {
        match self {
            ReadinessConfigProblem::ClassWeightsInvalid => "readiness.class_weights_invalid",
            ReadinessConfigProblem::BandsInvalid => "readiness.bands_invalid",
        }
    }
}

impl ReadinessConfig {
    /// Checks the configuration. [`readiness`] never panics on a bad one, but its result would mean
    /// little: bad class weights count as 0, and a NaN threshold is never reached.
    pub fn check(&self) -> Result<(), ReadinessConfigProblem> {
        let w = self.class_weights;
        let weights = [w.technical, w.economic, w.social];
        if weights.iter().any(|x| !x.is_finite() || *x < 0.0) || weights.iter().all(|x| *x == 0.0) {
            return Err(ReadinessConfigProblem::ClassWeightsInvalid);
        }
        let Bands { pass, re_review } = self.bands;
        let in_range = |x: f64| (0.0..=1.0).contains(&x);
        if !in_range(pass) || !in_range(re_review) || re_review > pass {
            return Err(ReadinessConfigProblem::BandsInvalid);
        }
        Ok(())
    }
}

/// A readiness band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Ready to pass acceptance.
    Pass,
    /// Borderline: re-review (复审) or rectification.
    ReReview,
    /// Would fail acceptance.
    Fail,
}

impl Band {
    /// The catalogue key naming it.
    pub fn label_key(self) -> &'static str {
        match self {
            Band::Pass => "band.pass",
            Band::ReReview => "band.re_review",
            Band::Fail => "band.fail",
        }
    }
}

/// A project's acceptance readiness.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    /// The weighted completion, 0 to 1.
    pub score: f64,
    /// Its band.
    pub band: Band,
}

/// One indicator's part in readiness.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReadinessItem {
    /// Its class.
    pub class: IndicatorClass,
    /// Its weight within the class.
    pub weight: f64,
    /// Its progress, 0 to 1 (larger values are capped at 1).
    pub progress: f64,
}

impl ReadinessItem {
    /// The item of an evaluated indicator.
    pub fn new(target: &Target, evaluation: &Evaluation) -> ReadinessItem {
        ReadinessItem { class: target.class, weight: target.weight, progress: evaluation.progress }
    }
}

/// A usable weight: finite and positive, else 0.
fn usable_weight(w: f64) -> f64 {
    if w.is_finite() && w > 0.0 { w } else { 0.0 }
}

/// A completion capped to 0..=1; NaN counts as nothing done.
fn capped(progress: f64) -> f64 {
    if progress.is_nan() { 0.0 } else { progress.clamp(0.0, 1.0) }
}

/// The weighted mean of `(weight, value)`; equal weights when none is usable (a class whose indicators
/// all lack a weight still counts), `None` when empty.
fn weighted_mean(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let total: f64 = pairs.iter().map(|p| usable_weight(p.0)).sum();
    if total > 0.0 && total.is_finite() {
        Some(pairs.iter().map(|p| usable_weight(p.0) * p.1).sum::<f64>() / total)
    } else {
        Some(pairs.iter().map(|p| p.1).sum::<f64>() / pairs.len() as f64)
    }
}

/// Scores a project's readiness for acceptance (see the module docs). A project without indicators
/// scores 0 and fails: there is nothing to accept.
pub fn readiness(items: &[ReadinessItem], config: &ReadinessConfig) -> Readiness {
    let classes = [IndicatorClass::Technical, IndicatorClass::Economic, IndicatorClass::Social];
    let class_scores: Vec<(f64, f64)> = classes
        .iter()
        .filter_map(|&class| {
            let pairs: Vec<(f64, f64)> =
                items.iter().filter(|i| i.class == class).map(|i| (i.weight, capped(i.progress))).collect();
            weighted_mean(&pairs).map(|score| (config.class_weights.of(class), score))
        })
        .collect();
    // Rescaling over the classes present is the weighted mean over them.
    let score = capped(weighted_mean(&class_scores).unwrap_or(0.0));
    let Bands { pass, re_review } = config.bands;
    let band = if score >= pass - BAND_SLACK {
        Band::Pass
    } else if score >= re_review - BAND_SLACK {
        Band::ReReview
    } else {
        Band::Fail
    };
    Readiness { score, band }
}

/// A project's status: its worst indicator's (by [`Status::severity`]: missed, overdue, at risk, not
/// started, on track, achieved); `None` for a project without indicators.
pub fn project_status(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
    statuses.into_iter().max_by_key(|s| s.severity())
}

/// A project's completion: the mean of its indicators' progress, each capped at 100%; 0 without
/// indicators.
pub fn completion(progress: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, count) = progress.into_iter().fold((0.0, 0usize), |(sum, count), p| (sum + capped(p), count + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::tests::any_number;
    use IndicatorClass::{Economic, Social, Technical};
    use proptest::prelude::*;

    fn item(class: IndicatorClass, weight: f64, progress: f64) -> ReadinessItem {
        ReadinessItem { class, weight, progress }
    }

    #[test]
    fn scores_and_bands() {
        let default = ReadinessConfig::default();
        let technical_heavy =
            ReadinessConfig { class_weights: ClassWeights { technical: 0.6, economic: 0.2, social: 0.2 }, ..default };
        let strict = ReadinessConfig { bands: Bands { pass: 0.95, re_review: 0.85 }, ..default };
        let table: Vec<(&str, Vec<ReadinessItem>, ReadinessConfig, f64, Band)> = vec![
            (
                "all complete",
                vec![item(Technical, 1.0, 1.0), item(Economic, 1.0, 1.0), item(Social, 1.0, 1.0)],
                default,
                1.0,
                Band::Pass,
            ),
            ("exactly 90% passes", vec![item(Technical, 1.0, 0.9)], default, 0.9, Band::Pass),
            (
                "90% from a sum of thirds",
                vec![item(Technical, 1.0, 0.7), item(Economic, 1.0, 1.0), item(Social, 1.0, 1.0)],
                default,
                0.9,
                Band::Pass,
            ),
            ("just below 90%", vec![item(Technical, 1.0, 0.8999)], default, 0.8999, Band::ReReview),
            ("exactly 80% re-reviews", vec![item(Technical, 1.0, 0.8)], default, 0.8, Band::ReReview),
            ("just below 80%", vec![item(Technical, 1.0, 0.7999)], default, 0.7999, Band::Fail),
            (
                "weights within a class",
                vec![item(Technical, 3.0, 1.0), item(Technical, 1.0, 0.6)],
                default,
                0.9,
                Band::Pass,
            ),
            (
                "equal classes",
                vec![item(Technical, 1.0, 1.0), item(Economic, 1.0, 0.4), item(Social, 1.0, 0.7)],
                default,
                0.7,
                Band::Fail,
            ),
            (
                "class weights",
                vec![item(Technical, 1.0, 1.0), item(Economic, 1.0, 0.4), item(Social, 1.0, 0.7)],
                technical_heavy,
                0.82,
                Band::ReReview,
            ),
            (
                "a missing class is rescaled away",
                vec![item(Technical, 1.0, 1.0), item(Social, 1.0, 0.7)],
                default,
                0.85,
                Band::ReReview,
            ),
            (
                "rescaled with class weights",
                vec![item(Technical, 1.0, 1.0), item(Social, 1.0, 0.7)],
                technical_heavy,
                0.925,
                Band::Pass,
            ),
            (
                "over-achievement is capped",
                vec![item(Technical, 1.0, 1.5), item(Technical, 1.0, 0.5)],
                default,
                0.75,
                Band::Fail,
            ),
            (
                "NaN progress counts as nothing",
                vec![item(Technical, 1.0, f64::NAN), item(Technical, 1.0, 1.0)],
                default,
                0.5,
                Band::Fail,
            ),
            (
                "unusable weights count as 0",
                vec![item(Technical, -1.0, 0.0), item(Technical, f64::NAN, 0.0), item(Technical, 2.0, 1.0)],
                default,
                1.0,
                Band::Pass,
            ),
            (
                "a class without weights counts equally",
                vec![item(Economic, 0.0, 1.0), item(Economic, 0.0, 0.8)],
                default,
                0.9,
                Band::Pass,
            ),
            ("configured bands", vec![item(Technical, 1.0, 0.9)], strict, 0.9, Band::ReReview),
            ("no indicators", vec![], default, 0.0, Band::Fail),
        ];
        for (name, items, config, score, band) in table {
            let r = readiness(&items, &config);
            assert!((r.score - score).abs() < 1e-9, "{name}: {} ≠ {score}", r.score);
            assert_eq!(r.band, band, "{name}");
        }
    }

    #[test]
    fn class_weights_of_absent_or_zero_classes() {
        // The only class present has weight 0: the present classes count equally rather than dividing by 0.
        let config = ReadinessConfig {
            class_weights: ClassWeights { technical: 1.0, economic: 1.0, social: 0.0 },
            ..ReadinessConfig::default()
        };
        let r = readiness(&[item(Social, 1.0, 0.85)], &config);
        assert!((r.score - 0.85).abs() < 1e-12);
        // A zero class weight leaves that class out when others are present.
        let r = readiness(&[item(Technical, 1.0, 1.0), item(Social, 1.0, 0.0)], &config);
        assert!((r.score - 1.0).abs() < 1e-12);
    }

    #[test]
    fn config_checks() {
        let ok = ReadinessConfig::default();
        let weights = |technical, economic, social| ReadinessConfig {
            class_weights: ClassWeights { technical, economic, social },
            ..ok
        };
        let bands = |pass, re_review| ReadinessConfig { bands: Bands { pass, re_review }, ..ok };
        let table: Vec<(ReadinessConfig, Result<(), ReadinessConfigProblem>)> = vec![
            (ok, Ok(())),
            (weights(0.6, 0.2, 0.2), Ok(())),
            (weights(1.0, 0.0, 0.0), Ok(())),
            (weights(0.0, 0.0, 0.0), Err(ReadinessConfigProblem::ClassWeightsInvalid)),
            (weights(-1.0, 1.0, 1.0), Err(ReadinessConfigProblem::ClassWeightsInvalid)),
            (weights(f64::NAN, 1.0, 1.0), Err(ReadinessConfigProblem::ClassWeightsInvalid)),
            (weights(f64::INFINITY, 1.0, 1.0), Err(ReadinessConfigProblem::ClassWeightsInvalid)),
            (bands(0.8, 0.9), Err(ReadinessConfigProblem::BandsInvalid)),
            (bands(1.1, 0.9), Err(ReadinessConfigProblem::BandsInvalid)),
            (bands(0.9, -0.1), Err(ReadinessConfigProblem::BandsInvalid)),
            (bands(f64::NAN, 0.8), Err(ReadinessConfigProblem::BandsInvalid)),
            (bands(0.9, 0.9), Ok(())),
        ];
        for (config, expected) in table {
            assert_eq!(config.check(), expected, "{config:?}");
        }
        assert_eq!(ReadinessConfigProblem::BandsInvalid.message_key(), "readiness.bands_invalid");
    }

    #[test]
    fn project_status_is_the_worst() {
        use Status::*;
        let table: &[(&[Status], Option<Status>)] = &[
            (&[], None),
            (&[Achieved], Some(Achieved)),
            (&[Achieved, OnTrack], Some(OnTrack)),
            (&[OnTrack, NotStarted, Achieved], Some(NotStarted)),
            (&[NotStarted, AtRisk], Some(AtRisk)),
            (&[AtRisk, Overdue, OnTrack], Some(Overdue)),
            (&[Overdue, Missed, Achieved], Some(Missed)),
        ];
        for (statuses, expected) in table {
            assert_eq!(project_status(statuses.iter().copied()), *expected, "{statuses:?}");
        }
    }

    #[test]
    fn completion_is_the_capped_mean() {
        let table: &[(&[f64], f64)] = &[
            (&[], 0.0),
            (&[1.0], 1.0),
            (&[1.0, 0.5], 0.75),
            (&[2.0, 0.0], 0.5),
            (&[f64::NAN, 1.0], 0.5),
            (&[-1.0, 1.0], 0.5),
            (&[f64::INFINITY, 0.0, 0.5], 0.5),
        ];
        for (progress, expected) in table {
            assert!((completion(progress.iter().copied()) - expected).abs() < 1e-12, "{progress:?}");
        }
    }

    proptest! {
        #[test]
        fn readiness_is_always_a_score(
            items in proptest::collection::vec(
                (prop_oneof![Just(Technical), Just(Economic), Just(Social)], any_number(), any_number())
                    .prop_map(|(class, weight, progress)| item(class, weight, progress)),
                0..8,
            ),
            class_weights in (any_number(), any_number(), any_number()),
            bands in (any_number(), any_number()),
        ) {
            let (technical, economic, social) = class_weights;
            let config = ReadinessConfig {
                class_weights: ClassWeights { technical, economic, social },
                bands: Bands { pass: bands.0, re_review: bands.1 },
            };
            let r = readiness(&items, &config);
            prop_assert!((0.0..=1.0).contains(&r.score));
            let c = completion(items.iter().map(|i| i.progress));
            prop_assert!((0.0..=1.0).contains(&c));
        }
    }
}
