//! A portfolio's indicators by status, one horizontal stacked bar per group (a cooperation region or a
//! topic), statuses from best to worst left to right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::layout::{Mark, SIDE, draw_row_labels, label_column, legend_band, row_centre, title_band};
use super::{
    AXIS, ChartError, GRID, LABEL_EM, Labels, MUTED, TICK_EM, anchored, bold, status_colour, text, text_on, text_width,
};
use crate::domain::status::Status;

/// What [`super::Chart::Breakdown`] draws.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownChart {
    /// The title ("各合作地区指标状态"); empty for none.
    pub title: String,
    /// One bar per group, top to bottom.
    pub groups: Vec<BreakdownGroup>,
}

/// One group of a [`BreakdownChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownGroup {
    /// The group's name (云南, 新疆 …); shortened with "…" when it does not fit.
    pub label: String,
    /// How many of the group's indicators have each status; a status may be missing (none) or repeated
    /// (added up).
    pub counts: Vec<(Status, u32)>,
}

impl BreakdownGroup {
    fn count(&self, status: Status) -> i32 {
        let total: u32 = self.counts.iter().filter(|(s, _)| *s == status).map(|(_, n)| n).sum();
        i32::try_from(total).unwrap_or(i32::MAX)
    }

    fn total(&self) -> i32 {
        Status::ALL.into_iter().map(|status| self.count(status)).fold(0, i32::saturating_add)
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &BreakdownChart,
    labels: &Labels,
) -> Result<(), ChartError> {
    if chart.groups.is_empty() {
        return Err(ChartError::NothingToDraw);
    }
    let area = title_band(root, &chart.title)?;
    // Every status, used or not, so that the region and topic charts share one legend.
    let legend: Vec<(Mark, &str)> =
        Status::ALL.into_iter().map(|status| (Mark::Swatch(status_colour(status)), labels.status(status))).collect();
    let area = legend_band(&area, &legend)?;

    let rows = chart.groups.len();
    let most = chart.groups.iter().map(BreakdownGroup::total).max().unwrap_or(0).max(1);
    let column = label_column(&area, chart.groups.iter().map(|group| &group.label))?;
    // Integer coordinates, so that the ticks are whole indicators; room right of the longest bar for
    // its total.
    let mut plot = ChartBuilder::on(&area)
        .margin_top(6)
        .margin_right(SIDE)
        .margin_left(SIDE)
        .margin_bottom(6)
        .x_label_area_size(56)
        .y_label_area_size(column)
        .build_cartesian_2d(0..most + (most / 10).max(1), 0.0..rows as f64)?;
    plot.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_labels(10)
        .label_style(text(TICK_EM).color(&MUTED))
        .x_desc(labels.indicators.as_str())
        .axis_desc_style(text(TICK_EM).color(&MUTED))
        .draw()?;
    let pixels = plot.plotting_area().get_pixel_range();

    for (index, group) in chart.groups.iter().enumerate() {
        let centre = row_centre(index, rows);
        let mut from: i32 = 0;
        for status in Status::ALL {
            let count = group.count(status);
            if count == 0 {
                continue;
            }
            let to = from.saturating_add(count);
            plot.draw_series([Rectangle::new(
                [(from, centre - 0.32), (to, centre + 0.32)],
                status_colour(status).filled(),
            )])?;
            // The count inside its segment when it fits there.
            let (left, y) = plot.backend_coord(&(from, centre));
            let (right, _) = plot.backend_coord(&(to, centre));
            let label = count.to_string();
            let style = text(TICK_EM).color(text_on(status));
            if text_width(root, &label, &style)? + 6 <= right - left {
                root.draw(&Text::new(label, ((left + right) / 2, y), anchored(style, HPos::Center, VPos::Center)))?;
            }
            from = to;
        }
        let (x, y) = plot.backend_coord(&(from, centre));
        root.draw(&Text::new(
            group.total().to_string(),
            (x + 6, y),
            anchored(bold(LABEL_EM), HPos::Left, VPos::Center),
        ))?;
    }
    let centres = chart
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| (plot.backend_coord(&(0, row_centre(index, rows))).1, group.label.clone()));
    draw_row_labels(root, pixels.0.start, column, centres)?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::{assert_svg_text_in_bundled_font, count, decode, has_text, keep, zh};
    use super::super::{Chart, rows_height, status_hex};
    use super::*;

    fn group(label: &str, counts: &[(Status, u32)]) -> BreakdownGroup {
        BreakdownGroup { label: label.into(), counts: counts.to_vec() }
    }

    pub(in super::super) fn regions() -> BreakdownChart {
        use Status::*;
        BreakdownChart {
            title: "各合作地区考核指标状态".into(),
            groups: vec![
                group(
                    "云南",
                    &[(Achieved, 12), (OnTrack, 20), (NotStarted, 4), (AtRisk, 3), (Overdue, 5), (Missed, 1)],
                ),
                group("新疆", &[(Achieved, 6), (OnTrack, 14), (AtRisk, 2), (Overdue, 7)]),
                group("西藏", &[(OnTrack, 9), (NotStarted, 6), (Overdue, 1)]),
                group("青海", &[(Achieved, 3), (OnTrack, 5), (Missed, 2)]),
                group("贵州", &[(OnTrack, 11), (AtRisk, 1)]),
            ],
        }
    }

    fn fills(svg: &str, status: Status) -> usize {
        count(svg, &format!("fill=\"{}\"", status_hex(status).to_uppercase()))
    }

    #[test]
    fn one_segment_per_status_present_with_counts_and_totals() {
        let chart = regions();
        let svg = Chart::Breakdown(&chart).svg(&zh()).unwrap();
        let png = Chart::Breakdown(&chart).png(&zh()).unwrap();
        keep("breakdown-region", &png, &svg);
        decode(&png, (800, rows_height(5)));
        assert_svg_text_in_bundled_font(&svg);
        // Segments plus the legend's swatch of each status.
        assert_eq!(fills(&svg, Status::OnTrack), 5 + 1);
        assert_eq!(fills(&svg, Status::Achieved), 3 + 1);
        assert_eq!(fills(&svg, Status::Missed), 2 + 1);
        assert_eq!(fills(&svg, Status::Overdue), 3 + 1);
        for text in ["云南", "新疆", "西藏", "各合作地区考核指标状态", "45", "29", "16", "10", "12", "指标数", "未达标"]
        {
            assert!(has_text(&svg, text), "{text} missing");
        }
    }

    #[test]
    fn topics_with_long_names_and_empty_groups() {
        use Status::*;
        let chart = BreakdownChart {
            title: "各专题考核指标状态".into(),
            groups: vec![
                group("现代农业与乡村振兴科技合作", &[(OnTrack, 7), (Overdue, 2), (Overdue, 1), (Achieved, 4)]),
                group("生物医药与中医药现代化", &[(OnTrack, 3), (AtRisk, 2)]),
                group("生态环境保护与高原生态修复关键技术集成示范", &[(NotStarted, 5)]),
                group("新设专题", &[]),
            ],
        };
        let svg = Chart::Breakdown(&chart).svg(&zh()).unwrap();
        let png = Chart::Breakdown(&chart).png(&zh()).unwrap();
        keep("breakdown-topic", &png, &svg);
        assert!(has_text(&svg, "14"), "repeated statuses add up");
        assert!(has_text(&svg, "0"), "an empty group shows 0");
        assert_eq!(fills(&svg, Overdue), 1 + 1, "one segment for the repeated status");
    }

    #[test]
    fn no_groups_means_nothing_to_draw() {
        let chart = BreakdownChart { title: String::new(), groups: Vec::new() };
        assert!(matches!(Chart::Breakdown(&chart).png(&zh()), Err(ChartError::NothingToDraw)));
    }
}
