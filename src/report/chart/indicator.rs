//! One indicator's progress over its execution period: the planned trajectory through the checkpoints,
//! the verified values, the reported values still waiting for review, the target, the forecast to the
//! end of the period and the as-of date.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::date_axis::DateAxis;
use super::layout::{ABOVE_PLOT, Mark, SIDE, draw_today, legend_band, title_band};
use super::{
    AXIS, ChartError, GRID, LABEL_EM, Labels, MUTED, TICK_EM, anchored, bold, format_number, status_colour, text,
    text_width,
};
use crate::domain::guide::model::Change;
use crate::domain::status::Status;

/// What [`super::Chart::Indicator`] draws. Values are in the target's terms (the change in % for a
/// relative target) and, for an indicator whose evidence adds up, cumulative; non-finite values are
/// left out.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChart {
    /// The title, usually the indicator's short text; empty for none.
    pub title: String,
    /// The unit of the values ("亩", "%", "人次"), shown over the value axis and after the target and
    /// forecast; may be empty.
    pub unit: String,
    /// Set for a relative target: the values are its change against the baseline in % in the
    /// direction it asks for (a fall, for a decrease), and the value axis says so instead of the unit.
    pub change: Option<Change>,
    /// The first day of the execution period.
    pub start: NaiveDate,
    /// The last day of the execution period.
    pub end: NaiveDate,
    /// The date the chart is drawn as of, marked with a vertical line.
    pub as_of: NaiveDate,
    /// Where the planned line starts on the first day (the baseline, or 0 for a count); `None` starts
    /// it at the first checkpoint.
    pub plan_start: Option<f64>,
    /// The checkpoints' due dates and planned values.
    pub checkpoints: Vec<(NaiveDate, f64)>,
    /// The final target; `None` when it has no single number (a physical range). For a lower-is-better
    /// target it is drawn the same way, the line being the ceiling instead of the floor.
    pub target: Option<f64>,
    /// Verified values by measurement date.
    pub verified: Vec<(NaiveDate, f64)>,
    /// Reported values still waiting for review, by measurement date.
    pub pending: Vec<(NaiveDate, f64)>,
    /// The value the verified pace leads to by the end of the period, drawn from the last verified value.
    pub forecast: Option<f64>,
}

/// The planned trajectory and checkpoints: a quiet grey, since it is the reference, not the news.
const PLANNED: RGBColor = RGBColor(0x7b, 0x86, 0x94);
/// Reported values waiting for review: Okabe and Ito's reddish purple, apart from every status colour.
const PENDING: RGBColor = RGBColor(0xcc, 0x79, 0xa7);

/// Sorted by date (stable, so same-day values keep their order), without non-finite values.
fn finite_by_date(points: &[(NaiveDate, f64)]) -> Vec<(NaiveDate, f64)> {
    let mut points: Vec<_> = points.iter().copied().filter(|(_, value)| value.is_finite()).collect();
    points.sort_by_key(|(date, _)| *date);
    points
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &IndicatorChart,
    labels: &Labels,
) -> Result<(), ChartError> {
    let verified_colour = status_colour(Status::OnTrack);
    let target_colour = status_colour(Status::Achieved);
    let finite = |value: Option<f64>| value.filter(|value| value.is_finite());
    let checkpoints = finite_by_date(&chart.checkpoints);
    let verified = finite_by_date(&chart.verified);
    let pending = finite_by_date(&chart.pending);
    let target = finite(chart.target);
    if target.is_none() && checkpoints.is_empty() && verified.is_empty() && pending.is_empty() {
        return Err(ChartError::NothingToDraw);
    }
    let planned: Vec<(NaiveDate, f64)> = finite(chart.plan_start)
        .map(|value| (chart.start, value))
        .into_iter()
        .chain(checkpoints.iter().copied())
        .collect();
    let forecast = match (finite(chart.forecast), verified.last()) {
        (Some(value), Some(&last)) if last.0 < chart.end => vec![last, (chart.end, value)],
        _ => Vec::new(),
    };

    let mut legend = Vec::new();
    if !planned.is_empty() {
        legend.push((Mark::Line(PLANNED), labels.planned.as_str()));
    }
    if !verified.is_empty() {
        legend.push((Mark::LineDot(verified_colour), labels.verified.as_str()));
    }
    if !pending.is_empty() {
        legend.push((Mark::Ring(PENDING), labels.pending.as_str()));
    }
    if target.is_some() {
        legend.push((Mark::Line(target_colour), labels.target.as_str()));
    }
    if !forecast.is_empty() {
        legend.push((Mark::Dashed(verified_colour), labels.forecast.as_str()));
    }
    let area = title_band(root, &chart.title)?;
    let area = legend_band(&area, &legend)?;

    let dates = planned.iter().chain(&verified).chain(&pending).map(|(date, _)| *date);
    let x_axis = DateAxis::new(chart.start, chart.end, dates.chain([chart.as_of]));
    let (lo, hi) = planned
        .iter()
        .chain(&verified)
        .chain(&pending)
        .chain(&forecast)
        .map(|(_, value)| *value)
        .chain(target)
        .fold((0.0_f64, 0.0_f64), |(lo, hi), value| (lo.min(value), hi.max(value)));
    // Room above the highest value for the target's label, and below a negative one for its marker;
    // an all-zero chart (a target of 0 with no evidence yet) still needs a span to draw.
    let span = hi - lo;
    let y_range = if span > f64::EPSILON {
        (if lo < 0.0 { lo - span * 0.08 } else { lo })..hi + span * 0.1
    } else {
        lo..lo + 1.0
    };

    let tick_style = text(TICK_EM).color(&MUTED);
    let y_label_width = [y_range.start, y_range.end]
        .into_iter()
        .map(|value| text_width(&area, &format!("{}.0", format_number(value)), &tick_style))
        .try_fold(0, |widest, width| width.map(|width| widest.max(width)))?;
    let (width, _) = area.dim_in_pixel();
    let mut plot = ChartBuilder::on(&area)
        .margin_top(34)
        .margin_right(28)
        .margin_left(SIDE)
        .margin_bottom(6)
        .x_label_area_size(34)
        .y_label_area_size(y_label_width + 20)
        .build_cartesian_2d(x_axis, y_range.clone())?;
    plot.configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_labels(usize::try_from(width / 110).unwrap_or(6))
        .y_labels(7)
        .label_style(tick_style.clone())
        .y_label_formatter(&|value| format_number(*value))
        .draw()?;
    let pixels = plot.plotting_area().get_pixel_range();
    let (x_lo, x_hi) = (plot.x_range().start, plot.x_range().end);

    let axis = match chart.change {
        Some(Change::Increase) => &labels.change_axis,
        Some(Change::Decrease) => &labels.decrease_axis,
        None => &chart.unit,
    };
    if !axis.is_empty() {
        root.draw(&Text::new(
            axis.clone(),
            (pixels.0.start - 8, pixels.1.start - ABOVE_PLOT),
            anchored(tick_style.clone(), HPos::Right, VPos::Bottom),
        ))?;
    }
    if let Some(target) = target {
        plot.draw_series([PathElement::new(vec![(x_lo, target), (x_hi, target)], target_colour.stroke_width(2))])?;
        let (_, y) = plot.backend_coord(&(x_lo, target));
        let label = format!("{} {}{}", labels.target, format_number(target), chart.unit);
        root.draw(&Text::new(
            label,
            (pixels.0.start + 8, y - 4),
            anchored(bold(LABEL_EM).color(&target_colour), HPos::Left, VPos::Bottom),
        ))?;
    }
    if !planned.is_empty() {
        // A line needs two points; one alone is its marker (a one-point polyline is invalid SVG).
        if planned.len() > 1 {
            plot.draw_series(LineSeries::new(planned.iter().copied(), PLANNED.stroke_width(2)))?;
        }
        plot.draw_series(checkpoints.iter().map(|point| {
            EmptyElement::at(*point)
                + Rectangle::new([(-5, -5), (5, 5)], WHITE.filled())
                + Rectangle::new([(-5, -5), (5, 5)], PLANNED.stroke_width(2))
        }))?;
    }
    if let (Some(from), Some(to)) = (forecast.first(), forecast.last()) {
        plot.draw_series([DashedPathElement::new(vec![*from, *to], 8, 6, verified_colour.stroke_width(2))])?;
        let (x, y) = plot.backend_coord(to);
        let label = format!("{} {}{}", labels.forecast, format_number(to.1), chart.unit);
        let style = text(TICK_EM).color(&verified_colour);
        // On the side of the end point the dashed line does not come from: above a rising forecast,
        // below a falling one, kept inside the plot.
        let (y, v) = if to.1 < from.1 {
            ((y + 8).min(pixels.1.end - 22), VPos::Top)
        } else {
            ((y - 8).max(pixels.1.start + 20), VPos::Bottom)
        };
        root.draw(&Text::new(label, (x, y), anchored(style, HPos::Right, v)))?;
    }
    if !verified.is_empty() {
        if verified.len() > 1 {
            plot.draw_series(LineSeries::new(verified.iter().copied(), verified_colour.stroke_width(3)))?;
        }
        plot.draw_series(verified.iter().map(|point| Circle::new(*point, 5, verified_colour.filled())))?;
    }
    plot.draw_series(pending.iter().map(|point| {
        EmptyElement::at(*point)
            + Circle::new((0, 0), 6, WHITE.filled())
            + Circle::new((0, 0), 6, PENDING.stroke_width(2))
    }))?;
    let (x, _) = plot.backend_coord(&(chart.as_of, y_range.start));
    draw_today(root, &pixels, x, (chart.as_of, &labels.today), pixels.0.start)?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::{assert_svg_text_in_bundled_font, count, d, decode, has_text, keep, zh};
    use super::super::{Chart, status_hex};
    use super::*;

    /// 示范推广种植面积 20000 亩 over three years, half-way through.
    pub(in super::super) fn planting() -> IndicatorChart {
        IndicatorChart {
            title: "示范推广种植面积 (≥20000亩)".into(),
            unit: "亩".into(),
            change: None,
            start: d(2024, 7, 1),
            end: d(2027, 6, 30),
            as_of: d(2025, 12, 31),
            plan_start: Some(0.0),
            checkpoints: vec![(d(2025, 12, 31), 10000.0), (d(2027, 6, 30), 20000.0)],
            target: Some(20000.0),
            verified: vec![(d(2024, 11, 20), 1500.0), (d(2025, 4, 15), 4200.0), (d(2025, 9, 30), 7600.0)],
            pending: vec![(d(2025, 12, 10), 9100.0)],
            forecast: Some(14500.0),
        }
    }

    fn svg(chart: &IndicatorChart) -> Result<String, ChartError> {
        Chart::Indicator(chart).svg(&zh())
    }

    /// The numbers an SVG's texts read (the value axis's ticks among them).
    fn numbers(svg: &str) -> Vec<f64> {
        svg.split("</text>").filter_map(|text| text.rsplit('>').next()?.trim().parse().ok()).collect()
    }

    #[test]
    fn the_svg_shows_every_series_with_its_labels() {
        let chart = planting();
        let svg = svg(&chart).unwrap();
        let png = Chart::Indicator(&chart).png(&zh()).unwrap();
        keep("indicator", &png, &svg);
        decode(&png, (800, 480));
        assert_svg_text_in_bundled_font(&svg);
        for label in [
            "示范推广种植面积 (≥20000亩)",
            "计划",
            "已审核",
            "待审核",
            "目标 20000亩",
            "预测 14500亩",
            "截至 2025-12-31",
        ] {
            assert!(svg.contains(label), "{label} missing");
        }
        assert!(has_text(&svg, "亩"), "the unit over the value axis");
        // Three verified dots and the legend's, one pending ring (over a white disc) and the legend's.
        let blue = status_hex(Status::OnTrack).to_uppercase();
        assert_eq!(count(&svg, "<circle"), 4 + 2 + 1);
        assert_eq!(count(&svg, &format!("fill=\"{blue}\" stroke=\"none\"")), 3 + 1);
        assert_eq!(count(&svg, "fill=\"none\" stroke=\"#CC79A7\""), 1 + 1);
        // Two checkpoints, grey squares.
        assert_eq!(count(&svg, "fill=\"none\" stroke=\"#7B8694\"/>"), 2);
    }

    #[test]
    fn the_value_axis_reaches_the_target_and_values_far_above_it() {
        let chart = IndicatorChart {
            title: "发酵产量预测精度".into(),
            unit: "%".into(),
            checkpoints: vec![(d(2026, 6, 30), 90.0)],
            target: Some(95.0),
            plan_start: None,
            verified: vec![(d(2025, 3, 1), 480.0)],
            pending: Vec::new(),
            forecast: None,
            ..planting()
        };
        let svg = svg(&chart).unwrap();
        assert!(numbers(&svg).into_iter().fold(0.0, f64::max) >= 480.0, "ticks up to the high value");
        assert!(svg.contains("目标 95%"));
        assert!(!has_text(&svg, "待审核") && !has_text(&svg, "预测"), "absent series stay out of the legend");
    }

    #[test]
    fn a_relative_target_says_on_its_axis_that_the_values_are_changes_against_the_baseline() {
        // 产量提升10%以上: the values are changes in %, not the tons the PI reported.
        let rise = IndicatorChart {
            title: "产量".into(),
            unit: "%".into(),
            change: Some(Change::Increase),
            checkpoints: vec![(d(2025, 12, 31), 10.0), (d(2027, 6, 30), 10.0)],
            target: Some(10.0),
            verified: vec![(d(2025, 4, 15), 5.0), (d(2025, 9, 30), 8.0)],
            pending: Vec::new(),
            forecast: Some(14.0),
            ..planting()
        };
        let drawn = svg(&rise).unwrap();
        assert!(has_text(&drawn, "较基线变化 %"), "the value axis names what the numbers are");
        assert!(!has_text(&drawn, "%"), "not a bare % over the axis");
        assert!(drawn.contains("预测 14%") && drawn.contains("目标 10%"), "forecast and target in the same terms");
        let fall = IndicatorChart { change: Some(Change::Decrease), ..rise };
        assert!(has_text(&svg(&fall).unwrap(), "较基线降低 %"), "a decrease is drawn as the fall it asks for");
    }

    #[test]
    fn a_deliverable_has_nothing_to_draw() {
        let chart = IndicatorChart {
            target: None,
            checkpoints: Vec::new(),
            verified: Vec::new(),
            pending: vec![(d(2025, 1, 1), f64::NAN)],
            forecast: None,
            ..planting()
        };
        assert!(matches!(svg(&chart), Err(ChartError::NothingToDraw)));
        assert!(matches!(Chart::Indicator(&chart).png(&zh()), Err(ChartError::NothingToDraw)));
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        let base = planting();
        let cases = [
            // No evidence yet.
            IndicatorChart { verified: Vec::new(), pending: Vec::new(), forecast: None, ..base.clone() },
            // A single verified point, no plan.
            IndicatorChart {
                checkpoints: Vec::new(),
                plan_start: None,
                verified: vec![(d(2025, 1, 1), 3.0)],
                pending: Vec::new(),
                ..base.clone()
            },
            // Negative values (a change that went the wrong way).
            IndicatorChart {
                unit: "%".into(),
                pending: Vec::new(),
                target: Some(15.0),
                checkpoints: vec![(d(2027, 6, 30), 15.0)],
                verified: vec![(d(2025, 1, 1), -12.5), (d(2025, 6, 1), -4.0)],
                forecast: Some(-1.0),
                ..base.clone()
            },
            // A lower-is-better target of 0, from a baseline of 40.
            IndicatorChart {
                unit: "起".into(),
                target: Some(0.0),
                plan_start: Some(40.0),
                checkpoints: vec![(d(2025, 12, 31), 20.0), (d(2027, 6, 30), 0.0)],
                verified: vec![(d(2025, 6, 1), 31.0)],
                pending: Vec::new(),
                forecast: Some(8.0),
                ..base.clone()
            },
            // Everything zero.
            IndicatorChart {
                target: Some(0.0),
                plan_start: None,
                checkpoints: Vec::new(),
                verified: Vec::new(),
                pending: Vec::new(),
                ..base.clone()
            },
            // A period of one day, evidence after it and an as-of date before it.
            IndicatorChart {
                unit: "人次".into(),
                start: d(2025, 6, 1),
                end: d(2025, 6, 1),
                as_of: d(2025, 5, 1),
                target: Some(40.0),
                checkpoints: vec![(d(2025, 6, 1), 40.0)],
                verified: vec![(d(2025, 7, 1), 41.0)],
                pending: Vec::new(),
                ..base.clone()
            },
            // Start equal to end, as of the same day, nothing else.
            IndicatorChart {
                start: d(2025, 6, 1),
                end: d(2025, 6, 1),
                as_of: d(2025, 6, 1),
                plan_start: None,
                checkpoints: Vec::new(),
                verified: Vec::new(),
                pending: Vec::new(),
                ..base.clone()
            },
        ];
        for (i, chart) in cases.iter().enumerate() {
            let svg = svg(chart).unwrap_or_else(|e| panic!("case {i}: {e}"));
            assert!(svg.contains("截至"), "case {i}");
            let png = Chart::Indicator(chart).png(&zh()).unwrap_or_else(|e| panic!("case {i}: {e}"));
            decode(&png, (800, 480));
            keep(&format!("indicator-edge-{i}"), &png, &svg);
        }
        let lowest = numbers(&svg(&cases[2]).unwrap()).into_iter().fold(0.0, f64::min);
        assert!(lowest <= -10.0, "the axis reaches below zero, to {lowest}");
        assert!(svg(&cases[4]).unwrap().contains("目标 0亩"), "a target of 0 on an all-zero chart");
    }

    #[test]
    fn chinese_title_pixels_are_drawn_and_depend_on_the_text() {
        let render = |title: &str| {
            let chart = IndicatorChart { title: title.into(), ..planting() };
            decode(&Chart::Indicator(&chart).png(&zh()).unwrap(), (800, 480))
        };
        // The dark pixels of the title band (the top 40 rows).
        let title_ink = |rows: &[Vec<[u8; 3]>]| {
            let mut dark = Vec::new();
            for (y, row) in rows.iter().enumerate().take(40) {
                for (x, [r, g, b]) in row.iter().enumerate() {
                    if u32::from(*r) + u32::from(*g) + u32::from(*b) < 300 {
                        dark.push((x, y));
                    }
                }
            }
            dark
        };
        let (one, other) = (render("发酵产量预测精度"), render("培养技术人员"));
        let (one_ink, other_ink) = (title_ink(&one), title_ink(&other));
        assert!(one_ink.len() > 300, "{} dark pixels", one_ink.len());
        assert!(other_ink.len() > 200, "{} dark pixels", other_ink.len());
        assert!(one_ink.len() > other_ink.len(), "eight characters take more ink than six");
        assert_ne!(one_ink, other_ink);
        // Only the title differs.
        assert!(one[40..] == other[40..]);
    }
}
