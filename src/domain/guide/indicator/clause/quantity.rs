//! Reading one amount of a segment ([`Clause::quantity`]): whether it is a target, and which.
//!
//! The reading runs as named steps in the order its decisions depend on each other: what is glued
//! before the number, the amount, its unit and range, dates and deadlines, what follows it, whether
//! a target is meant at all, then the target's metric, comparator and confidence. A step either
//! hands what it learned to the next or settles the amount with the [`Step`] the scan of the segment
//! takes next. The order is part of the behaviour (the first step that settles wins, and a few steps
//! change the clause's state), so the steps must not be reordered.

use super::{After, Clause, Seg, Step};
use crate::domain::guide::indicator::around::{
    Prefix, approx_word, condition_marker, gap_postfix, leads_to_comparator, scan_prefix, trailing_metric,
};
use crate::domain::guide::indicator::chars::{ch_at, ch_before, ends, skip_token, sl};
use crate::domain::guide::indicator::strip::{leading_change, strip_de, strip_leading, strip_trailing, strip_verbs};
use crate::domain::guide::indicator::words::{
    ABSOLUTE, FINDING_VERBS, INDICATOR_COUNTS, cn_numeral_in_word, has_words, is_verb, lists,
};
use crate::domain::guide::model::{Change, Indicator, Op};
use crate::domain::guide::number::{self, Amount};
use crate::domain::guide::unit::{self, Kind, Numeral, Unit};

/// The confidence of a parse that is doubtful by its shape, below
/// [`LOW_CONFIDENCE`](crate::domain::guide::model::LOW_CONFIDENCE).
const DOUBTFUL: f64 = 0.5;

/// What a step of [`Clause::quantity`] gives: `Ok` goes on reading the amount, `Err` settles it
/// with the [`Step`] the segment scan takes next, so that a step can end the reading with `?`.
type Settled<T> = Result<T, Step>;

/// What is glued to the front of a number.
struct Front {
    /// The character right before the number, inside the segment.
    prev: Option<char>,
    /// A unit written first (pH2-13).
    unit_before: Option<&'static str>,
    /// Where the number's own words start: before a unit written first.
    lead: usize,
}

/// An amount with its unit and range.
struct Measure {
    amt: Amount,
    unit: Option<Unit>,
    /// Marked as approximate: in the number, or by 余/多 before the unit.
    approx: bool,
    /// The value, or the lower end of a range.
    lo: f64,
    /// The upper end of a range.
    hi: Option<f64>,
    /// Where the amount and its unit end.
    end: usize,
}

impl Measure {
    /// The unit's canonical spelling.
    fn canon(&self) -> Option<&str> {
        self.unit.as_ref().map(|u| u.canon.as_str())
    }
}

/// Everything read around one amount, for the steps that decide what target it is.
struct Found {
    /// The number's first byte.
    b: usize,
    /// Where the text since the previous target starts.
    region: usize,
    /// A unit written before the number.
    unit_before: Option<&'static str>,
    pre: Prefix,
    m: Measure,
    /// What follows the amount; its `end` is where the amount's words end.
    after: After,
    /// 以上/以下 was found after a short noun rather than right after the amount.
    gap: bool,
}

impl Found {
    /// A comparator is written before the amount.
    fn explicit(&self) -> bool {
        self.pre.op.is_some()
    }

    /// A unit is written, after the number or before it.
    fn has_unit(&self) -> bool {
        self.m.unit.is_some() || self.unit_before.is_some()
    }

    /// Words beside the number show it is a target: a comparator, a change, a range, 以上/以下 or
    /// a test condition.
    fn shaped(&self) -> bool {
        self.explicit()
            || self.pre.change.is_some()
            || self.pre.absolute.is_some()
            || self.m.hi.is_some()
            || self.after.post.is_some()
            || self.after.condition.is_some()
    }
}

/// The words since the previous target that name this one.
struct Words<'a> {
    /// Where this target's own words start (after the last 、 和 并 …).
    start: usize,
    /// Those words up to the comparator, as written.
    raw: &'a str,
    /// The metric they name, with verbs, fillers and long modifiers dropped.
    body: &'a str,
    change: Option<Change>,
    absolute: Option<Change>,
}

/// A target's metric, how sure its reading is, and where its source ends.
struct Metric {
    name: String,
    confidence: f64,
    src_end: usize,
}

impl<'a> Clause<'a> {
    /// Reads the amount starting at `b`; `region` is where the text since the previous target
    /// starts.
    pub(super) fn quantity(&mut self, seg: &mut Seg, region: usize, b: usize, out: &mut Vec<Indicator>) -> Step {
        match self.read_quantity(seg, region, b, out) {
            Ok(step) | Err(step) => step,
        }
    }

    /// The steps of [`Self::quantity`], in order.
    fn read_quantity(&mut self, seg: &mut Seg, region: usize, b: usize, out: &mut Vec<Indicator>) -> Settled<Step> {
        let limit = seg.end;
        let front = self.front(seg, b)?;
        let amt = self.amount(b, limit, front.prev)?;
        let pre = scan_prefix(self.t, region.min(front.lead), front.lead);
        let m = self.measure(b, limit, amt, &pre)?;
        self.date(&m, front.prev, pre.op.is_some())?;
        self.deadline(&m, pre.op.is_some())?;
        let mut after = self.read_after(m.end, limit);
        self.baseline(seg, region, &pre, after.end)?;
        let gap = self.gap_postfix(&mut after, limit);
        let found = Found { b, region, unit_before: front.unit_before.or(pre.unit), pre, m, after, gap };
        self.lone_number(&found, limit)?;
        not_a_target(seg, &found)?;
        let mut words = self.words(&found, out);
        deadline_within(&found, &words)?;
        self.sets_scene(seg, &found, &words)?;
        let pre_op = self.shared_comparator(&found, &mut words);
        self.qualifies_next(seg, &found, &words, pre_op)?;
        let mut metric = self.metric(&found, &words, limit)?;
        let op = comparator(&found, pre_op, words.absolute);
        // An absolute target (降至30分钟) states a level, not a change.
        let change = if words.absolute.is_some() { None } else { words.change };
        metric.confidence = self.confidence(seg, &found, &metric, pre_op, words.absolute);
        Ok(self.push(found, &words, metric, op, change, out))
    }

    /// Skips the name or numeral starting at `b` as a whole, so that its digits are not read again
    /// one by one.
    fn skip_name(&self, b: usize, limit: usize) -> Step {
        Step::Skip(skip_token(self.t, b, limit))
    }

    /// What is glued to the front: a unit written first (pH2-13), or a name (PM2.5, GB/T 1) or a
    /// reference (第2, 附件2), which makes the number no amount.
    fn front(&self, seg: &Seg, b: usize) -> Settled<Front> {
        let t = self.t;
        let prev = if b > seg.start { ch_before(t, b) } else { None };
        let mut front = Front { prev, unit_before: None, lead: b };
        if let Some(p) = prev {
            let spaced_letter = p == ' ' && ch_before(t, b - 1).is_some_and(|q| q.is_ascii_alphabetic());
            if p.is_ascii_alphabetic() || spaced_letter {
                let at = if spaced_letter { b - 1 } else { b };
                if !ends(t, seg.start, at, "pH") {
                    return Err(self.skip_name(b, seg.end));
                }
                front.unit_before = Some("pH");
                front.lead = at - "pH".len();
            } else if matches!(p, '第' | '每' | '#' | '№' | '-' | '.' | '_' | '/' | '+' | '×' | '*' | '^')
                || lists().section.longest_suffix(sl(t, seg.start, b)).is_some()
            {
                return Err(self.skip_name(b, seg.end));
            }
        }
        Ok(front)
    }

    /// The amount at `b`, unless it is a numeral inside a word (统一, 第一), a date or code
    /// written like a falling range (13-2), or a ratio, time, fraction, size or code (1:5, 9:00,
    /// 1/3, 10×20, 1+N).
    fn amount(&self, b: usize, limit: usize, prev: Option<char>) -> Settled<Amount> {
        let t = self.t;
        let Some(amt) = number::amount_at(t, b, limit) else { return Err(self.skip_name(b, limit)) };
        if amt.chinese && prev.is_some_and(cn_numeral_in_word) {
            return Err(Step::Skip(amt.end));
        }
        if amt.hi.is_some_and(|h| h < amt.lo) {
            return Err(Step::Skip(amt.end));
        }
        if !amt.chinese
            && let Some(c) = ch_at(t, amt.end)
            && matches!(c, ':' | '/' | '+' | '×' | '*' | '.' | '_')
            && ch_at(t, amt.end + c.len_utf8()).is_some_and(|d| d.is_ascii_alphanumeric())
        {
            return Err(self.skip_name(b, limit));
        }
        Ok(amt)
    }

    /// The unit after the amount, allowing 余/多 before it, and the range the amount spans. A
    /// number glued to letters (5G, 3D) or a Chinese numeral without a unit is no amount.
    fn measure(&self, b: usize, limit: usize, amt: Amount, pre: &Prefix) -> Settled<Measure> {
        let t = self.t;
        let numeral = match (amt.chinese, pre.op.is_some()) {
            (false, _) => Numeral::Digits,
            (true, false) => Numeral::ChineseCount,
            (true, true) => Numeral::ChineseAny,
        };
        let mut approx = amt.approx;
        let mut unit = unit::after_number(t, amt.end, limit, numeral);
        if unit.is_none()
            && let Some(after) = approx_word(t, amt.end, limit)
            && let Some(u) = unit::after_number(t, after, limit, numeral)
        {
            unit = Some(u);
            approx = true;
        }
        if unit.is_none() && ch_at(t, amt.end).is_some_and(|c| c.is_ascii_alphabetic()) {
            return Err(self.skip_name(b, limit));
        }
        if amt.chinese && unit.is_none() {
            return Err(Step::Skip(amt.end));
        }
        let (lo, hi, end) = self.range(limit, &amt, pre.below_zero, unit.as_ref(), numeral);
        Ok(Measure { amt, unit, approx, lo, hi, end })
    }

    /// The value or range of an amount with its unit, and where its words end. 零下20℃ is -20℃;
    /// 零下10-20℃ runs from -20 to -10; a range may repeat its unit (15%-20%, -40℃~85℃).
    fn range(
        &self,
        limit: usize,
        amt: &Amount,
        below_zero: bool,
        unit: Option<&Unit>,
        numeral: Numeral,
    ) -> (f64, Option<f64>, usize) {
        let t = self.t;
        let sign = if below_zero && amt.lo > 0.0 { -1.0 } else { 1.0 };
        let (lo, mut hi) = match amt.hi {
            Some(h) if sign < 0.0 => (-h, Some(-amt.lo)),
            h => (sign * amt.lo, h),
        };
        let mut end = unit.map_or(amt.end, |u| u.end);
        if hi.is_none()
            && let Some(u) = unit
            && let Some(second) = number::range_tail(t, u.end, limit, amt.chinese)
        {
            let u2 = unit::after_number(t, second.end, limit, numeral);
            let value = sign * second.value;
            if sign > 0.0 && value >= lo && u2.as_ref().is_none_or(|x| x.canon == u.canon) {
                hi = Some(value);
                end = u2.map_or(second.end, |x| x.end);
            }
        }
        (lo, hi, end)
    }

    /// Years and dates (2025年12月1日, 截至2025, 2024-2026) are not targets.
    fn date(&self, m: &Measure, prev: Option<char>, explicit: bool) -> Settled<()> {
        let canon = m.canon();
        let after_c = ch_at(self.t, m.end);
        if m.amt.year_like && canon == Some("年") {
            return Err(Step::Skip(m.end));
        }
        if canon == Some("月")
            && (prev == Some('年')
                || after_c
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '底' | '初' | '末' | '中' | '份' | '前' | '旬')))
        {
            return Err(Step::Skip(m.end));
        }
        if matches!(canon, Some("日" | "号")) && prev == Some('月') {
            return Err(Step::Skip(m.end));
        }
        if m.amt.year_like && canon.is_none() && !explicit {
            return Err(Step::Skip(m.end));
        }
        Ok(())
    }

    /// Deadlines (3年内, 两年后) are not targets; their words are read, so the next metric starts
    /// after them.
    fn deadline(&self, m: &Measure, explicit: bool) -> Settled<()> {
        if let Some(c) = ch_at(self.t, m.end)
            && m.canon().is_some_and(unit::is_period)
            && !explicit
            && matches!(c, '内' | '后' | '前')
        {
            return Err(Step::Done(m.end + c.len_utf8()));
        }
        Ok(())
    }

    /// 由目前的60%提高到80%: an amount followed by an absolute target is its baseline, whose metric
    /// is carried to that target.
    fn baseline(&mut self, seg: &mut Seg, region: usize, pre: &Prefix, p: usize) -> Settled<()> {
        let t = self.t;
        let next = t.get(p..seg.end).unwrap_or("").trim_start();
        if ABSOLUTE.iter().any(|(w, _)| next.starts_with(w)) {
            let words = sl(t, region, pre.start);
            let before = words.rfind(['由', '从']).and_then(|i| words.get(..i)).unwrap_or(words);
            let metric = strip_trailing(strip_de(strip_verbs(strip_leading(before))));
            self.carried = (!metric.is_empty()).then(|| metric.to_string());
            seg.consumed = true;
            return Err(Step::Done(p));
        }
        Ok(())
    }

    /// 以上/以下/以内 after a short noun (覆盖3个县以上) when none follows the amount itself: moves
    /// `after` past it, and says whether it did, since the reading is then less sure.
    fn gap_postfix(&self, after: &mut After, limit: usize) -> bool {
        if after.post.is_none()
            && let Some((op, end)) = gap_postfix(self.t, after.end, limit)
        {
            after.post = Some(op);
            after.end = end;
            return true;
        }
        false
    }

    /// A bare number with no unit and no comparator is believed only where its phrase ends
    /// (分离因子30，…), not inside a name (工业4.0时代); a Chinese numeral likewise (两项 but not
    /// 一种新型).
    fn lone_number(&self, found: &Found, limit: usize) -> Settled<()> {
        let t = self.t;
        let end = found.m.end;
        if !found.has_unit() && !found.shaped() {
            if !unit::phrase_ends(t, end, limit) {
                return Err(Step::Skip(end));
            }
            if !has_words(sl(t, found.region, found.pre.start)) {
                // Nothing says what a lone number measures. The region has no words to keep,
                // so it restarts here, which also keeps this check from rescanning it.
                return Err(Step::Done(end));
            }
        }
        if found.m.amt.chinese && !found.explicit() && found.after.post.is_none() && !unit::phrase_ends(t, end, limit) {
            return Err(Step::Skip(end));
        }
        Ok(())
    }

    /// The words since the previous target: the deliverables joined by 并/且 go to `out`, and the
    /// last clause's words name this target, a change verb opening them giving its change.
    fn words(&self, found: &Found, out: &mut Vec<Indicator>) -> Words<'a> {
        let pre = &found.pre;
        let (start, cuts) = self.split_region(found.region, pre.start.max(found.region));
        let mut from = found.region;
        for (s, e) in cuts {
            self.deliverable(from, s, out);
            from = e;
        }
        let raw = sl(self.t, start, pre.start);
        let opened = strip_leading(raw);
        let mut change = pre.change;
        let mut absolute = pre.absolute;
        let mut body = opened;
        if change.is_none()
            && absolute.is_none()
            && let Some((dir, rest)) = leading_change(opened)
        {
            body = rest;
            if pre.to_marker {
                absolute = Some(dir); // 提高产品合格率到98%
            } else {
                change = Some(dir); // 降低水肥施用10%
            }
        }
        let body = strip_trailing(strip_de(strip_verbs(body)));
        if change.is_none() && absolute.is_none() {
            change = lists().change_nouns.longest_suffix(body).map(|(_, d)| d);
        }
        Words { start, raw, body, change, absolute }
    }

    /// An amount that sets the scene for the next target (在25℃条件下) is its condition.
    fn sets_scene(&mut self, seg: &mut Seg, found: &Found, words: &Words) -> Settled<()> {
        if let Some(after) = condition_marker(self.t, found.after.end, seg.end) {
            let condition = strip_leading(sl(self.t, words.start, after).trim());
            self.pending = (!condition.is_empty()).then(|| condition.to_string());
            seg.consumed = true;
            return Err(Step::Done(after));
        }
        Ok(())
    }

    /// 分别不低于90%、85%: a bare amount right after another shares its comparator and change.
    /// Gives the comparator written before the amount, or the shared one.
    fn shared_comparator(&self, found: &Found, words: &mut Words) -> Option<Op> {
        if found.pre.op.is_none()
            && found.after.post.is_none()
            && words.change.is_none()
            && words.absolute.is_none()
            && words.raw.trim_matches(|c: char| c.is_whitespace() || "、和及".contains(c)).is_empty()
            && let Some((op, ch)) = self.last
        {
            words.change = ch;
            return Some(op);
        }
        found.pre.op
    }

    /// A bare amount without a metric that runs straight into a comparator qualifies the target
    /// that follows (-20℃放电容量保持率不低于85%): it becomes that target's condition.
    fn qualifies_next(&mut self, seg: &mut Seg, found: &Found, words: &Words, pre_op: Option<Op>) -> Settled<()> {
        let p = found.after.end;
        let bare = pre_op.is_none() && found.after.post.is_none() && words.change.is_none() && words.absolute.is_none();
        if words.body.is_empty() && bare && self.carried.is_none() && leads_to_comparator(self.t, p, seg.end) {
            let condition = sl(self.t, words.start, p).trim();
            self.pending = (!condition.is_empty()).then(|| condition.to_string());
            seg.consumed = true;
            return Err(Step::Done(p));
        }
        Ok(())
    }

    /// What the target measures: its words; else the metric carried from a baseline, the change
    /// verb (节水30%), the noun after the number, the unit written first, or the guide's own
    /// words, each guess lowering the confidence. A lone number that nothing names is no target.
    fn metric(&mut self, found: &Found, words: &Words, limit: usize) -> Settled<Metric> {
        let t = self.t;
        let p = found.after.end;
        let mut confidence = 1.0f64;
        let mut src_end = p;
        let carried = self.carried.take();
        let body = if has_words(words.body) { words.body } else { "" };
        // A verb alone (接入不少于20家医疗机构) does not say what is counted; the noun after the
        // number does.
        let verb_only = is_verb(body);
        let trailing = verb_only.then(|| trailing_metric(t, p, limit)).flatten();
        let name = if let Some((m, e)) = trailing {
            confidence *= 0.9;
            src_end = e;
            m.to_string()
        } else if verb_only {
            confidence = confidence.min(DOUBTFUL);
            body.to_string()
        } else if !body.is_empty() {
            body.to_string()
        } else if let Some(m) = carried {
            m
        } else if let Some(w) =
            found.pre.change_word.filter(|w| !["提升", "提高", "增加", "增长", "降低", "减少", "下降"].contains(w))
        {
            confidence *= 0.9;
            w.to_string()
        } else if let Some((m, e)) = trailing_metric(t, p, limit) {
            confidence *= 0.9;
            src_end = e;
            m.to_string()
        } else if let Some(u) = found.unit_before {
            confidence *= 0.8;
            u.to_string()
        } else if found.shaped() || found.has_unit() {
            // Nothing names the metric (不少于两项 on its own): the guide's words stand in, so
            // that staff see what was read; the metric is never empty (Indicator::check).
            confidence *= 0.7;
            sl(t, words.start, p).trim().to_string()
        } else {
            return Err(Step::Done(src_end)); // a lone number: nothing says what it measures
        };
        Ok(Metric { name, confidence, src_end })
    }

    /// The metric's confidence lowered for what makes the reading a guess (no comparator, a unit
    /// not in the table, a fragment, a range of findings, a Chinese numeral, an approximation),
    /// rounded. The factors apply in this order, which fixes the rounded figures.
    fn confidence(
        &self,
        seg: &Seg,
        found: &Found,
        metric: &Metric,
        pre_op: Option<Op>,
        absolute: Option<Change>,
    ) -> f64 {
        let mut confidence = metric.confidence;
        let m = &found.m;
        if m.hi.is_none()
            && pre_op.is_none()
            && found.after.post.is_none()
            && absolute.is_none()
            && !found.pre.plus_minus
        {
            confidence *= 0.9;
        }
        match m.unit.as_ref().map(|u| u.kind) {
            Some(Kind::Ascii) => confidence *= 0.85,
            Some(Kind::Guess) => confidence *= 0.6,
            None if found.unit_before.is_none() && !found.shaped() => confidence *= 0.6,
            _ => {}
        }
        // A metric that opens with a bracket is a fragment of a sentence; a range read where the
        // guide speaks of findings (揭示2-3个机制) is rarely a target to measure.
        if metric.name.starts_with(['(', '（', '[', '【', '〔'])
            || (m.hi.is_some() && FINDING_VERBS.iter().any(|w| sl(self.t, seg.start, found.b).contains(w)))
        {
            confidence = confidence.min(DOUBTFUL);
        }
        if m.amt.chinese {
            confidence *= 0.9;
        }
        if m.approx || found.pre.approx || found.after.around || found.gap {
            confidence *= 0.9;
        }
        round2(confidence)
    }

    /// Adds the target to `out`: its condition is its own or the one waiting for it, and its
    /// comparator and change are kept for a list that shares them.
    fn push(
        &mut self,
        found: Found,
        words: &Words,
        metric: Metric,
        op: Op,
        change: Option<Change>,
        out: &mut Vec<Indicator>,
    ) -> Step {
        let condition = found.after.condition.or_else(|| self.pending.take());
        if op != Op::Between {
            self.last = Some((op, change));
        }
        let raw = words.raw;
        let src_start =
            words.start + (raw.len() - raw.trim_start_matches(|c: char| c.is_whitespace() || c == '的').len());
        let Measure { lo, hi, unit, .. } = found.m;
        out.push(Indicator {
            metric: metric.name,
            op,
            value: if hi.is_some() { None } else { Some(lo) },
            min: hi.map(|_| lo),
            max: hi,
            unit: unit.map(|u| u.canon).or_else(|| found.unit_before.map(str::to_string)),
            change,
            condition,
            source: sl(self.t, src_start.min(found.b), metric.src_end).to_string(),
            confidence: metric.confidence,
        });
        Step::Done(metric.src_end)
    }
}

/// A count of indicators themselves (考核指标…至少2项) is a rule, not a target; an amount after a
/// word of funding or applicants (驻外时间不少于6个月, 资助额度不超过150万元) is a requirement.
fn not_a_target(seg: &mut Seg, found: &Found) -> Settled<()> {
    if seg.indicators_word.is_some_and(|i| i < found.b) && found.m.canon().is_none_or(|c| INDICATOR_COUNTS.contains(&c))
    {
        seg.meta = true;
        return Err(Step::Done(found.after.end));
    }
    if seg.funding_word.is_some_and(|i| i < found.b) {
        seg.consumed = true;
        return Err(Step::Done(found.after.end));
    }
    Ok(())
}

/// 3年以内完成…: a period with 以内 and no metric is a deadline.
fn deadline_within(found: &Found, words: &Words) -> Settled<()> {
    if words.body.is_empty()
        && found.m.canon().is_some_and(unit::is_period)
        && !found.explicit()
        && found.after.post == Some(Op::Le)
    {
        return Err(Step::Done(found.after.end));
    }
    Ok(())
}

/// The comparator: a range is between; ± is a tolerance (误差±0.5℃, 精度达到±0.1 mm) unless a
/// comparator says less; then the written comparator, the direction of an absolute target, or, for
/// a bare amount, a minimum.
fn comparator(found: &Found, pre_op: Option<Op>, absolute: Option<Change>) -> Op {
    let written = pre_op.or(found.after.post);
    if found.m.hi.is_some() {
        Op::Between
    } else if found.pre.plus_minus && !matches!(written, Some(Op::Le | Op::Lt)) {
        Op::Le
    } else if let Some(op) = written {
        op
    } else if let Some(dir) = absolute {
        if dir == Change::Decrease { Op::Le } else { Op::Ge }
    } else {
        Op::Ge
    }
}

/// Rounds a confidence to two decimals so that products of factors print cleanly.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
