//! An indicator as the API shows it, with its plans and history, and the changes to one it accepts.

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize};

use crate::app::indicator_input;
use crate::app::indicators::{self, PlanVersion};
use crate::domain::plan::Checkpoint;
use crate::domain::proof::ProofKind;
use crate::domain::target::Target;

/// One recorded change of an indicator's target.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Revision {
    /// 1, 2, … per indicator.
    pub revision: i32,
    /// When (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub changed_at: NaiveDateTime,
    /// Who, by display name.
    pub changed_by: Option<String>,
    /// The spec before; `None` for the revision that added the indicator.
    #[schema(value_type = Option<Object>)]
    pub before: Option<Target>,
    /// The spec after.
    #[schema(value_type = Object)]
    pub after: Target,
    /// Why; required once the baseline is frozen.
    pub reason: Option<String>,
}

impl From<indicators::Revision> for Revision {
    fn from(r: indicators::Revision) -> Self {
        Self {
            revision: r.revision,
            changed_at: r.changed_at,
            changed_by: r.changed_by,
            before: r.before,
            after: r.after,
            reason: r.reason,
        }
    }
}

/// An indicator with its plans and history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorDetail {
    /// Indicator id.
    pub id: i64,
    /// Its project's code.
    pub project_code: String,
    /// What is measured.
    pub metric: String,
    /// Test condition.
    pub condition: Option<String>,
    /// The current target: op, value/min/max, unit, change, baseline, aggregation, weight, class.
    #[schema(value_type = Object)]
    pub target: Target,
    /// The target as frozen with the project's baseline; acceptance compares against it.
    #[schema(value_type = Option<Object>)]
    pub frozen: Option<Target>,
    /// Added after the baseline was frozen.
    pub added_after_baseline: bool,
    /// The current plan.
    #[schema(value_type = Vec<Object>)]
    pub checkpoints: Vec<Checkpoint>,
    /// Every plan version, newest first (the current one included).
    #[schema(value_type = Vec<Object>)]
    pub plan_history: Vec<PlanVersion>,
    /// Every change of the target, oldest first.
    pub revisions: Vec<Revision>,
    /// The kinds of proof (佐证材料) a report should carry.
    #[schema(value_type = Vec<String>)]
    pub proof: Vec<ProofKind>,
    /// Whether staff chose the kinds of proof (otherwise they are the defaults for the unit and class).
    pub proof_customised: bool,
}

impl From<indicators::IndicatorDetail> for IndicatorDetail {
    fn from(d: indicators::IndicatorDetail) -> Self {
        Self {
            id: d.id,
            project_code: d.project_code,
            metric: d.metric,
            condition: d.condition,
            target: d.target,
            frozen: d.frozen,
            added_after_baseline: d.added_after_baseline,
            checkpoints: d.checkpoints,
            plan_history: d.plan_history,
            revisions: d.revisions.into_iter().map(Revision::from).collect(),
            proof: d.proof,
            proof_customised: d.proof_customised,
        }
    }
}

/// Distinguishes a field sent as `null` (`Some(None)`: clear it) from one left out (`None`: keep it).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to an indicator; every field is optional. Leaving a field out keeps it; `null` clears it.
/// Changing `op` clears the numbers the new comparison does not take unless they are sent too.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetChanges {
    /// A task-book phrase such as "培养技术人员不少于40人次", read by the indicator parser; only when
    /// adding. Explicit fields override what it yields.
    pub phrase: Option<String>,
    /// What is measured.
    pub metric: Option<String>,
    /// The test condition.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub condition: Option<Option<String>>,
    /// `>=`, `>`, `<=`, `<`, `=`, `between` or `deliverable`.
    pub op: Option<String>,
    /// The target number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub value: Option<Option<f64>>,
    /// Lower end of a `between` range.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub min: Option<Option<f64>>,
    /// Upper end of a `between` range.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub max: Option<Option<f64>>,
    /// Unit; `%` for a relative change.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub unit: Option<Option<String>>,
    /// `increase` or `decrease` for a relative target.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub change: Option<Option<String>>,
    /// The value a relative change is measured from.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub baseline: Option<Option<f64>>,
    /// The unit of the measured quantity a relative change is computed from (吨, 元, 小时 …): the
    /// baseline's, and the one the PI reports evidence in.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub baseline_unit: Option<Option<String>>,
    /// When the baseline was measured (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub baseline_on: Option<Option<String>>,
    /// Where the baseline comes from (统计年报, 检测报告 …).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub baseline_source: Option<Option<String>>,
    /// `sum` or `latest`.
    pub aggregation: Option<String>,
    /// Weight within the class, above 0.
    pub weight: Option<f64>,
    /// `technical`, `economic` or `social`.
    pub class: Option<String>,
    /// Why: required for a change once the project's baseline is frozen; kept with the revision.
    pub reason: Option<String>,
}

impl From<TargetChanges> for indicator_input::TargetChanges {
    fn from(c: TargetChanges) -> Self {
        Self {
            phrase: c.phrase,
            metric: c.metric,
            condition: c.condition,
            op: c.op,
            value: c.value,
            min: c.min,
            max: c.max,
            unit: c.unit,
            change: c.change,
            baseline: c.baseline,
            baseline_unit: c.baseline_unit,
            baseline_on: c.baseline_on,
            baseline_source: c.baseline_source,
            aggregation: c.aggregation,
            weight: c.weight,
            class: c.class,
            reason: c.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_its_reason_and_refuses_unknown_fields() {
        let change: TargetChanges = serde_json::from_str(r#"{"value": 3, "reason": "任务书变更"}"#).unwrap();
        assert_eq!((change.value, change.reason.as_deref()), (Some(Some(3.0)), Some("任务书变更")));
        let cleared: TargetChanges = serde_json::from_str(r#"{"baseline": null}"#).unwrap();
        assert_eq!((cleared.baseline, cleared.value), (Some(None), None));
        assert!(serde_json::from_str::<TargetChanges>(r#"{"valu": 3}"#).is_err(), "a misspelt field is no change");
    }
}
