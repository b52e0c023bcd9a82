//! The layout shared by the charts: the title band, legends, the as-of line, and the rows of the
//! row charts (overview, breakdown, timeline).

use std::ops::Range;

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{ChartError, INK, LABEL_EM, TICK_EM, TITLE_EM, anchored, bold, fit, text, text_width};

/// Draws the title in the top band of `root` and returns the area below it. Without a title the band
/// is only a margin.
pub(super) fn title_band<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    if title.trim().is_empty() {
        return Ok(root.split_vertically(12).1);
    }
    let (band, rest) = root.split_vertically(TITLE_BAND);
    let (width, _) = band.dim_in_pixel();
    let style = bold(TITLE_EM);
    let title = fit(&band, title, &style, i32::try_from(width).unwrap_or(i32::MAX) - 2 * SIDE)?;
    band.draw(&Text::new(title, (SIDE, TITLE_BAND / 2), anchored(style, HPos::Left, VPos::Center)))?;
    Ok(rest)
}

/// The height of the title band.
pub(super) const TITLE_BAND: i32 = 40;
/// The left and right margin of titles and legends.
pub(super) const SIDE: i32 = 16;
/// How far above the plot the texts standing on it (a unit, an axis name, the as-of date) sit: clear of
/// the top tick label, which is centred on the plot's edge.
pub(super) const ABOVE_PLOT: i32 = 12;
/// The height of one legend line.
pub(super) const LEGEND_LINE: i32 = 26;

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark {
    /// A filled square: a bar or segment colour.
    Swatch(RGBColor),
    /// A solid line with a filled dot.
    LineDot(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled dot.
    Dot(RGBColor),
    /// A hollow dot.
    Ring(RGBColor),
}

/// Draws legend entries left to right from the top left of `area`, wrapping to a new line when the
/// width runs out, and returns the area below the legend.
pub(super) fn legend_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, &str)],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let (width, _) = area.dim_in_pixel();
    let right = i32::try_from(width).unwrap_or(i32::MAX) - SIDE;
    let style = text(LABEL_EM);
    let mut positions = Vec::with_capacity(entries.len());
    let (mut x, mut line) = (SIDE, 0);
    for (mark, label) in entries {
        let entry_width = 30 + text_width(area, label, &style)?;
        if x > SIDE && x + entry_width > right {
            line += 1;
            x = SIDE;
        }
        positions.push((*mark, *label, x, line * LEGEND_LINE + LEGEND_LINE / 2));
        x += entry_width + 22;
    }
    let (band, rest) = area.split_vertically((line + 1) * LEGEND_LINE + 6);
    for (mark, label, x, y) in positions {
        draw_mark(&band, mark, (x + 11, y))?;
        band.draw(&Text::new(label.to_owned(), (x + 28, y), anchored(style.clone(), HPos::Left, VPos::Center)))?;
    }
    Ok(rest)
}

/// Draws a legend mark centred on `at`, 22 pixels wide.
pub(super) fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mark: Mark,
    (x, y): (i32, i32),
) -> Result<(), ChartError> {
    let line = |colour: RGBColor| PathElement::new(vec![(x - 11, y), (x + 11, y)], colour.stroke_width(3));
    match mark {
        Mark::Swatch(colour) => area.draw(&Rectangle::new([(x - 7, y - 7), (x + 7, y + 7)], colour.filled()))?,
        Mark::LineDot(colour) => {
            area.draw(&line(colour))?;
            area.draw(&Circle::new((x, y), 4, colour.filled()))?;
        }
        Mark::Line(colour) => area.draw(&line(colour))?,
        Mark::Dashed(colour) => {
            for dash in [-11, -3, 5] {
                area.draw(&PathElement::new(vec![(x + dash, y), (x + dash + 5, y)], colour.stroke_width(3)))?;
            }
        }
        Mark::Dot(colour) => area.draw(&Circle::new((x, y), 6, colour.filled()))?,
        Mark::Ring(colour) => area.draw(&Circle::new((x, y), 5, colour.stroke_width(2)))?,
    }
    Ok(())
}

/// A dashed vertical line at pixel column `x` of the plot marking the as-of date, labelled above the
/// plot but not left of `clear_until` (where an axis name stands).
pub(super) fn draw_today<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &(Range<i32>, Range<i32>),
    x: i32,
    (as_of, label): (NaiveDate, &str),
    clear_until: i32,
) -> Result<(), ChartError> {
    let (xs, ys) = plot;
    for top in (ys.start..ys.end).step_by(8) {
        root.draw(&PathElement::new(vec![(x, top), (x, (top + 4).min(ys.end))], INK.stroke_width(1)))?;
    }
    let caption = format!("{label} {}", as_of.format("%Y-%m-%d"));
    let style = text(TICK_EM);
    let width = text_width(root, &caption, &style)?;
    // Centred over the line, pushed inwards when it would run past either end of the plot.
    let left = (x - width / 2).min(xs.end - width).max(clear_until);
    root.draw(&Text::new(caption, (left, ys.start - ABOVE_PLOT), anchored(style, HPos::Left, VPos::Bottom)))?;
    Ok(())
}

/// The height of a chart with one row per item (overview, breakdown, timeline): the title, one legend
/// line and the axis, plus 34 pixels a row.
pub(super) fn rows_height(rows: usize) -> u32 {
    let rows = u32::try_from(rows.max(1)).unwrap_or(u32::MAX);
    rows.saturating_mul(ROW).saturating_add(170).max(240)
}

/// The pixel height of one row.
pub(super) const ROW: u32 = 34;

/// The y coordinate of the centre of row `index` of `rows` on a `0.0..rows` axis, the first row on top.
pub(super) fn row_centre(index: usize, rows: usize) -> f64 {
    rows as f64 - index as f64 - 0.5
}

/// The width of the label column of a row chart: the widest label, within a third of the chart.
pub(super) fn label_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: impl Iterator<Item = impl AsRef<str>>,
) -> Result<i32, ChartError> {
    let style = text(LABEL_EM);
    let mut widest = 40;
    for label in labels {
        widest = widest.max(text_width(area, label.as_ref(), &style)?);
    }
    let (width, _) = area.dim_in_pixel();
    Ok((widest + 16).min(i32::try_from(width / 3).unwrap_or(i32::MAX)))
}

/// Draws the label of each row right-aligned against the plot's left edge, shortened to fit.
pub(super) fn draw_row_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot_left: i32,
    column: i32,
    rows: impl Iterator<Item = (i32, String)>,
) -> Result<(), ChartError> {
    let style = anchored(text(LABEL_EM), HPos::Right, VPos::Center);
    for (y, label) in rows {
        let label = fit(root, &label, &style, column - 14)?;
        root.draw(&Text::new(label, (plot_left - 10, y), style.clone()))?;
    }
    Ok(())
}
