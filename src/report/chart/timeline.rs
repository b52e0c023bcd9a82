//! Checkpoints and deliverables across the execution period: one row per indicator, a marker at each
//! due date coloured by where it stands, and the as-of date.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::date_axis::DateAxis;
use super::layout::{Mark, SIDE, draw_row_labels, draw_today, label_column, legend_band, row_centre, title_band};
use super::{AXIS, ChartError, GRID, Labels, MUTED, TICK_EM, status_colour, text};
use crate::domain::status::Status;

/// What [`super::Chart::Timeline`] draws.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineChart {
    /// The title; empty for none.
    pub title: String,
    /// The first day of the execution period.
    pub start: NaiveDate,
    /// The last day of the execution period.
    pub end: NaiveDate,
    /// The date the chart is drawn as of, marked with a vertical line.
    pub as_of: NaiveDate,
    /// One row per indicator, top to bottom.
    pub rows: Vec<TimelineRow>,
}

/// One indicator of a [`TimelineChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    /// The indicator's short text; shortened with "…" when it does not fit.
    pub label: String,
    /// Its checkpoints' (or its deliverable's) due dates and where each stands.
    pub milestones: Vec<(NaiveDate, MilestoneState)>,
}

/// Where a checkpoint or deliverable stands as of the chart's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneState {
    /// Its planned value is met (or the deliverable delivered).
    Met,
    /// Due within the warning window and not met yet.
    DueSoon,
    /// Past its due date and not met.
    Overdue,
    /// Not due yet, nor within the warning window.
    Upcoming,
}

impl MilestoneState {
    /// The legend's order: done, then what needs attention, then the future.
    const ALL: [MilestoneState; 4] =
        [MilestoneState::Met, MilestoneState::Overdue, MilestoneState::DueSoon, MilestoneState::Upcoming];

    /// The status whose colour the state borrows, so that one palette serves every chart.
    fn status(self) -> Status {
        match self {
            MilestoneState::Met => Status::Achieved,
            MilestoneState::DueSoon => Status::AtRisk,
            MilestoneState::Overdue => Status::Overdue,
            MilestoneState::Upcoming => Status::NotStarted,
        }
    }

    fn label(self, labels: &Labels) -> &str {
        match self {
            MilestoneState::Met => &labels.met,
            MilestoneState::DueSoon => &labels.due_soon,
            MilestoneState::Overdue => &labels.overdue,
            MilestoneState::Upcoming => &labels.upcoming,
        }
    }

    /// Upcoming milestones are hollow: the shape, not only the grey, tells the future from the past.
    fn mark(self) -> Mark {
        let colour = status_colour(self.status());
        if self == MilestoneState::Upcoming { Mark::Ring(colour) } else { Mark::Dot(colour) }
    }
}

/// The rows' tracks: lighter than the axes, so that the markers stand out.
const TRACK: RGBColor = RGBColor(0xc9, 0xd1, 0xda);

/// The radius of a milestone marker.
const MARKER: i32 = 7;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &TimelineChart,
    labels: &Labels,
) -> Result<(), ChartError> {
    if chart.rows.is_empty() {
        return Err(ChartError::NothingToDraw);
    }
    let area = title_band(root, &chart.title)?;
    let legend: Vec<(Mark, &str)> =
        MilestoneState::ALL.into_iter().map(|state| (state.mark(), state.label(labels))).collect();
    let area = legend_band(&area, &legend)?;

    let rows = chart.rows.len();
    let dates = chart.rows.iter().flat_map(|row| row.milestones.iter().map(|(date, _)| *date));
    let x_axis = DateAxis::new(chart.start, chart.end, dates.chain([chart.as_of])).padded();
    let (x_lo, x_hi) = (x_axis.start, x_axis.end);
    let column = label_column(&area, chart.rows.iter().map(|row| &row.label))?;
    let (width, _) = area.dim_in_pixel();
    let mut plot = ChartBuilder::on(&area)
        .margin_top(34)
        .margin_right(36)
        .margin_left(SIDE)
        .margin_bottom(6)
        .x_label_area_size(34)
        .y_label_area_size(column)
        .build_cartesian_2d(x_axis, 0.0..rows as f64)?;
    plot.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_labels(usize::try_from(width / 100).unwrap_or(6))
        .label_style(text(TICK_EM).color(&MUTED))
        .draw()?;
    let pixels = plot.plotting_area().get_pixel_range();

    // Each row's track spans the execution period, so that a marker's place in it reads at a glance.
    plot.draw_series((0..rows).map(|index| {
        let centre = row_centre(index, rows);
        PathElement::new(vec![(chart.start.max(x_lo), centre), (chart.end.min(x_hi), centre)], TRACK.stroke_width(2))
    }))?;
    for (index, row) in chart.rows.iter().enumerate() {
        let centre = row_centre(index, rows);
        plot.draw_series(row.milestones.iter().map(|(date, state)| {
            let colour = status_colour(state.status());
            let (fill, stroke) = match state.mark() {
                Mark::Ring(_) => (WHITE.filled(), colour.stroke_width(2)),
                _ => (colour.filled(), WHITE.stroke_width(1)),
            };
            EmptyElement::at((*date, centre)) + Circle::new((0, 0), MARKER, fill) + Circle::new((0, 0), MARKER, stroke)
        }))?;
    }
    let (x, _) = plot.backend_coord(&(chart.as_of, 0.0));
    draw_today(root, &pixels, x, (chart.as_of, &labels.today), pixels.0.start)?;
    let centres = chart
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| (plot.backend_coord(&(x_lo, row_centre(index, rows))).1, row.label.clone()));
    draw_row_labels(root, pixels.0.start, column, centres)?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::{assert_svg_text_in_bundled_font, count, d, decode, has_text, keep, zh};
    use super::super::{Chart, rows_height, status_hex};
    use super::*;
    use MilestoneState::*;

    pub(in super::super) fn project() -> TimelineChart {
        TimelineChart {
            title: "考核节点时间线".into(),
            start: d(2024, 7, 1),
            end: d(2027, 6, 30),
            as_of: d(2025, 12, 20),
            rows: vec![
                TimelineRow {
                    label: "发酵产量预测精度".into(),
                    milestones: vec![(d(2025, 12, 31), DueSoon), (d(2027, 6, 30), Upcoming)],
                },
                TimelineRow {
                    label: "示范推广种植面积".into(),
                    milestones: vec![
                        (d(2024, 12, 31), Met),
                        (d(2025, 6, 30), Overdue),
                        (d(2025, 12, 31), DueSoon),
                        (d(2026, 6, 30), Upcoming),
                        (d(2026, 12, 31), Upcoming),
                        (d(2027, 6, 30), Upcoming),
                    ],
                },
                TimelineRow {
                    label: "培养技术人员".into(),
                    milestones: vec![(d(2025, 12, 31), Met), (d(2027, 6, 30), Upcoming)],
                },
                TimelineRow {
                    label: "提交高原特色作物发酵工艺技术规程一套".into(),
                    milestones: vec![(d(2027, 6, 30), Upcoming)],
                },
                TimelineRow {
                    label: "申请发明专利".into(),
                    milestones: vec![(d(2025, 3, 31), Met), (d(2026, 3, 31), Upcoming)],
                },
            ],
        }
    }

    #[test]
    fn a_marker_per_milestone_coloured_by_state() {
        let chart = project();
        let svg = Chart::Timeline(&chart).svg(&zh()).unwrap();
        let png = Chart::Timeline(&chart).png(&zh()).unwrap();
        keep("timeline", &png, &svg);
        decode(&png, (800, rows_height(5)));
        assert_svg_text_in_bundled_font(&svg);
        let fill = |status| count(&svg, &format!("fill=\"{}\" stroke=\"none\"", status_hex(status).to_uppercase()));
        // Each state's markers plus its legend mark.
        assert_eq!(fill(Status::Achieved), 3 + 1);
        assert_eq!(fill(Status::Overdue), 1 + 1);
        assert_eq!(fill(Status::AtRisk), 2 + 1);
        let rings = count(&svg, &format!("stroke=\"{}\"", status_hex(Status::NotStarted).to_uppercase()));
        assert_eq!(rings, 7 + 1);
        for text in [
            "考核节点时间线",
            "培养技术人员",
            "已完成",
            "即将到期",
            "逾期",
            "未到期",
            "截至 2025-12-20",
            "2025-01",
            "2027-01",
        ] {
            assert!(has_text(&svg, text), "{text} missing");
        }
        assert!(svg.contains("提交高原特色作物") && svg.contains('…'), "long label shortened");
    }

    #[test]
    fn milestones_outside_the_period_and_empty_rows() {
        let chart = TimelineChart {
            title: String::new(),
            start: d(2025, 1, 1),
            end: d(2025, 1, 1),
            as_of: d(2025, 8, 1),
            rows: vec![
                TimelineRow { label: "结题后现场测试".into(), milestones: vec![(d(2025, 7, 15), Overdue)] },
                TimelineRow { label: "无节点".into(), milestones: Vec::new() },
            ],
        };
        let svg = Chart::Timeline(&chart).svg(&zh()).unwrap();
        assert!(has_text(&svg, "无节点") && has_text(&svg, "截至 2025-08-01"));
        decode(&Chart::Timeline(&chart).png(&zh()).unwrap(), (800, rows_height(2)));
        let empty = TimelineChart { rows: Vec::new(), ..chart };
        assert!(matches!(Chart::Timeline(&empty).svg(&zh()), Err(ChartError::NothingToDraw)));
    }
}
