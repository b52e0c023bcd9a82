//! Reads the 考核指标 (assessment indicators) text of one direction into structured targets.
//!
//! The text is cut into clauses at `；` `;` `。` and line breaks, and each clause into segments at
//! `，` `,` `：` (never inside brackets or inside a number such as `20,000`). Each segment is scanned
//! left to right for amounts; around every amount a few words decide what it means:
//!
//! - before it: comparators (不低于 → `>=`, 大于 → `>`, 不超过 → `<=`, 低于 → `<`, 等于 → `=`),
//!   fillers (在 为 达 约), change verbs (提升 降低 … → a relative `change`), absolute targets
//!   (降至 提高到 → no change), and a unit written first (pH2-13);
//! - after it: the unit, a bracketed test condition, and 以上/以下/以内;
//! - the text between the previous target (or the last 、 和 及 且 并) and the comparator is the
//!   metric, with leading verbs and long "…的" modifiers dropped.
//!
//! Numbers inside any brackets, years and dates, list markers, section references (附件2),
//! names (5G, PM2.5) and requirements on applicants or funding are never targets. A segment
//! with no target whose phrase starts with a producing verb (开发 建立 形成 …) yields a
//! deliverable. A quantity that counts indicators themselves (考核指标…至少2项) is a rule about
//! choosing indicators, so its segment becomes one low-confidence deliverable instead.
//!
//! Every segment ends as an indicator, a deliverable, or in [`Reading::unread`]: words that name
//! no target get a warning rather than vanishing (示范推广种植面积显著扩大 has no number to read). A
//! number written with a letter for a digit (I个, l项, O篇, 2O000亩) is a [`Suspect`]: neither a
//! target nor a deliverable, since the digit would be a guess, but a warning that quotes it. A
//! segment without any word of a target that opens a clause whose later segments give targets
//! (结合工作实际，挖掘…不少于2项) is read as their context, not as something missed.
//!
//! Everything works on byte offsets into the input and slices it only through `str::get`, so no
//! input can make it panic; each character is looked at a bounded number of times, so the time is
//! linear in the input.

mod around;
mod brackets;
mod chars;
mod clause;
mod strip;
mod words;

use super::model::Indicator;
use chars::is_hard_boundary;
use clause::{Clause, Outcome};

/// Reads every measurable target (and deliverable) of one direction's 考核指标 text, in text order.
///
/// `source` of each indicator is a byte-exact slice of `text`, so a UI can highlight it;
/// `confidence` is lower for guesses (an unseen unit, no comparator word, no metric).
pub fn parse(text: &str) -> Vec<Indicator> {
    read(text).indicators
}

/// What one 考核指标 text yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The targets and deliverables, in text order.
    pub indicators: Vec<Indicator>,
    /// Byte ranges of `text` that name a target the parser could not read, in text order.
    pub unread: Vec<std::ops::Range<usize>>,
    /// Numbers written with a letter where a digit belongs, in text order.
    pub suspects: Vec<Suspect>,
}

/// A number written with a letter where a digit belongs (`I个`, `l项`, `O篇`, `2O000亩`): a slip of
/// typing or of text recognition. It is not read as a target, since the digit would be a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    /// Byte range of the segment it is in, to quote.
    pub segment: std::ops::Range<usize>,
    /// Byte range of the number and its unit (`I个`).
    pub found: std::ops::Range<usize>,
}

/// [`parse`], with the words that became neither an indicator nor a deliverable.
pub fn read(text: &str) -> Reading {
    let mut reading = Reading { indicators: Vec::new(), unread: Vec::new(), suspects: Vec::new() };
    let mut state = ReadState { in_rule: false, outcomes: Vec::new() };
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_hard_boundary(c) {
            Clause::parse(text, start, i, &mut reading, &mut state);
            start = i + c.len_utf8();
        }
    }
    Clause::parse(text, start, text.len(), &mut reading, &mut state);
    reading
}

/// What [`read`] carries from one clause to the next.
struct ReadState {
    /// A rule about choosing indicators (以下3项中至少2项) is being listed: the list items that
    /// follow it are its options, not targets missed.
    in_rule: bool,
    /// The outcomes' buffer, reused by every clause.
    outcomes: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::model::{Change, Op};
    use crate::domain::guide::number;

    // The 2024 guide's 考核指标 texts, normalised as the text module hands them over.
    const D1: &str = "开发适用于新疆地区生物大发酵龙头企业的人工智能工艺优化技术，发酵产量预测精度不低于95%，产量提升10%以上；建立与现有生产体系高度集成的实时生产工艺调控与质量预测系统不少于2套，工艺调控间隔不超过0.5小时每次，产量波动降低10%以上；建立人工智能工业优化示范应用基地不少于2个，集成示范应用生产线不低于10条，单发酵罐规模不低于400吨。";
    const D2: &str = "培育高产且适合集约化种植的粮用藜麦新品种不少于2种；培育适合高原耐旱耐盐耐贫瘠的饲用藜麦系列品系不少于1种；培育彩色藜麦系列花卉品系不少于5种；示范推广种植20000亩以上；为西藏地区培养本土化藜麦产业链技术人员不少于5名。";
    const D3: &str = "构建高效的育种技术体系，选育适应性强、整体花期延长15%和降低水肥施用10%的优质花卉新品种不少于2种，提升无性扩繁效率30%，制定高效繁育技术规程不少于2项，繁育种苗10万株，形成“育繁推”一体化技术规范1套。";
    const D4: &str = "设计并制备具有高辨识度、高耐盐性及高通量性能于一体的低维材料锂/镁分离膜，具备分离因子大于30(镁锂比大于50体系)、耐盐性为市售纳滤膜2倍以上、通量大于10 L/m²·h，且能够在pH2-13，20-60°C范围内稳定运行，使用寿命在1年以上且透过率下降率在20%以下，并示范形成处理规模10 m³的膜组件；开发出分离样机1台。";
    const T2: &str = "所申报项目需完成的考核指标应包含以下3项中至少2项，且成效可量化考核。\n1. 技术效益指标：侧重在解决当地产业关键共性技术问题、企业技术创新难题等方面的成效。\n2. 经济效益指标：侧重在投入产出比、推广前景、预期效益等对经济和产业发展影响方面的成效。\n3. 社会效益指标：侧重在解决人民健康、公共安全、生态环境等瓶颈问题方面的成效。";
    const T3: &str = "项目执行期内为对口地区培养技术或科研管理类人员不少于40人次；结合工作实际，挖掘当地经济社会发展急需的技术需求不少于2项，并形成建议报告。";

    /// The scored tuple of an indicator, as text: `op value unit change [cond]`.
    fn key(i: &Indicator) -> String {
        let unit = i.unit.as_deref().unwrap_or("null");
        let change = i.change.map_or("-", Change::as_str);
        let cond = if i.condition.is_some() { " cond" } else { "" };
        match i.op {
            Op::Deliverable => format!("deliverable {}", i.metric),
            Op::Between => {
                format!("between {}..{} {unit} {change}{cond}", i.min.unwrap_or(f64::NAN), i.max.unwrap_or(f64::NAN))
            }
            op => format!("{} {} {unit} {change}{cond}", op.as_str(), i.value.unwrap_or(f64::NAN)),
        }
    }

    /// Checks what must hold for every output, then returns it.
    fn checked(text: &str) -> Vec<Indicator> {
        let out = parse(text);
        for i in &out {
            assert_eq!(i.check(), Ok(()), "{i:?} from {text:?}");
            assert!(!i.source.is_empty(), "empty source in {text:?}");
            assert!(text.contains(&i.source), "source {:?} not in {text:?}", i.source);
            assert!((0.0..=1.0).contains(&i.confidence), "confidence {} for {:?}", i.confidence, i.source);
            match i.op {
                Op::Deliverable => {
                    assert!(i.value.is_none() && i.unit.is_none());
                    assert!(i.source.contains(&i.metric), "deliverable {:?} not in {:?}", i.metric, i.source);
                }
                Op::Between => {
                    assert!(i.value.is_none());
                    assert!(matches!((i.min, i.max), (Some(a), Some(b)) if a.is_finite() && b.is_finite() && a <= b));
                }
                _ => {
                    assert!(i.value.is_some_and(f64::is_finite) && i.min.is_none() && i.max.is_none());
                }
            }
            if i.op != Op::Deliverable {
                assert!(
                    i.source.chars().any(|c| c.is_ascii_digit() || number::is_cn_numeral(c)),
                    "no number in source {:?}",
                    i.source
                );
            }
        }
        out
    }

    /// The quantitative tuples of `text`, in order.
    fn quantities(text: &str) -> Vec<String> {
        checked(text).iter().filter(|i| i.op != Op::Deliverable).map(key).collect()
    }

    /// Every output of `text`, deliverables with their metric.
    fn everything(text: &str) -> Vec<String> {
        checked(text).iter().map(key).collect()
    }

    #[test]
    fn direction_1() {
        assert_eq!(
            everything(D1),
            [
                "deliverable 人工智能工艺优化技术",
                ">= 95 % -",
                ">= 10 % increase",
                ">= 2 套 -",
                "<= 0.5 h -",
                ">= 10 % decrease",
                ">= 2 个 -",
                ">= 10 条 -",
                ">= 400 吨 -",
            ]
        );
        let metrics: Vec<String> = parse(D1).into_iter().map(|i| i.metric).collect();
        assert_eq!(metrics[3], "实时生产工艺调控与质量预测系统");
        assert_eq!(metrics[4], "工艺调控间隔");
    }

    #[test]
    fn direction_2() {
        assert_eq!(quantities(D2), [">= 2 种 -", ">= 1 种 -", ">= 5 种 -", ">= 20000 亩 -", ">= 5 名 -"]);
        let metrics: Vec<String> = parse(D2).into_iter().map(|i| i.metric).collect();
        assert_eq!(metrics[0], "粮用藜麦新品种");
        assert_eq!(metrics[1], "饲用藜麦系列品系");
    }

    #[test]
    fn direction_3() {
        assert_eq!(
            everything(D3),
            [
                "deliverable 高效的育种技术体系",
                ">= 15 % increase",
                ">= 10 % decrease",
                ">= 2 种 -",
                ">= 30 % increase",
                ">= 2 项 -",
                ">= 100000 株 -",
                ">= 1 套 -",
            ]
        );
        let metrics: Vec<String> = parse(D3).into_iter().map(|i| i.metric).collect();
        assert_eq!(&metrics[1..5], ["整体花期", "水肥施用", "优质花卉新品种", "无性扩繁效率"]);
    }

    #[test]
    fn direction_4() {
        assert_eq!(
            quantities(D4),
            [
                "> 30 null - cond",
                ">= 2 倍 -",
                "> 10 L/(m²·h) -",
                "between 2..13 pH -",
                "between 20..60 ℃ -",
                ">= 1 年 -",
                "<= 20 % -",
                ">= 10 m³ -",
                ">= 1 台 -",
            ]
        );
        let out = parse(D4);
        assert_eq!(out[0].condition.as_deref(), Some("镁锂比大于50体系"));
        assert_eq!(out[0].metric, "分离因子");
        assert_eq!(out[6].metric, "透过率下降率");
    }

    #[test]
    fn topic_2_counts_indicators_not_targets() {
        let out = checked(T2);
        assert!(out.iter().all(|i| i.op == Op::Deliverable), "{out:?}");
        assert_eq!(out.len(), 1);
        assert!(out[0].confidence < LOW_CONFIDENCE_FOR_TESTS);
    }

    /// Mirrors `model::LOW_CONFIDENCE` without depending on it from a private path.
    const LOW_CONFIDENCE_FOR_TESTS: f64 = super::super::model::LOW_CONFIDENCE;

    #[test]
    fn topic_3() {
        assert_eq!(everything(T3), [">= 40 人次 -", ">= 2 项 -", "deliverable 建议报告"]);
    }

    /// The same tuples as the fixture that `score.py` grades, compared as multisets per direction.
    #[test]
    fn matches_the_2024_fixture() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/guides/2024-domestic-cooperation.expected.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let texts = [D1, D2, D3, D4, T2, T3];
        let mut n = 0;
        for topic in json["topics"].as_array().unwrap() {
            for direction in topic["directions"].as_array().unwrap() {
                let want: Vec<Indicator> = serde_json::from_value(serde_json::Value::Array(
                    direction["indicators"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| {
                            let mut i = i.clone();
                            i["source"] = "".into();
                            i["confidence"] = 1.0.into();
                            i
                        })
                        .collect(),
                ))
                .unwrap();
                let mut want: Vec<String> = want.iter().filter(|i| i.op != Op::Deliverable).map(key).collect();
                let mut got = quantities(texts[n]);
                want.sort();
                got.sort();
                assert_eq!(got, want, "direction {n}");
                n += 1;
            }
        }
        assert_eq!(n, texts.len());
    }

    /// Wordings from other plausible guides: input, then its quantitative tuples in order.
    const CASES: &[(&str, &[&str])] = &[
        // Comparators before and after the number.
        ("发表论文不少于5篇(SCI收录不少于3篇)", &[">= 5 篇 - cond"]),
        ("申请发明专利3项以上", &[">= 3 项 -"]),
        ("准确率≥90%", &[">= 90 % -"]),
        ("响应时间<100 ms", &["< 100 ms -"]),
        ("光伏组件转换效率超过25%", &["> 25 % -"]),
        ("浓度低于0.5 mg/L", &["< 0.5 mg/L -"]),
        ("比值等于1", &["= 1 null -"]),
        ("单次充电续航里程至少500公里", &[">= 500 km -"]),
        ("杂质含量小于或等于0.1%", &["<= 0.1 % -"]),
        ("噪声低于55 dB(A)", &["< 55 dB(A) -"]),
        ("系统可用性达99.9%", &[">= 99.9 % -"]),
        ("药物纯度>=99.5%，单杂<=0.1%", &[">= 99.5 % -", "<= 0.1 % -"]),
        ("10%左右", &[">= 10 % -"]),
        ("申请发明专利不少于5项(含)以上", &[">= 5 项 -"]),
        ("分别不超过5%、10%", &["<= 5 % -", "<= 10 % -"]),
        ("分别不低于90%、85%", &[">= 90 % -", ">= 85 % -"]),
        // Bare amounts, multipliers, thousands separators, Chinese numerals.
        ("推广面积1.5万亩", &[">= 15000 亩 -"]),
        ("新增产值5000万元以上", &[">= 50000000 元 -"]),
        ("年发电量达到1.2亿kWH", &[">= 120000000 kWh -"]),
        ("新建厂房4万平米", &[">= 40000 m² -"]),
        ("示范推广20,000亩以上", &[">= 20000 亩 -"]),
        ("不少于两项", &[">= 2 项 -"]),
        ("举办培训班不少于两期", &[">= 2 期 -"]),
        ("完成技术攻关十余项", &[">= 10 项 -"]),
        ("培训1000余人次", &[">= 1000 人次 -"]),
        ("带动就业200人以上", &[">= 200 人 -"]),
        ("示范推广2万亩，辐射带动5万亩", &[">= 20000 亩 -", ">= 50000 亩 -"]),
        ("数据库收录数据不少于10万条", &[">= 100000 条 -"]),
        ("细胞密度达到1×10^8 cells/mL", &[">= 100000000 cells/mL -"]),
        ("检出限低于10^-6 mol/L", &["< 0.000001 mol/L -"]),
        // Ranges and negative numbers.
        ("培养研究生2-3名", &["between 2..3 名 -"]),
        ("申请专利2~3项", &["between 2..3 项 -"]),
        ("筛选优良品种3至5种", &["between 3..5 种 -"]),
        ("培养硕士研究生两到三名", &["between 2..3 名 -"]),
        ("温度-20~60°C", &["between -20..60 ℃ -"]),
        ("工作温度范围-40℃~85℃", &["between -40..85 ℃ -"]),
        ("试验周期6-12个月", &["between 6..12 个月 -"]),
        ("出水pH值6.5~8.5", &["between 6.5..8.5 pH -"]),
        ("工作温度不低于-30摄氏度", &[">= -30 ℃ -"]),
        ("可在零下20℃正常启动", &[">= -20 ℃ -"]),
        ("储存温度零下10-20℃", &["between -20..-10 ℃ -"]),
        ("出水pH值不低于6.5", &[">= 6.5 pH -"]),
        ("年产量约为500吨，合格率为98%，装机规模达50千瓦", &[">= 500 吨 -", ">= 98 % -", ">= 50 kW -"]),
        // Units.
        ("处理能力达到500吨/天", &[">= 500 吨/天 -"]),
        ("示范面积不少于2000平方米", &[">= 2000 m² -"]),
        ("日处理污水1万m3", &[">= 10000 m³ -"]),
        ("储能系统容量不低于100千瓦时，功率不低于50千瓦", &[">= 100 kWh -", ">= 50 kW -"]),
        ("输电距离超过100公里，管网长度不少于5千米", &["> 100 km -", ">= 5 km -"]),
        ("响应时间不超过3秒，巡检间隔不超过2小时", &["<= 3 s -", "<= 2 h -"]),
        ("装机容量10 MWp", &[">= 10 MWp -"]),
        ("吞吐量不低于10 Gbps，数据量不少于1TB", &[">= 10 Gbps -", ">= 1 TB -"]),
        ("衰减率≤2%/年，培训人员200人次/年", &["<= 2 %/年 -", ">= 200 人次/年 -"]),
        ("单位产品能耗降低至0.8吨标煤/吨以下", &["<= 0.8 吨标煤/吨 -"]),
        ("服务企业不少于20家次", &[">= 20 家次 -"]),
        ("研发新产品3个(种)", &[">= 3 个 -"]),
        ("开发出样机1台(套)", &[">= 1 台 -"]),
        ("新增示范栏舍30樽", &[">= 30 樽 -"]),
        // Relative changes and absolute targets.
        ("成本降低20%以上", &[">= 20 % decrease"]),
        ("能耗下降15%", &[">= 15 % decrease"]),
        ("效率提高1倍以上", &[">= 1 倍 increase"]),
        ("提升10个百分点", &[">= 10 个百分点 increase"]),
        ("降低生产成本15%-20%", &["between 15..20 % decrease"]),
        ("亩产提高15%，化肥减量20%，节水30%以上", &[">= 15 % increase", ">= 20 % decrease", ">= 30 % decrease"]),
        ("农民人均增收2000元", &[">= 2000 元 increase"]),
        ("病床周转率提升20%，平均住院日缩短1天", &[">= 20 % increase", ">= 1 天 decrease"]),
        ("降低30%以上的能耗", &[">= 30 % decrease"]),
        ("产量增幅不低于8%", &[">= 8 % increase"]),
        ("产值年增长率不低于10%", &[">= 10 % -"]),
        ("检测时间缩短至30分钟以内", &["<= 30 min -"]),
        ("降低能耗至50 kWh/t以下", &["<= 50 kWh/t -"]),
        ("使产品合格率提高到98%以上", &[">= 98 % -"]),
        ("提高产品合格率到99%", &[">= 99 % -"]),
        ("合格率由目前的60%提高到80%", &[">= 80 % -"]),
        ("收率提高到85%以上，杂质含量低于0.1%", &[">= 85 % -", "< 0.1 % -"]),
        // Tolerances and conditions.
        ("误差不超过±0.5℃", &["<= 0.5 ℃ -"]),
        ("定位精度达到±0.1mm", &["<= 0.1 mm -"]),
        ("在25℃条件下，电池循环寿命不少于3000次", &[">= 3000 次 - cond"]),
        ("在镁锂比大于50的条件下，分离因子大于30", &["> 30 null - cond"]),
        ("循环寿命≥5000次（容量保持率≥80%）", &[">= 5000 次 - cond"]),
        ("-20℃放电容量保持率不低于85%", &[">= 85 % - cond"]),
        ("1C倍率下放电容量不低于150 mAh/g", &[">= 150 mAh/g -"]),
        ("25℃下循环寿命≥1000次，能量密度不低于400 Wh/kg", &[">= 1000 次 - cond", ">= 400 Wh/kg -"]),
        // Count first, noun after; nouns between the unit and 以上.
        ("建设2个示范基地", &[">= 2 个 -"]),
        ("覆盖3个县以上", &[">= 3 个 -"]),
        ("不少于3家企业", &[">= 3 家 -"]),
        ("二级以上医院3家", &[">= 3 家 -"]),
        // List markers, names, dates, references, requirements: not targets.
        ("(1)研发1类新药1个", &[">= 1 个 -"]),
        ("1. 建立数据库1个", &[">= 1 个 -"]),
        ("①入组患者不少于200例", &[">= 200 例 -"]),
        ("建设5G基站10个，PM2.5浓度下降20%，CO2排放减少30%", &[">= 10 个 -", ">= 20 % decrease", ">= 30 % decrease"]),
        ("2025年12月底前完成中试，详见附件2", &[]),
        ("2026年11月30日前提交总结报告", &[]),
        ("3年内建成示范基地2个", &[">= 2 个 -"]),
        ("资助额度不超过150万元，拟支持不超过1个项目，驻外时间不少于6个月", &[]),
        ("工业4.0时代、十四五期间、统一标准、一体化、第一批、一级标准、3D打印", &[]),
        ("出水水质达到《城镇污水处理厂污染物排放标准》(GB18918-2002)一级A标准", &[]),
        ("满足GB/T 19001-2016及ISO 9001要求，COVID-19检测", &[]),
        ("投入产出比1:5，每天9:00开放，占比1/3", &[]),
        ("开发一种新型检测装置", &[]),
        ("分离因子大于2000，截至2025，2024-2026年", &["> 2000 null -"]),
        // Whole phrases from other fields.
        (
            "开发一种新型检测装置，获得医疗器械注册证1项，完成临床样本检测1000例，灵敏度≥95%、特异性≥90%",
            &[">= 1 项 -", ">= 1000 例 -", ">= 95 % -", ">= 90 % -"],
        ),
        (
            "培养博士、硕士研究生不少于10名，其中博士不少于3名；举办培训班2期，培训基层技术人员500人次以上",
            &[">= 10 名 -", ">= 3 名 -", ">= 2 期 -", ">= 500 人次 -"],
        ),
        (
            "项目执行期内，申请发明专利不少于5项(其中授权2项)，制定行业标准1项，形成技术规范(草案)1套",
            &[">= 5 项 - cond", ">= 1 项 -", ">= 1 套 -"],
        ),
        ("3年内建成示范基地2个，辐射带动周边农户1000户以上", &[">= 2 个 -", ">= 1000 户 -"]),
        ("碳排放强度下降18%，碳中和技术2项", &[">= 18 % decrease", ">= 2 项 -"]),
        ("每年举办学术会议1次，年处理秸秆5万吨以上", &[">= 1 次 -", ">= 50000 吨 -"]),
    ];

    #[test]
    fn table_of_wordings() {
        let mut failures = Vec::new();
        for (text, want) in CASES {
            let got = quantities(text);
            if got != *want {
                failures.push(format!("{text}\n   want {want:?}\n    got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), CASES.len(), failures.join("\n"));
    }

    #[test]
    fn deliverables_and_nothing() {
        assert_eq!(
            everything("开发适用于企业的智能诊断技术并建立远程运维平台；结合工作实际"),
            ["deliverable 智能诊断技术", "deliverable 远程运维平台"]
        );
        assert_eq!(everything("2026年11月30日前提交总结报告"), ["deliverable 总结报告"]);
        assert_eq!(everything("挖掘技术需求不少于2项并形成建议报告"), [">= 2 项 -", "deliverable 建议报告"]);
        assert_eq!(
            everything("构建高效的育种技术体系并选育新品种2个"),
            ["deliverable 高效的育种技术体系", ">= 2 个 -"]
        );
        assert!(everything("结合工作实际，达到国际先进水平").is_empty());
        assert!(everything("").is_empty());
    }

    #[test]
    fn metrics_read_well() {
        let metric = |text: &str| parse(text).into_iter().next().map(|i| i.metric).unwrap_or_default();
        assert_eq!(metric("申请发明专利3项以上"), "发明专利");
        assert_eq!(metric("建设2个示范基地"), "示范基地");
        assert_eq!(metric("合格率由目前的60%提高到80%"), "合格率");
        assert_eq!(metric("节水30%以上"), "节水");
        assert_eq!(metric("并降低水肥施用10%"), "水肥施用");
        assert_eq!(metric("(1)研发1类新药1个"), "1类新药");
    }

    #[test]
    fn sources_are_exact_slices() {
        let text = "整体花期延长15%和降低水肥施用10%的优质花卉新品种不少于2种";
        let sources: Vec<String> = parse(text).into_iter().map(|i| i.source).collect();
        assert_eq!(sources, ["整体花期延长15%", "降低水肥施用10%", "优质花卉新品种不少于2种"]);
    }

    #[test]
    fn confidence_marks_guesses() {
        let conf = |text: &str| parse(text).first().map_or(f64::NAN, |i| i.confidence);
        assert_eq!(conf("发酵产量预测精度不低于95%"), 1.0);
        assert_eq!(conf("繁育种苗10万株"), 0.9);
        assert!(conf("浓度低于0.5 mg/L") < 1.0);
        assert!(conf("新增示范栏舍30樽") < LOW_CONFIDENCE_FOR_TESTS);
        assert!(conf("不少于两项") < 0.9);
    }

    #[test]
    fn every_segment_ends_as_an_indicator_a_deliverable_or_unread() {
        let unread =
            |text: &str| -> Vec<String> { read(text).unread.iter().map(|u| text[u.clone()].to_owned()).collect() };
        // The words name a target but hold no number to read.
        let text = "示范推广种植面积显著扩大；结合工作实际，挖掘技术需求不少于2项";
        assert_eq!(unread(text), ["示范推广种植面积显著扩大"]);
        assert_eq!(read(text).indicators.len(), 1, "context before a target is not missed");
        // A phrase of a target is reported even when a target follows it in the same clause.
        assert_eq!(unread("示范推广种植面积显著扩大，培训人员10人次"), ["示范推广种植面积显著扩大"]);
        // A clause that gives nothing at all is reported whole.
        assert_eq!(unread("加强两地交流，促进合作。建立平台1个"), ["加强两地交流，促进合作"]);
        // Conditions, baselines and rules about choosing indicators are understood, not missed.
        assert!(unread("在25℃条件下，放电容量保持率不低于85%").is_empty());
        assert!(unread("合格率由60%提高到80%").is_empty());
        // Nothing of the 2024 guide is left unread.
        for text in [D1, D2, D3, D4, T2, T3] {
            assert_eq!(unread(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn a_letter_for_a_digit_is_quoted_as_a_suspect_never_read_as_a_target() {
        let suspects = |text: &str| -> Vec<(String, String)> {
            read(text)
                .suspects
                .iter()
                .map(|s| (text[s.segment.clone()].to_owned(), text[s.found.clone()].to_owned()))
                .collect()
        };
        for (text, found) in [
            ("培育新品种不少于I个", "I个"),
            ("申请发明专利l项", "l项"),
            ("发表论文O篇", "O篇"),
            ("示范推广种植2O000亩以上", "2O000亩"),
            ("申请专利不少于Ｉ个", "Ｉ个"),
            ("培养研究生lO名", "lO名"),
            ("建立示范基地I个", "I个"),
            ("建立I个示范基地", "I个"),
            ("形成技术标准(草案)I项", "I项"),
        ] {
            let reading = read(text);
            assert_eq!(suspects(text), [(text.to_owned(), found.to_owned())], "{text}");
            assert_eq!(reading.indicators, [], "{text}: neither a target nor a deliverable");
            assert!(reading.unread.is_empty(), "{text}: reported once, as a suspect");
        }
        // What else the segment says is still read, with its own metric.
        let text = "培育新品种I个以上、推广面积1000亩";
        assert_eq!(suspects(text), [(text.to_owned(), "I个".to_owned())]);
        assert_eq!(everything(text), [">= 1000 亩 -"]);
        assert_eq!(parse(text)[0].metric, "推广面积");
        // Letters of a word, Roman numerals naming a phase, class or type, and ordinals are no digits.
        for text in [
            "发表SCI论文2篇",
            "开发AI模型1个",
            "完成I期临床试验2项",
            "获得II类医疗器械注册证1项",
            "研制I型样机1台",
            "在Cell等期刊发表论文3篇",
            "建设5G基站2个",
            "遴选第I批示范点2个",
        ] {
            assert_eq!(suspects(text), [], "{text}");
            assert_eq!(read(text).indicators.len(), 1, "{text}");
        }
        for text in [D1, D2, D3, D4, T2, T3] {
            assert_eq!(suspects(text), [], "{text}");
        }
    }

    #[test]
    fn a_metric_names_what_is_counted_and_doubtful_shapes_are_flagged() {
        let first = |text: &str| parse(text).into_iter().next().unwrap();
        let counted = first("接入不少于20家医疗机构");
        assert_eq!((counted.metric.as_str(), counted.unit.as_deref()), ("医疗机构", Some("家")));
        assert!(counted.confidence >= LOW_CONFIDENCE_FOR_TESTS, "{counted:?}");
        assert!(counted.source.ends_with("医疗机构"), "the source reaches the noun: {counted:?}");
        for doubtful in ["接入不少于20家", "揭示2-3个关键调控机制", "建立（省级）示范基地不少于3个"]
        {
            let i = first(doubtful);
            assert!(i.confidence < LOW_CONFIDENCE_FOR_TESTS, "{doubtful}: {i:?}");
        }
        // The same shapes without the doubt stay sure.
        assert!(first("开发科普课程3-5门").confidence >= LOW_CONFIDENCE_FOR_TESTS);
        assert!(first("建立省级示范基地不少于3个").confidence >= LOW_CONFIDENCE_FOR_TESTS);
    }

    /// Marker vocabulary for the fuzz tests: the words the parser reacts to.
    const VOCAB: &[&str] = &[
        "1",
        "2",
        "0",
        "95",
        ".",
        "5",
        ",",
        "000",
        "万",
        "亿",
        "千万",
        "不少于",
        "以上",
        "以下",
        "、",
        "(",
        ")",
        "（",
        "）",
        "%",
        "-",
        "~",
        "—",
        "至",
        "到",
        "两",
        "十",
        "一",
        "二〇",
        "年",
        "月",
        "日",
        "个",
        "项",
        "种",
        "人次",
        "pH",
        "m2",
        "m^",
        "L/m²·h",
        "°C",
        " ",
        "，",
        "；",
        "：",
        ":",
        "\n",
        "提高",
        "降低到",
        "降低",
        "的",
        "指标",
        "“",
        "”",
        "《",
        "》",
        "第",
        "附件",
        "±",
        "≥",
        "<",
        "10^",
        "×",
        "余",
        "内",
        "条件下",
        "A",
        "G",
        "PM",
        "率",
        "并",
        "且",
        "和",
        "形成",
        "开发",
        "报告",
        "于",
        "在",
        "为",
        "达到",
        "①",
        "/",
        "^",
        "⁻",
        "⁶",
        "资助",
        "均",
        "人",
        "吨",
        "樽",
    ];

    fn from_vocab(picks: &[usize]) -> String {
        picks.iter().map(|&i| VOCAB[i % VOCAB.len()]).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(200)))]

        #[test]
        fn fuzz_arbitrary_text_never_panics(text in ".{0,400}") {
            checked(&text);
        }

        #[test]
        fn fuzz_marker_soup_never_panics(picks in proptest::collection::vec(0usize..1000, 0..400)) {
            checked(&from_vocab(&picks));
        }

        #[test]
        fn fuzz_repeated_marker_soup_never_panics(picks in proptest::collection::vec(0usize..1000, 1..40), times in 10usize..300) {
            checked(&from_vocab(&picks).repeat(times));
        }
    }

    /// A megabyte of marker words in a fixed pseudo-random order.
    fn soup(bytes: usize) -> String {
        let mut text = String::with_capacity(bytes + 16);
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        while text.len() < bytes {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(VOCAB[(state % VOCAB.len() as u64) as usize]);
        }
        text
    }

    /// A megabyte of mixed adversarial text reads soundly. How long it takes (linear in its length)
    /// is measured by `cargo bench --bench guide_parse`, not asserted here: a wall-clock bound fails on
    /// a loaded machine and proves nothing on an idle one.
    #[test]
    fn one_megabyte_of_marker_soup_reads_soundly() {
        let text = soup(1 << 20);
        let out = parse(&text);
        assert!(!out.is_empty());
        assert!(out.iter().all(|i| text.contains(i.source.as_str()) && i.confidence.is_finite()));
    }

    /// Pathological shapes, each a megabyte, read soundly (their speed: `cargo bench --bench
    /// guide_parse`, which runs the same shapes).
    #[test]
    fn one_megabyte_pathological_shapes_read_soundly() {
        const MB: usize = 1 << 20;
        let shapes = [
            "不少于10万株以上、(",
            "1",
            "1 ",
            "1、",
            "1个、",
            "(",
            "((((]]]]",
            "不少于",
            "一",
            "两项",
            "，",
            "提高2-3倍(镁锂比大于50体系)，pH2-13，20-60°C以下；",
            "1,000,",
            "的的的",
            "指标至少2项",
            "“",
            "10^",
            "-",
            "开发",
            "开发报告并",
            "5G",
            "1.1.1.",
        ];
        for shape in shapes {
            let text = shape.repeat(MB / shape.len() + 1);
            assert!(parse(&text).iter().all(|i| i.confidence.is_finite()), "{shape:?}");
        }
    }
}
