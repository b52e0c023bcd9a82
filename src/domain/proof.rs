//! Kinds of proof (佐证材料) an indicator asks for, and the defaults staff start from.
//!
//! An indicator stores its list as comma-separated names; an empty list means "the defaults for its
//! metric, unit and class", so that a better default reaches every indicator nobody customised.

use serde::{Deserialize, Serialize};

use super::guide::model::Op;
use super::target::{IndicatorClass, Target, UnitKind};

/// One kind of proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// 第三方检测报告: a test report from an accredited third party.
    TestReport,
    /// 合同/协议: contracts, e.g. for planting or technology transfer.
    Contract,
    /// 现场照片: photographs of the site or the event.
    Photos,
    /// 签到表: attendance sheets of trainings and meetings.
    SignInSheet,
    /// 专利申请号/授权证书: a patent application number or grant certificate.
    Patent,
    /// 论文/出版物: a copy of the publication.
    Publication,
    /// 证书/登记证明: software copyright, plant variety or standard registration.
    Certificate,
    /// 应用证明: a statement from the user of the technology.
    ApplicationProof,
    /// 财务凭证: invoices, accounts, sales records.
    Financial,
    /// 验收/交付证明: a record that a deliverable was handed over or accepted.
    Delivery,
}

impl ProofKind {
    /// Every kind, in the order the checklist shows them.
    pub const ALL: [ProofKind; 10] = [
        ProofKind::TestReport,
        ProofKind::Contract,
        ProofKind::Photos,
        ProofKind::SignInSheet,
        ProofKind::Patent,
        ProofKind::Publication,
        ProofKind::Certificate,
        ProofKind::ApplicationProof,
        ProofKind::Financial,
        ProofKind::Delivery,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProofKind::TestReport => "test_report",
            ProofKind::Contract => "contract",
            ProofKind::Photos => "photos",
            ProofKind::SignInSheet => "sign_in_sheet",
            ProofKind::Patent => "patent",
            ProofKind::Publication => "publication",
            ProofKind::Certificate => "certificate",
            ProofKind::ApplicationProof => "application_proof",
            ProofKind::Financial => "financial",
            ProofKind::Delivery => "delivery",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<ProofKind> {
        ProofKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The catalogue key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            ProofKind::TestReport => "proof.test_report",
            ProofKind::Contract => "proof.contract",
            ProofKind::Photos => "proof.photos",
            ProofKind::SignInSheet => "proof.sign_in_sheet",
            ProofKind::Patent => "proof.patent",
            ProofKind::Publication => "proof.publication",
            ProofKind::Certificate => "proof.certificate",
            ProofKind::ApplicationProof => "proof.application_proof",
            ProofKind::Financial => "proof.financial",
            ProofKind::Delivery => "proof.delivery",
        }
    }
}

/// A stored list that names an unknown kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProof(pub String);

impl std::fmt::Display for UnknownProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown kind of proof '{}'", self.0)
    }
}

impl std::error::Error for UnknownProof {}

/// Parses a comma-separated list (empty items ignored, duplicates dropped, order kept).
pub fn parse_list(stored: &str) -> Result<Vec<ProofKind>, UnknownProof> {
    let mut kinds = Vec::new();
    for name in stored.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let kind = ProofKind::parse(name).ok_or_else(|| UnknownProof(name.to_owned()))?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// Writes a list as stored.
pub fn format_list(kinds: &[ProofKind]) -> String {
    kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

/// The kinds of proof an indicator asks for: its own list, or the defaults when it has none.
pub fn required(stored: &str, metric: &str, target: &Target) -> Vec<ProofKind> {
    match parse_list(stored) {
        Ok(kinds) if !kinds.is_empty() => kinds,
        // A list the database holds was checked when written; an unreadable one falls back too.
        _ => defaults(metric, target),
    }
}

/// What reviewers usually need for an indicator like this one.
pub fn defaults(metric: &str, target: &Target) -> Vec<ProofKind> {
    use ProofKind::*;
    let mentions = |words: &[&str]| words.iter().any(|w| metric.contains(w));
    if mentions(&["专利"]) {
        return vec![Patent];
    }
    if mentions(&["论文", "专著"]) || target.unit.as_deref() == Some("篇") {
        return vec![Publication];
    }
    if mentions(&["软件著作权", "软著", "品种", "标准", "证书"]) {
        return vec![Certificate];
    }
    if target.op == Op::Deliverable {
        return vec![Delivery, Photos];
    }
    if target.class == IndicatorClass::Economic || mentions(&["产值", "收入", "利润", "销售", "效益"]) {
        return vec![Financial, Contract];
    }
    match target.unit_kind() {
        UnitKind::Occurrence => vec![SignInSheet, Photos],
        UnitKind::Area => vec![Contract, Photos, ApplicationProof],
        UnitKind::Item if mentions(&["培养", "培训", "人才"]) => vec![SignInSheet, Certificate],
        UnitKind::Item => vec![ApplicationProof, Photos],
        UnitKind::Measure => vec![TestReport],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::target::Aggregation;

    fn target(op: Op, unit: Option<&str>, class: IndicatorClass) -> Target {
        Target {
            op,
            value: (op != Op::Deliverable).then_some(1.0),
            min: None,
            max: None,
            unit: unit.map(str::to_owned),
            change: None,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            aggregation: Aggregation::Latest,
            weight: 1.0,
            class,
        }
    }

    #[test]
    fn defaults_follow_the_metric_unit_and_class() {
        let tech = IndicatorClass::Technical;
        assert_eq!(defaults("发酵产量预测精度", &target(Op::Ge, Some("%"), tech)), [ProofKind::TestReport]);
        assert_eq!(
            defaults("示范推广种植", &target(Op::Ge, Some("亩"), tech)),
            [ProofKind::Contract, ProofKind::Photos, ProofKind::ApplicationProof]
        );
        assert_eq!(
            defaults("培训技术人员", &target(Op::Ge, Some("人次"), IndicatorClass::Social)),
            [ProofKind::SignInSheet, ProofKind::Photos]
        );
        assert_eq!(defaults("申请发明专利", &target(Op::Ge, Some("项"), tech)), [ProofKind::Patent]);
        assert_eq!(defaults("发表论文", &target(Op::Ge, Some("篇"), tech)), [ProofKind::Publication]);
        assert_eq!(
            defaults("新增产值", &target(Op::Ge, Some("万元"), IndicatorClass::Economic)),
            [ProofKind::Financial, ProofKind::Contract]
        );
        assert_eq!(
            defaults("建成数据平台", &target(Op::Deliverable, None, tech)),
            [ProofKind::Delivery, ProofKind::Photos]
        );
    }

    #[test]
    fn a_stored_list_wins_over_the_defaults() {
        let t = target(Op::Ge, Some("%"), IndicatorClass::Technical);
        assert_eq!(required("photos, contract,photos", "精度", &t), [ProofKind::Photos, ProofKind::Contract]);
        assert_eq!(required("", "精度", &t), [ProofKind::TestReport]);
        assert_eq!(parse_list("photos,x-ray"), Err(UnknownProof("x-ray".into())));
        assert_eq!(format_list(&[ProofKind::SignInSheet, ProofKind::Patent]), "sign_in_sheet,patent");
        for kind in ProofKind::ALL {
            assert_eq!(ProofKind::parse(kind.as_str()), Some(kind));
        }
    }
}
