//! A project at a glance: one horizontal bar per indicator, as long as its completion of the target and
//! coloured by its status, against a 100% line.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::layout::{Mark, SIDE, draw_row_labels, label_column, legend_band, row_centre, title_band};
use super::{AXIS, ChartError, GRID, INK, LABEL_EM, Labels, MUTED, TICK_EM, anchored, status_colour, text, text_width};
use crate::domain::status::Status;

/// What [`super::Chart::Overview`] draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewChart {
    /// The title (the project's code and name); empty for none.
    pub title: String,
    /// One bar per indicator, top to bottom.
    pub rows: Vec<OverviewRow>,
}

/// One indicator of an [`OverviewChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewRow {
    /// The indicator's short text; shortened with "…" when it does not fit.
    pub label: String,
    /// Completion of the target as a fraction, 1.0 being 100%: not capped, so that 1.3 reads 130%
    /// (bars stop at 150%); a non-finite value is drawn as no bar and "—".
    pub completion: f64,
    /// The indicator's status, which colours the bar.
    pub status: Status,
}

/// The track behind each bar.
const TRACK: RGBColor = RGBColor(0xee, 0xf1, 0xf5);

/// Bars stop at this completion in %, so that one indicator far beyond its target does not squash the
/// others; the printed value stays the real one.
const MAX_DRAWN: f64 = 150.0;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &OverviewChart,
    labels: &Labels,
) -> Result<(), ChartError> {
    if chart.rows.is_empty() {
        return Err(ChartError::NothingToDraw);
    }
    let area = title_band(root, &chart.title)?;
    let legend: Vec<(Mark, &str)> = Status::ALL
        .into_iter()
        .filter(|status| chart.rows.iter().any(|row| row.status == *status))
        .map(|status| (Mark::Swatch(status_colour(status)), labels.status(status)))
        .collect();
    let area = legend_band(&area, &legend)?;

    let percent = |row: &OverviewRow| (row.completion * 100.0).is_finite().then_some(row.completion * 100.0);
    let drawn = |row: &OverviewRow| percent(row).map_or(0.0, |p| p.clamp(0.0, MAX_DRAWN));
    let longest = chart.rows.iter().map(drawn).fold(100.0, f64::max);
    let rows = chart.rows.len();
    let column = label_column(&area, chart.rows.iter().map(|row| &row.label))?;
    let mut plot = ChartBuilder::on(&area)
        .margin_top(6)
        .margin_right(SIDE)
        .margin_left(SIDE)
        .margin_bottom(6)
        .x_label_area_size(56)
        .y_label_area_size(column)
        // Room right of the longest bar for its percentage.
        .build_cartesian_2d(0.0..longest * 1.14, 0.0..rows as f64)?;
    plot.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_labels(8)
        .label_style(text(TICK_EM).color(&MUTED))
        .x_label_formatter(&|value| format!("{value:.0}%"))
        .x_desc(labels.completion.as_str())
        .axis_desc_style(text(TICK_EM).color(&MUTED))
        .draw()?;
    let pixels = plot.plotting_area().get_pixel_range();

    // A light track to 100% behind each bar shows what is left to do.
    plot.draw_series((0..rows).map(|index| {
        let centre = row_centre(index, rows);
        Rectangle::new([(0.0, centre - 0.3), (100.0, centre + 0.3)], TRACK.filled())
    }))?;
    // A bar of no length is left out: a zero-width rectangle is invalid SVG, which PDF rendering warns of.
    plot.draw_series(chart.rows.iter().enumerate().filter(|(_, row)| drawn(row) > 0.0).map(|(index, row)| {
        let centre = row_centre(index, rows);
        Rectangle::new([(0.0, centre - 0.3), (drawn(row), centre + 0.3)], status_colour(row.status).filled())
    }))?;
    plot.draw_series([DashedPathElement::new(vec![(100.0, 0.0), (100.0, rows as f64)], 6, 4, INK.stroke_width(2))])?;
    let (hundred, _) = plot.backend_coord(&(100.0, 0.0));
    let value_style = anchored(text(LABEL_EM), HPos::Left, VPos::Center);
    for (index, row) in chart.rows.iter().enumerate() {
        let (x, y) = plot.backend_coord(&(drawn(row), row_centre(index, rows)));
        if percent(row).is_some_and(|p| p > MAX_DRAWN) {
            // A white gap across the bar's end says it was cut short.
            let gap = WHITE.stroke_width(3);
            for dx in [-16, -10] {
                root.draw(&PathElement::new(vec![(x + dx - 3, y + 11), (x + dx + 3, y - 11)], gap))?;
            }
        }
        let value = percent(row).map_or_else(|| "—".to_owned(), |p| format!("{p:.0}%"));
        // Past the 100% line when the text would otherwise run across it.
        let left =
            if x < hundred && x + 6 + text_width(root, &value, &value_style)? > hundred - 2 { hundred } else { x };
        root.draw(&Text::new(value, (left + 6, y), value_style.clone()))?;
    }
    let centres = chart
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| (plot.backend_coord(&(0.0, row_centre(index, rows))).1, row.label.clone()));
    draw_row_labels(root, pixels.0.start, column, centres)?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::{assert_svg_text_in_bundled_font, count, decode, has_text, keep, zh};
    use super::super::{Chart, rows_height, status_hex};
    use super::*;

    fn row(label: &str, completion: f64, status: Status) -> OverviewRow {
        OverviewRow { label: label.into(), completion, status }
    }

    pub(in super::super) fn project() -> OverviewChart {
        OverviewChart {
            title: "沪滇-2024-017 高原特色作物智能发酵与示范推广".into(),
            rows: vec![
                row("发酵产量预测精度", 0.97, Status::OnTrack),
                row("示范推广种植面积", 0.38, Status::Overdue),
                row("培养技术人员", 1.0, Status::Achieved),
                row("申请发明专利", 0.0, Status::NotStarted),
                row("建立示范基地并实现当地农户稳定增收的长效机制", 0.55, Status::AtRisk),
                row("发表高水平论文", 2.6, Status::Achieved),
                row("技术合同认定登记金额", 0.2, Status::Missed),
            ],
        }
    }

    /// A bar of each status colour: the filled rectangles of that colour, minus the legend's swatch.
    fn bars(svg: &str, status: Status) -> usize {
        count(svg, &format!("fill=\"{}\"", status_hex(status).to_uppercase())).saturating_sub(1)
    }

    #[test]
    fn one_bar_per_indicator_coloured_by_status_with_the_real_percentage() {
        let chart = project();
        let svg = Chart::Overview(&chart).svg(&zh()).unwrap();
        let png = Chart::Overview(&chart).png(&zh()).unwrap();
        keep("overview", &png, &svg);
        decode(&png, (800, rows_height(7)));
        assert_svg_text_in_bundled_font(&svg);
        assert_eq!(bars(&svg, Status::Achieved), 2);
        for status in [Status::OnTrack, Status::Overdue, Status::AtRisk, Status::Missed] {
            assert_eq!(bars(&svg, status), 1, "{status:?}");
        }
        assert_eq!(bars(&svg, Status::NotStarted), 0, "a 0% bar is not drawn, only its label");
        assert!(!svg.contains("width=\"0\""), "no zero-width rectangles");
        for text in ["发酵产量预测精度", "培养技术人员", "97%", "38%", "260%", "100%", "完成率", "已达标", "逾期"]
        {
            assert!(svg.contains(text), "{text} missing");
        }
        assert!(svg.contains("建立示范基地") && svg.contains('…') && !svg.contains("长效机制"), "long label shortened");
    }

    #[test]
    fn bars_stop_at_the_cap_and_odd_values_do_not_break_it() {
        let chart = OverviewChart {
            title: String::new(),
            rows: vec![
                row("远超目标", 12.0, Status::Achieved),
                row("负值", -0.4, Status::Overdue),
                row("无数据", f64::NAN, Status::NotStarted),
            ],
        };
        let svg = Chart::Overview(&chart).svg(&zh()).unwrap();
        assert!(svg.contains("1200%") && svg.contains("-40%") && svg.contains("—"));
        assert!(has_text(&svg, "150%"), "the axis runs to the cap");
        assert!(!has_text(&svg, "200%"), "and not beyond");
        Chart::Overview(&chart).png(&zh()).unwrap();
    }

    #[test]
    fn no_indicators_means_nothing_to_draw() {
        let chart = OverviewChart { title: "空".into(), rows: Vec::new() };
        assert!(matches!(Chart::Overview(&chart).svg(&zh()), Err(ChartError::NothingToDraw)));
    }
}
