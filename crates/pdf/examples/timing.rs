//! Times the rendering of the test report (three A4 pages in Chinese, a table, an SVG chart) and
//! shows that memory stays flat over many different reports.
//!
//! `cargo run -p coop-pdf --release --example timing [-- out.pdf]`

use std::time::{Duration, Instant};

use coop_pdf::{Fonts, render};

const MAIN: &str = include_str!("../tests/fixtures/main.typ");
const STYLE: &[u8] = include_bytes!("../tests/fixtures/style.typ");
const DATA: &str = include_str!("../tests/fixtures/data.json");
const CHART: &[u8] = include_bytes!("../tests/fixtures/chart-1.svg");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let fonts = Fonts::new(&[
        include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GBK.otf"),
        include_bytes!("../../../assets/fonts/NotoSansSC-Bold-GB2312.otf"),
    ])?;
    println!("fonts parsed in {:?}", start.elapsed());

    let report = |data: &str| {
        render(&fonts, MAIN, &[("/style.typ", STYLE), ("/data.json", data.as_bytes()), ("/chart-1.svg", CHART)])
    };

    let start = Instant::now();
    let first = report(DATA)?;
    println!("first render (cold caches) {:?}, {} bytes", start.elapsed(), first.bytes.len());
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(&path, &first.bytes)?;
        println!("written to {path}");
    }

    // The same report again and again: what the caches can give at best.
    println!("same report: {}", summary(&times(30, |_| report(DATA).map(drop))?));

    // A different report each time, as a server sees them: the numbers change, so does the layout.
    let different = |i: usize| {
        let data = DATA.replace("23560亩", &format!("{}亩", 20000 + i)).replace("某某农业", &format!("第{i}农业"));
        report(&data).map(drop)
    };
    println!("different reports: {}", summary(&times(30, different)?));

    let before = rss_kib();
    times(500, |i| different(1000 + i))?;
    println!("resident memory over 500 more different reports: {before} KiB -> {} KiB", rss_kib());
    Ok(())
}

/// The duration of each of `n` runs of `f`.
fn times(
    n: usize,
    mut f: impl FnMut(usize) -> Result<(), coop_pdf::PdfError>,
) -> Result<Vec<Duration>, coop_pdf::PdfError> {
    (0..n)
        .map(|i| {
            let start = Instant::now();
            f(i).map(|()| start.elapsed())
        })
        .collect()
}

fn summary(times: &[Duration]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort();
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len()).unwrap_or(u32::MAX);
    format!(
        "{} renders, mean {mean:.1?}, median {:.1?}, max {:.1?}",
        times.len(),
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1]
    )
}

/// Resident set size from /proc (Linux), 0 elsewhere.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}
