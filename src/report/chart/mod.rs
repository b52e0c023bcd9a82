//! Chart drawing: pure functions from plain input structs to SVG (for pages and PDFs) or PNG (where an
//! image file is needed), with Chinese text in the embedded Noto Sans SC ([`crate::fonts`]).
//!
//! The report step that gathers data maps it into the input structs of the chart modules
//! ([`IndicatorChart`], [`OverviewChart`], [`BreakdownChart`], [`OverdueTrendChart`],
//! [`TimelineChart`]), wraps one in a [`Chart`] and asks for [`Chart::svg`] or [`Chart::png`]. Every
//! text is passed in already localised: the titles and row labels in the inputs, the rest in
//! [`Labels`]. Nothing here reads the database, the clock or files.
//!
//! Each chart has one drawing function, generic over plotters' `DrawingBackend`, so SVG and PNG come
//! from the same code. The status colours live here ([`status_hex`]) so that pages can draw legends
//! that match.
//!
//! Text in an SVG is laid out here with the embedded font's metrics but drawn later by whoever shows
//! the SVG, so its `font-family` names the families that resolve to that same font: `Coop Sans` (the
//! pages' `@font-face` in `assets/app.css`, which applies to SVG inlined in a page), then the bundled
//! font's own family name `Noto Sans CJK SC` (what typst knows it by when making PDFs, and an
//! installed copy), then `Noto Sans SC` (the same font's name where it is installed from Google Fonts).
//! plotters writes SVG font sizes for a different em than it lays text out with; [`Chart::svg`]
//! rewrites them so that the browser's text takes the room the layout gave it.
//!
//! PNG text is rasterised here with the same fonts (see `assets/fonts/README.md` for why the regular
//! font was subset again: ttf-parser reads glyph numbers above 32,767 as blank).

mod breakdown;
mod date_axis;
mod indicator;
mod layout;
mod overdue_trend;
mod overview;
mod timeline;

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use crate::domain::status::Status;
use layout::rows_height;

pub use breakdown::{BreakdownChart, BreakdownGroup};
pub use indicator::IndicatorChart;
pub use overdue_trend::OverdueTrendChart;
pub use overview::{OverviewChart, OverviewRow};
pub use timeline::{MilestoneState, TimelineChart, TimelineRow};

/// One chart, ready to be drawn as SVG or PNG.
#[derive(Debug, Clone, Copy)]
pub enum Chart<'a> {
    /// One indicator's planned and actual progress over the execution period.
    Indicator(&'a IndicatorChart),
    /// A project's indicators, one bar each, by completion and status.
    Overview(&'a OverviewChart),
    /// A portfolio's indicators by status, one stacked bar per group (region or topic).
    Breakdown(&'a BreakdownChart),
    /// The number of overdue indicators over time.
    OverdueTrend(&'a OverdueTrendChart),
    /// Checkpoints and deliverables across the execution period, one row per indicator.
    Timeline(&'a TimelineChart),
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The input has nothing a chart can show (no indicators, no numbers: a deliverable has no values
    /// to plot). The caller leaves the chart out.
    #[error("nothing to draw")]
    NothingToDraw,
    /// The embedded font could not be loaded.
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// plotters failed while drawing.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The bitmap could not be encoded as PNG.
    #[error("encoding the chart as PNG failed: {0}")]
    Png(#[from] png::EncodingError),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(error.to_string())
    }
}

/// The texts a chart draws besides its title and row labels, already in the reader's language.
///
/// In these and in the inputs' texts, ASCII brackets read better than full-width ones, which take a
/// whole em each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The planned trajectory through the checkpoints ("计划").
    pub planned: String,
    /// Verified evidence values ("已审核").
    pub verified: String,
    /// Reported values not yet reviewed ("待审核").
    pub pending: String,
    /// The target line ("目标").
    pub target: String,
    /// The forecast to the end of the period ("预测").
    pub forecast: String,
    /// The value axis of a relative target that asks for an increase: its change against the
    /// baseline in % ("较基线变化 %").
    pub change_axis: String,
    /// The value axis of a relative target that asks for a decrease, whose values are the fall
    /// against the baseline in % ("较基线降低 %").
    pub decrease_axis: String,
    /// The as-of line's caption, which the date follows ("截至" gives "截至 2025-12-31").
    pub today: String,
    /// The overview's axis: completion of the target in % ("完成率").
    pub completion: String,
    /// The breakdown's axis: a number of indicators ("指标数").
    pub indicators: String,
    /// The overdue trend's axis: the number of overdue indicators ("逾期指标数").
    pub overdue_indicators: String,
    /// A timeline milestone that is met ("已完成").
    pub met: String,
    /// A timeline milestone due within the warning window and not met yet ("即将到期").
    pub due_soon: String,
    /// A timeline milestone not due yet ("未到期").
    pub upcoming: String,
    /// [`Status::NotStarted`].
    pub not_started: String,
    /// [`Status::OnTrack`].
    pub on_track: String,
    /// [`Status::AtRisk`].
    pub at_risk: String,
    /// [`Status::Overdue`], and a timeline milestone past due and not met.
    pub overdue: String,
    /// [`Status::Achieved`].
    pub achieved: String,
    /// [`Status::Missed`].
    pub missed: String,
}

impl Labels {
    fn status(&self, status: Status) -> &str {
        match status {
            Status::NotStarted => &self.not_started,
            Status::OnTrack => &self.on_track,
            Status::AtRisk => &self.at_risk,
            Status::Overdue => &self.overdue,
            Status::Achieved => &self.achieved,
            Status::Missed => &self.missed,
        }
    }
}

/// The colour of a status as `#rrggbb`, for legends and badges outside the charts.
///
/// The palette follows Okabe and Ito's colour-blind-safe set where it can: green, blue, grey, amber and
/// vermilion stay apart for the common colour-vision deficiencies, and missed is a dark wine that differs
/// from overdue in lightness as well as hue.
pub fn status_hex(status: Status) -> String {
    let RGBColor(r, g, b) = status_colour(status);
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn status_colour(status: Status) -> RGBColor {
    match status {
        Status::Achieved => RGBColor(0x00, 0x9e, 0x73),
        Status::OnTrack => RGBColor(0x00, 0x72, 0xb2),
        Status::NotStarted => RGBColor(0xa3, 0xac, 0xb9),
        Status::AtRisk => RGBColor(0xe6, 0x9f, 0x00),
        Status::Overdue => RGBColor(0xd5, 0x5e, 0x00),
        Status::Missed => RGBColor(0x7a, 0x1f, 0x3d),
    }
}

/// Text on a filled status colour: white where it reads better than ink (the dark colours).
fn text_on(status: Status) -> &'static RGBColor {
    match status {
        Status::NotStarted | Status::AtRisk => &INK,
        _ => &WHITE,
    }
}

/// Body text, the pages' `--ink`.
const INK: RGBColor = RGBColor(0x1d, 0x27, 0x33);
/// Axis labels and notes, the pages' `--muted`.
const MUTED: RGBColor = RGBColor(0x5b, 0x67, 0x76);
/// Grid lines.
const GRID: RGBColor = RGBColor(0xe3, 0xe8, 0xee);
/// Axis lines.
const AXIS: RGBColor = RGBColor(0x9a, 0xa5, 0xb1);

/// The chart width.
const WIDTH: u32 = 800;
/// The height of the charts that do not grow with their rows.
const HEIGHT: u32 = 480;

/// The title's size, as the em in pixels at the chart's own size. An 800-pixel chart scaled to a page
/// or an A4 column (about 0.8) keeps the text sizes at 9 to 12 points.
const TITLE_EM: f64 = 19.0;
/// Legends, row labels and values.
const LABEL_EM: f64 = 15.0;
/// Axis ticks and captions.
const TICK_EM: f64 = 14.0;

/// The font family for plotters' font table and the SVG `font-family` attribute (see the module doc).
const FAMILY: &str = "Coop Sans, Noto Sans CJK SC, Noto Sans SC, sans-serif";

/// plotters with ab_glyph takes a text size as the pixel height from the font's descender to its
/// ascender, which for Noto Sans CJK (hhea 1160 and −288 per 1000 units) is 1.448 em.
const FONT_HEIGHT_EM: f64 = 1.448;

/// plotters writes the size divided by 1.24 as the SVG `font-size` (an em), which is larger than the em
/// it laid the text out and rasterised with; SVG sizes are scaled by this to match the PNG.
const SVG_FONT_SCALE: f64 = 1.24 / FONT_HEIGHT_EM;

impl Chart<'_> {
    /// Draws the chart as an SVG document (width and height in pixels, with a `viewBox`, so that it
    /// scales to the width it is given).
    ///
    /// # Errors
    /// [`ChartError::NothingToDraw`] when the input has nothing to show; the other variants are
    /// failures of the font or plotters.
    pub fn svg(&self, labels: &Labels) -> Result<String, ChartError> {
        register_fonts()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
            self.draw(&root, labels)?;
            root.present()?;
        }
        Ok(scale_svg_font_sizes(&svg))
    }

    /// Draws the chart as a PNG image (RGB, at [`Chart::svg`]'s size in pixels).
    ///
    /// # Errors
    /// As [`Chart::svg`], and [`ChartError::Png`] when encoding fails.
    pub fn png(&self, labels: &Labels) -> Result<Vec<u8>, ChartError> {
        register_fonts()?;
        let (width, height) = self.size();
        let mut pixels = vec![0; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
            self.draw(&root, labels)?;
            root.present()?;
        }
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // fdeflate's PNG-tuned compression: half the time of the default, and as small on these
        // flat-coloured images (measured with `render_times`).
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(png)
    }

    fn size(&self) -> (u32, u32) {
        match self {
            Chart::Indicator(_) | Chart::OverdueTrend(_) => (WIDTH, HEIGHT),
            Chart::Overview(chart) => (WIDTH, rows_height(chart.rows.len())),
            Chart::Breakdown(chart) => (WIDTH, rows_height(chart.groups.len())),
            Chart::Timeline(chart) => (WIDTH, rows_height(chart.rows.len())),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, labels: &Labels) -> Result<(), ChartError> {
        root.fill(&WHITE)?;
        match self {
            Chart::Indicator(chart) => indicator::draw(root, chart, labels),
            Chart::Overview(chart) => overview::draw(root, chart, labels),
            Chart::Breakdown(chart) => breakdown::draw(root, chart, labels),
            Chart::OverdueTrend(chart) => overdue_trend::draw(root, chart, labels),
            Chart::Timeline(chart) => timeline::draw(root, chart, labels),
        }
    }
}

/// plotters looks fonts up in a process-wide table, by family and style, and fails on text in a family
/// nobody registered; the embedded fonts are registered under [`FAMILY`] on first use.
fn register_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, crate::fonts::REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, crate::fonts::BOLD).is_ok()
    });
    if registered { Ok(()) } else { Err(ChartError::Font) }
}

/// Rewrites every `font-size="…"` of plotters' SVG by [`SVG_FONT_SCALE`].
fn scale_svg_font_sizes(svg: &str) -> String {
    const ATTRIBUTE: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(ATTRIBUTE) {
        let (head, tail) = rest.split_at(at + ATTRIBUTE.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        match tail[..end].parse::<f64>() {
            Ok(size) => out.push_str(&format!("{:.1}", size * SVG_FONT_SCALE)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A text style in the embedded font, `em` pixels high, in ink.
fn text(em: f64) -> TextStyle<'static> {
    TextStyle::from((FontFamily::Name(FAMILY), em * FONT_HEIGHT_EM).into_font()).color(&INK)
}

/// [`text`] in bold.
fn bold(em: f64) -> TextStyle<'static> {
    TextStyle::from((FontFamily::Name(FAMILY), em * FONT_HEIGHT_EM, FontStyle::Bold).into_font()).color(&INK)
}

/// `style` anchored at the given point of the text.
fn anchored<'a>(style: TextStyle<'a>, h: HPos, v: VPos) -> TextStyle<'a> {
    style.pos(Pos::new(h, v))
}

/// The width in pixels `text` takes in `style`.
fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<i32, ChartError> {
    let (width, _) = area.estimate_text_size(text, style)?;
    Ok(i32::try_from(width).unwrap_or(i32::MAX))
}

/// `text` shortened with an ellipsis until it fits in `max_width` pixels.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_width: i32,
) -> Result<String, ChartError> {
    if text_width(area, text, style)? <= max_width {
        return Ok(text.to_owned());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shortened = format!("{}…", chars.iter().collect::<String>().trim_end());
        if text_width(area, &shortened, style)? <= max_width {
            return Ok(shortened);
        }
    }
    Ok("…".to_owned())
}

/// A number for an axis tick or a note: whole numbers without decimals, others with at most two.
fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let rounded = format!("{value:.2}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" { "0".to_owned() } else { trimmed.to_owned() }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};
    use date_axis::DateAxis;
    use layout::ROW;
    use plotters::coord::ranged1d::{Ranged, ValueFormatter};

    /// Whether drawing `c` in `style` puts any ink on a PNG-bound bitmap.
    fn inked(c: char, style: &TextStyle) -> bool {
        let mut pixels = vec![255u8; 40 * 40 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (40, 40)).into_drawing_area();
            root.draw(&Text::new(c.to_string(), (4, 4), style.clone())).unwrap();
            root.present().unwrap();
        }
        pixels.iter().any(|byte| *byte < 240)
    }

    /// The regular font covers GBK, so every CJK unified ideograph U+4E00–U+9FA5: a sample of them, and
    /// characters that an earlier subset drew blank (their glyph numbers were above 32,767), have ink.
    #[test]
    fn chinese_characters_are_drawn_in_both_weights() {
        register_fonts().unwrap();
        let style = text(20.0);
        let blank: String = (0x4e00..=0x9fa5)
            .step_by(7)
            .filter_map(char::from_u32)
            .chain("酵量面高金险院默酿阶：“”".chars())
            .filter(|c| !inked(*c, &style))
            .collect();
        assert!(blank.is_empty(), "not drawn: {blank}");
        for c in "发酵产量示范推广种植面积高金险".chars() {
            assert!(inked(c, &bold(20.0)), "{c}");
        }
    }

    /// Labels as the zh-CN pages would pass them.
    pub(crate) fn zh() -> Labels {
        Labels {
            planned: "计划".into(),
            verified: "已审核".into(),
            pending: "待审核".into(),
            target: "目标".into(),
            forecast: "预测".into(),
            change_axis: "较基线变化 %".into(),
            decrease_axis: "较基线降低 %".into(),
            today: "截至".into(),
            completion: "完成率".into(),
            indicators: "指标数".into(),
            overdue_indicators: "逾期指标数".into(),
            met: "已完成".into(),
            due_soon: "即将到期".into(),
            upcoming: "未到期".into(),
            not_started: "未开始".into(),
            on_track: "正常".into(),
            at_risk: "有风险".into(),
            overdue: "逾期".into(),
            achieved: "已达标".into(),
            missed: "未达标".into(),
        }
    }

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Decodes a PNG, checks that it is 8-bit RGB of the given size and returns its rows of pixels.
    pub(crate) fn decode(png: &[u8], (width, height): (u32, u32)) -> Vec<Vec<[u8; 3]>> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), (width, height));
        assert_eq!((frame.color_type, frame.bit_depth), (png::ColorType::Rgb, png::BitDepth::Eight));
        pixels[..frame.buffer_size()]
            .chunks(frame.line_size)
            .map(|row| row.chunks(3).map(|pixel| [pixel[0], pixel[1], pixel[2]]).collect())
            .collect()
    }

    /// Writes a chart to /tmp/charts for looking at; failures to write are not the test's concern.
    pub(crate) fn keep(name: &str, png: &[u8], svg: &str) {
        let _ = std::fs::create_dir_all("/tmp/charts");
        let _ = std::fs::write(format!("/tmp/charts/{name}.png"), png);
        let _ = std::fs::write(format!("/tmp/charts/{name}.svg"), svg);
    }

    /// Whether an SVG has a text element reading exactly `text`.
    pub(crate) fn has_text(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n</text>"))
    }

    /// How many times `needle` occurs in `haystack`.
    pub(crate) fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// Every text element of an SVG names the bundled font's families, with sizes in the PNG's em.
    pub(crate) fn assert_svg_text_in_bundled_font(svg: &str) {
        let texts = count(svg, "<text");
        assert!(texts > 0);
        assert_eq!(count(svg, &format!("font-family=\"{FAMILY}\"")), texts, "{svg}");
    }

    #[test]
    fn status_colours_are_hex_and_distinct() {
        let hexes: Vec<String> = Status::ALL.into_iter().map(status_hex).collect();
        for hex in &hexes {
            assert_eq!(hex.len(), 7, "{hex}");
            assert!(hex.starts_with('#') && hex[1..].chars().all(|c| c.is_ascii_hexdigit()), "{hex}");
        }
        let mut unique = hexes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), Status::ALL.len());
        assert_eq!(status_hex(Status::Achieved), "#009e73");
    }

    #[test]
    fn svg_font_sizes_match_the_em_plotters_lays_out_with() {
        // A CJK glyph advances exactly one em, so ten of them measure ten ems in plotters' layout; the
        // SVG must ask the browser for that same em.
        register_fonts().unwrap();
        let mut svg = String::new();
        let width = {
            let root = SVGBackend::with_string(&mut svg, (400, 100)).into_drawing_area();
            let style = text(20.0);
            let width = text_width(&root, "中中中中中中中中中中", &style).unwrap();
            root.draw(&Text::new("中", (0, 0), style)).unwrap();
            root.present().unwrap();
            width
        };
        let svg = scale_svg_font_sizes(&svg);
        let size: f64 = svg.split("font-size=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!((f64::from(width) / 10.0 - 20.0).abs() < 0.5, "layout em {}", f64::from(width) / 10.0);
        assert!((size - 20.0).abs() < 0.1, "svg font-size {size}");
    }

    #[test]
    fn font_sizes_are_rewritten_and_the_rest_kept() {
        let svg = "<text x=\"1\" font-size=\"12.4\">a</text><text font-size=\"x\">b</text>";
        let scaled = scale_svg_font_sizes(svg);
        assert_eq!(
            scaled,
            format!("<text x=\"1\" font-size=\"{:.1}\">a</text><text font-size=\"x\">b</text>", 12.4 * SVG_FONT_SCALE)
        );
    }

    #[test]
    fn numbers_lose_needless_decimals() {
        assert_eq!(format_number(20000.0), "20000");
        assert_eq!(format_number(95.5), "95.5");
        assert_eq!(format_number(0.126), "0.13");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(-1500.0), "-1500");
        assert_eq!(format_number(f64::NAN), "—");
    }

    #[test]
    fn date_ticks_fall_on_months_or_quarters() {
        let axis = DateAxis::new(d(2024, 7, 1), d(2027, 6, 30), std::iter::empty());
        let ticks = axis.key_points(10);
        assert!(ticks.len() <= 10 && ticks.len() >= 5, "{ticks:?}");
        assert!(ticks.iter().all(|t| t.day() == 1 && [1, 7].contains(&t.month())), "{ticks:?}");
        let monthly = DateAxis::new(d(2025, 1, 10), d(2025, 6, 30), std::iter::empty()).key_points(10);
        assert_eq!(monthly, vec![d(2025, 2, 1), d(2025, 3, 1), d(2025, 4, 1), d(2025, 5, 1), d(2025, 6, 1)]);
        let quarterly = DateAxis::new(d(2025, 1, 1), d(2026, 12, 31), std::iter::empty()).key_points(10);
        assert!(quarterly.iter().all(|t| t.month0() % 3 == 0) && quarterly.len() == 8, "{quarterly:?}");
        assert_eq!(axis.format_ext(&d(2025, 4, 1)), "2025-04");
    }

    #[test]
    fn a_short_or_empty_date_range_gets_its_ends_as_ticks() {
        let short = DateAxis::new(d(2025, 3, 5), d(2025, 3, 20), std::iter::empty());
        assert_eq!(short.key_points(10), vec![d(2025, 3, 5), d(2025, 3, 20)]);
        assert_eq!(short.format_ext(&d(2025, 3, 5)), "2025-03-05");
        let single = DateAxis::new(d(2025, 3, 5), d(2025, 3, 5), std::iter::empty());
        assert!(single.start < single.end);
        assert_eq!(single.map(&d(2025, 3, 5), (0, 100)), 50);
        let widened = DateAxis::new(d(2025, 3, 1), d(2025, 6, 1), [d(2024, 12, 1), d(2025, 9, 1)].into_iter());
        assert_eq!((widened.start, widened.end), (d(2024, 12, 1), d(2025, 9, 1)));
    }

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        register_fonts().unwrap();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 100)).into_drawing_area();
        let style = text(LABEL_EM);
        let long = "示范推广种植面积达到两万亩以上并带动周边农户增收";
        let fitted = fit(&root, long, &style, 120).unwrap();
        assert!(fitted.ends_with('…') && fitted.chars().count() < long.chars().count(), "{fitted}");
        assert!(text_width(&root, &fitted, &style).unwrap() <= 120);
        assert_eq!(fit(&root, "培养技术人员", &style, 400).unwrap(), "培养技术人员");
    }

    /// Render times per chart, in release: `cargo test --release --lib report::chart::tests::render_times
    /// -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn render_times() {
        let (indicator, overview) = (indicator::tests::planting(), overview::tests::project());
        let (breakdown, trend) = (breakdown::tests::regions(), overdue_trend::tests::weekly());
        let timeline = timeline::tests::project();
        let charts = [
            ("indicator", Chart::Indicator(&indicator)),
            ("overview", Chart::Overview(&overview)),
            ("breakdown", Chart::Breakdown(&breakdown)),
            ("overdue_trend", Chart::OverdueTrend(&trend)),
            ("timeline", Chart::Timeline(&timeline)),
        ];
        let labels = zh();
        let started = std::time::Instant::now();
        charts[0].1.png(&labels).unwrap();
        println!("first chart, fonts included: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
        for (name, chart) in &charts {
            println!(
                "{name:>14}: svg {} bytes, png {} bytes",
                chart.svg(&labels).unwrap().len(),
                chart.png(&labels).unwrap().len()
            );
        }
        const RUNS: u32 = 50;
        for (name, chart) in charts {
            let started = std::time::Instant::now();
            for _ in 0..RUNS {
                chart.svg(&labels).unwrap();
            }
            let svg = started.elapsed() / RUNS;
            let started = std::time::Instant::now();
            for _ in 0..RUNS {
                chart.png(&labels).unwrap();
            }
            let png = started.elapsed() / RUNS;
            println!("{name:>14}: svg {:.2} ms, png {:.2} ms", svg.as_secs_f64() * 1000.0, png.as_secs_f64() * 1000.0);
        }
    }

    #[test]
    fn row_charts_grow_with_their_rows() {
        assert_eq!(rows_height(0), rows_height(1));
        assert!(rows_height(30) > rows_height(10));
        assert_eq!(rows_height(10) - rows_height(9), ROW);
    }
}
