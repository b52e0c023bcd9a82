//! The number of overdue indicators over time, as a filled line up to the as-of date.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::date_axis::DateAxis;
use super::layout::{ABOVE_PLOT, SIDE, draw_today, title_band};
use super::{
    AXIS, ChartError, GRID, LABEL_EM, Labels, MUTED, TICK_EM, anchored, bold, status_colour, text, text_width,
};
use crate::domain::status::Status;

/// What [`super::Chart::OverdueTrend`] draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueTrendChart {
    /// The title; empty for none.
    pub title: String,
    /// The date the chart is drawn as of, marked with a vertical line.
    pub as_of: NaiveDate,
    /// The number of overdue indicators on each date, in any order.
    pub points: Vec<(NaiveDate, u32)>,
}

/// Dots mark each count while there are few enough of them to tell apart.
const MOST_DOTS: usize = 60;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &OverdueTrendChart,
    labels: &Labels,
) -> Result<(), ChartError> {
    let mut points: Vec<(NaiveDate, i32)> =
        chart.points.iter().map(|(date, count)| (*date, i32::try_from(*count).unwrap_or(i32::MAX))).collect();
    points.sort_by_key(|(date, _)| *date);
    let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
        return Err(ChartError::NothingToDraw);
    };
    let colour = status_colour(Status::Overdue);
    let area = title_band(root, &chart.title)?;
    let area = area.split_vertically(8).1;

    let most = points.iter().map(|(_, count)| *count).max().unwrap_or(0);
    let x_axis = DateAxis::new(first.0, last.0, [chart.as_of].into_iter()).padded();
    let (width, _) = area.dim_in_pixel();
    let tick_style = text(TICK_EM).color(&MUTED);
    let mut plot = ChartBuilder::on(&area)
        .margin_top(34)
        .margin_right(28)
        .margin_left(SIDE)
        .margin_bottom(6)
        .x_label_area_size(34)
        .y_label_area_size(text_width(&area, &most.to_string(), &tick_style)? + 16)
        // Whole-number ticks, and room above the highest count for its label.
        .build_cartesian_2d(x_axis, 0..(most + most / 6 + 1))?;
    plot.configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_labels(usize::try_from(width / 110).unwrap_or(6))
        .y_labels(8)
        .label_style(tick_style.clone())
        .draw()?;
    let pixels = plot.plotting_area().get_pixel_range();

    let mut outline = vec![(first.0, 0)];
    outline.extend(points.iter().copied());
    outline.push((last.0, 0));
    plot.draw_series([Polygon::new(outline, colour.mix(0.15).filled())])?;
    if points.len() > 1 {
        plot.draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(3)))?;
    }
    if points.len() <= MOST_DOTS {
        plot.draw_series(points.iter().map(|point| Circle::new(*point, 4, colour.filled())))?;
    }
    // The latest count, left of its point (clear of the as-of line that usually runs through it), on
    // the side the line does not come from: above after a rise, below after a fall.
    let (x, y) = plot.backend_coord(&last);
    let falling = points.iter().rev().nth(1).is_some_and(|previous| previous.1 > last.1);
    let (y, v) = if falling { (y + 8, VPos::Top) } else { (y - 8, VPos::Bottom) };
    root.draw(&Text::new(last.1.to_string(), (x - 6, y), anchored(bold(LABEL_EM).color(&colour), HPos::Right, v)))?;

    let name_style = tick_style;
    let name_width = text_width(root, &labels.overdue_indicators, &name_style)?;
    root.draw(&Text::new(
        labels.overdue_indicators.clone(),
        (SIDE, pixels.1.start - ABOVE_PLOT),
        anchored(name_style, HPos::Left, VPos::Bottom),
    ))?;
    let (x, _) = plot.backend_coord(&(chart.as_of, 0));
    draw_today(root, &pixels, x, (chart.as_of, &labels.today), SIDE + name_width + 16)?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::{assert_svg_text_in_bundled_font, count, d, decode, has_text, keep, zh};
    use super::super::{Chart, status_hex};
    use super::*;

    pub(in super::super) fn weekly() -> OverdueTrendChart {
        let counts = [2, 3, 3, 5, 4, 6, 8, 7, 9, 12, 11, 10, 13, 15, 14, 12, 11, 9, 10, 8];
        let start = d(2025, 7, 7);
        OverdueTrendChart {
            title: "逾期考核指标数量变化".into(),
            as_of: d(2025, 11, 17),
            points: counts
                .iter()
                .enumerate()
                .map(|(week, count)| (start + chrono::Days::new(7 * week as u64), *count))
                .rev()
                .collect(),
        }
    }

    #[test]
    fn a_dot_per_count_the_latest_count_and_today() {
        let chart = weekly();
        let svg = Chart::OverdueTrend(&chart).svg(&zh()).unwrap();
        let png = Chart::OverdueTrend(&chart).png(&zh()).unwrap();
        keep("overdue-trend", &png, &svg);
        decode(&png, (800, 480));
        assert_svg_text_in_bundled_font(&svg);
        assert_eq!(count(&svg, "<circle"), 20);
        assert_eq!(
            count(&svg, &format!("fill=\"{}\" stroke=\"none\"", status_hex(Status::Overdue).to_uppercase())),
            20
        );
        for text in ["逾期考核指标数量变化", "逾期指标数", "截至 2025-11-17", "8", "2025-09"] {
            assert!(has_text(&svg, text), "{text} missing");
        }
        assert!(svg.contains("<polygon"), "the filled area");
    }

    #[test]
    fn a_single_count_or_none() {
        let single = OverdueTrendChart { title: String::new(), as_of: d(2025, 3, 1), points: vec![(d(2025, 3, 1), 0)] };
        let svg = Chart::OverdueTrend(&single).svg(&zh()).unwrap();
        assert!(has_text(&svg, "0") && has_text(&svg, "截至 2025-03-01"));
        decode(&Chart::OverdueTrend(&single).png(&zh()).unwrap(), (800, 480));
        let none = OverdueTrendChart { points: Vec::new(), ..single };
        assert!(matches!(Chart::OverdueTrend(&none).svg(&zh()), Err(ChartError::NothingToDraw)));
    }
}
