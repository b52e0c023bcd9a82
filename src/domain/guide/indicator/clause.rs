//! Clauses and their segments: where amounts are looked for, and how each segment ends.

mod quantity;

use super::around::{postfix_word, separator_at};
use super::brackets::{Span, bracket_spans, closer_of};
use super::chars::{
    ch_at, ch_before, is_digit_lookalike, is_soft_boundary, letter_for_digit, list_marker_len, sl, starts_number,
};
use super::strip::{strip_de, strip_leading, strip_trailing};
use super::words::{FUNDING, has_words, lists, longest_prefix, sets_target};
use super::{ReadState, Reading, Suspect};
use crate::domain::guide::model::{Change, Indicator, Op};
use crate::domain::guide::unit::{self, Numeral};

/// What follows an amount.
struct After {
    /// Where the amount's words end.
    end: usize,
    /// 以上 / 以下 / 以内.
    post: Option<Op>,
    /// A bracketed test condition.
    condition: Option<String>,
    /// 左右: approximate.
    around: bool,
}

/// What reading one amount led to.
enum Step {
    /// Not a quantity; keep scanning at this offset.
    Skip(usize),
    /// A quantity (a target or one that is not a target); the next metric starts here.
    Done(usize),
}

/// One soft segment of a clause.
struct Seg {
    start: usize,
    end: usize,
    /// A quantity here counts indicators (至少2项): the segment is a rule, not a target.
    meta: bool,
    /// Offset of the first 指标 in the segment.
    indicators_word: Option<usize>,
    /// Offset of the first funding or applicant word in the segment.
    funding_word: Option<usize>,
    /// An amount here was understood without becoming a target: a deadline, a baseline, a test
    /// condition, a requirement on applicants.
    consumed: bool,
}

/// How one segment of a clause ended, for the words that became nothing.
pub(super) struct Outcome {
    start: usize,
    end: usize,
    /// It gave an indicator or a deliverable, or its words were understood otherwise.
    read: bool,
}

/// One hard clause (between `；` `。` or line breaks).
pub(super) struct Clause<'a> {
    t: &'a str,
    spans: Vec<Span>,
    /// A test condition (在25℃条件下) waiting for the target it qualifies.
    pending: Option<String>,
    /// The metric of a baseline (合格率由60%提高到80%), for the target that follows it.
    carried: Option<String>,
    /// Comparator and change of the previous target in the segment, for a list that shares them
    /// (分别不低于90%、85%).
    last: Option<(Op, Option<Change>)>,
    /// How each segment ended, in order.
    outcomes: Vec<Outcome>,
    /// A segment states a rule about choosing indicators (至少2项).
    rule: bool,
    /// Numbers with a letter for a digit, in order.
    suspects: Vec<Suspect>,
}

impl<'a> Clause<'a> {
    /// Reads `t[start..end]` into `reading`.
    pub(super) fn parse(t: &'a str, start: usize, end: usize, reading: &mut Reading, state: &mut ReadState) {
        if start >= end {
            return;
        }
        let out = &mut reading.indicators;
        let mut clause = Clause {
            t,
            spans: bracket_spans(t, start, end),
            pending: None,
            carried: None,
            last: None,
            outcomes: std::mem::take(&mut state.outcomes),
            rule: false,
            suspects: Vec::new(),
        };
        let first = out.len();
        let mut seg_start = start;
        let mut k = 0;
        let mut p = start;
        while p < end {
            if let Some(sp) = clause.spans.get(k)
                && sp.open <= p
            {
                // Commas inside brackets do not split.
                p = p.max(sp.close_end);
                k += 1;
                continue;
            }
            let Some(c) = ch_at(t, p) else { break };
            if is_soft_boundary(t, p, c) {
                clause.segment(seg_start, p, out);
                seg_start = p + c.len_utf8();
            }
            p += c.len_utf8();
        }
        clause.segment(seg_start, end, out);
        // A condition with no target after it qualifies the one before it.
        if let Some(cond) = clause.pending.take()
            && let Some(last) = out.get_mut(first..).and_then(|s| s.iter_mut().rev().find(|i| i.op != Op::Deliverable))
            && last.condition.is_none()
        {
            last.condition = Some(cond);
        }
        reading.suspects.append(&mut clause.suspects);
        state.in_rule = clause.rule || (state.in_rule && list_marker_len(sl(t, start, end).trim_start()) > 0);
        if !state.in_rule {
            clause.unread(&mut reading.unread);
        }
        state.outcomes = clause.outcomes;
        state.outcomes.clear();
    }

    /// Adds the segments that became nothing to `unread`, adjacent ones as one range. A segment
    /// without a word of a target before segments that were read is their context.
    fn unread(&self, unread: &mut Vec<std::ops::Range<usize>>) {
        if self.outcomes.iter().all(|o| o.read) {
            return;
        }
        let last_read = self.outcomes.iter().rposition(|o| o.read);
        let mut previous_unread = false;
        for (i, o) in self.outcomes.iter().enumerate() {
            let missed = !o.read && {
                let text = sl(self.t, o.start, o.end);
                let body = text.get(list_marker_len(text)..).unwrap_or("");
                let later_read = last_read.is_some_and(|l| l > i);
                has_words(body) && (!later_read || sets_target(body))
            };
            if missed {
                match unread.last_mut() {
                    Some(last) if previous_unread => last.end = o.end,
                    _ => unread.push(o.start..o.end),
                }
            }
            previous_unread = missed;
        }
    }

    /// The bracket pair opening exactly at `p`.
    fn span_at(&self, p: usize) -> Option<Span> {
        if ch_at(self.t, p).is_none_or(|c| closer_of(c).is_none()) {
            return None;
        }
        let i = self.spans.partition_point(|s| s.open < p);
        self.spans.get(i).filter(|s| s.open == p).copied()
    }

    /// Splits `t[lo..hi]` at separators outside brackets: where the last target's own words start,
    /// and the clause-joining separators (并, 且 …) as `(start, end)` pairs.
    fn split_region(&self, lo: usize, hi: usize) -> (usize, Vec<(usize, usize)>) {
        let t = self.t;
        let mut sub = lo;
        let mut cuts = Vec::new();
        let mut k = self.spans.partition_point(|s| s.close_end <= lo);
        let mut p = lo;
        while p < hi {
            if let Some(sp) = self.spans.get(k)
                && sp.open <= p
            {
                p = p.max(sp.close_end);
                k += 1;
                continue;
            }
            let Some(c) = ch_at(t, p) else { break };
            if let Some((start, end, joins)) = separator_at(t, lo, p, c) {
                sub = end;
                if joins {
                    cuts.push((start, end));
                }
                p = end.max(p + c.len_utf8());
                continue;
            }
            p += c.len_utf8();
        }
        (sub.min(hi), cuts)
    }

    /// Reads one soft segment.
    fn segment(&mut self, s0: usize, s1: usize, out: &mut Vec<Indicator>) {
        let t = self.t;
        let raw = sl(t, s0, s1);
        let s1 = s0 + raw.trim_end().len();
        let s0 = s0 + (raw.len() - raw.trim_start().len());
        if s0 >= s1 {
            return;
        }
        let text = sl(t, s0, s1);
        let mut seg = Seg {
            start: s0,
            end: s1,
            meta: false,
            indicators_word: text.find("指标").map(|i| s0 + i),
            funding_word: FUNDING.iter().filter_map(|w| text.find(w)).min().map(|i| s0 + i),
            consumed: false,
        };
        let out_start = out.len();
        let suspects_start = self.suspects.len();
        self.carried = None;
        self.last = None;
        let body = s0 + list_marker_len(text);
        let mut region = body;
        let mut p = body;
        let mut k = self.spans.partition_point(|s| s.close_end <= p);
        while p < s1 {
            if let Some(sp) = self.spans.get(k)
                && sp.open <= p
            {
                // Numbers inside brackets are never targets.
                p = p.max(sp.close_end);
                k += 1;
                continue;
            }
            let Some(c) = ch_at(t, p) else { break };
            if (c.is_ascii_digit() || is_digit_lookalike(c))
                && let Some(end) = letter_for_digit(t, p, s1)
            {
                // Not a target (its digit would be a guess) but a warning; what follows it, 以上
                // or a condition, is its own, and the next target's metric starts after that.
                self.suspects.push(Suspect { segment: s0..s1, found: p..end });
                p = self.read_after(end, s1).end;
                region = p;
                continue;
            }
            if starts_number(t, p, c) {
                match self.quantity(&mut seg, region, p, out) {
                    Step::Skip(next) => p = next.max(p + c.len_utf8()),
                    Step::Done(next) => {
                        p = next.max(p + c.len_utf8());
                        region = p;
                    }
                }
                continue;
            }
            p += c.len_utf8();
        }
        if seg.meta {
            // A rule about which indicators to choose: keep it as one deliverable for review.
            out.truncate(out_start);
            out.push(Indicator::deliverable(strip_trailing(strip_leading(text)).to_string(), text.to_string(), 0.5));
            self.rule = true;
        } else {
            self.deliverables(region.min(s1), s1, out);
        }
        let read = out.len() > out_start || seg.consumed || seg.meta || self.suspects.len() > suspects_start;
        self.outcomes.push(Outcome { start: s0, end: s1, read });
    }

    /// Deliverables in `t[lo..hi]`, one per clause joined by 并/且.
    fn deliverables(&self, lo: usize, hi: usize, out: &mut Vec<Indicator>) {
        let (_, cuts) = self.split_region(lo, hi);
        let mut from = lo;
        for (s, e) in cuts {
            self.deliverable(from, s, out);
            from = e;
        }
        self.deliverable(from, hi, out);
    }

    /// A deliverable if `t[lo..hi]` opens with a producing verb and names an object.
    fn deliverable(&self, lo: usize, hi: usize, out: &mut Vec<Indicator>) {
        let raw = sl(self.t, lo, hi);
        let s = strip_leading(raw);
        let Some(verb) = longest_prefix(s, &lists().deliverable_verbs) else { return };
        let rest = s.get(verb.len()..).unwrap_or("");
        let rest = ["出", "起", "了"].iter().find_map(|w| rest.strip_prefix(w)).unwrap_or(rest);
        let object = strip_trailing(strip_de(rest.trim()));
        if object.chars().count() < 2 {
            return;
        }
        let start = lo + (raw.len() - s.len());
        let end = lo + raw.trim_end().len();
        out.push(Indicator::deliverable(object.to_string(), sl(self.t, start, end).to_string(), 0.9));
    }

    /// Reads what follows an amount ending at `end`: bracketed conditions, (含), 以上/以下/以内,
    /// 左右, in any order, at most three of them.
    fn read_after(&self, end: usize, limit: usize) -> After {
        let t = self.t;
        let mut after = After { end, post: None, condition: None, around: false };
        for _ in 0..3 {
            let q = if ch_at(t, after.end) == Some(' ') { after.end + 1 } else { after.end };
            if let Some(sp) = self.span_at(q) {
                if !sp.paren {
                    break;
                }
                let inner_start = sp.open + ch_at(t, sp.open).map_or(1, char::len_utf8);
                let inner_end = sp.close_end - ch_before(t, sp.close_end).map_or(1, char::len_utf8);
                let inner = sl(t, inner_start, inner_end).trim();
                let unit_only =
                    unit::after_number(t, inner_start, inner_end, Numeral::Digits).is_some_and(|u| u.end == inner_end);
                if unit_only || (inner.starts_with('含') && inner.chars().count() <= 4) {
                    // 3个(种) names the unit again; (含) means inclusive, which >= and <= already are.
                    after.end = sp.close_end;
                    continue;
                }
                if after.condition.is_some() || inner.is_empty() {
                    break;
                }
                after.condition = Some(inner.to_string());
                after.end = sp.close_end;
                continue;
            }
            let Some((op, len)) = postfix_word(t, q, limit) else { break };
            match op {
                Some(op) => {
                    after.post.get_or_insert(op);
                }
                None => after.around = true,
            }
            after.end = q + len;
        }
        after
    }
}
