//! How long parsing a whole call guide takes: the 2024 guide as published (Markdown) and as text
//! copied out of its PDF; and how long the indicator-phrase parser takes over a megabyte of each of
//! the shapes that once cost it most (it must stay linear). Run with `cargo bench --bench guide_parse`.

#![expect(missing_docs, reason = "criterion's macros generate undocumented entry points")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn parse_guides(c: &mut Criterion) {
    for (name, text) in [
        ("2024 guide, markdown", include_str!("../tests/fixtures/guides/2024-domestic-cooperation.md")),
        ("2024 guide, pdf text", include_str!("../tests/fixtures/guides/2024-domestic-cooperation.pdf.txt")),
    ] {
        c.bench_function(name, |b| b.iter(|| coop_tracker::domain::guide::parse(black_box(text))));
    }
}

fn parse_pathological_megabytes(c: &mut Criterion) {
    let mut group = c.benchmark_group("indicator phrases, 1 MB of");
    group.sample_size(10);
    for shape in ["不少于10万株以上、(", "1、", "1.1.1.", "提高2-3倍(镁锂比大于50体系)，pH2-13，20-60°C以下；"]
    {
        let text = shape.repeat((1 << 20) / shape.len() + 1);
        group.bench_function(shape, |b| b.iter(|| coop_tracker::domain::guide::indicator::parse(black_box(&text))));
    }
    group.finish();
}

criterion_group!(benches, parse_guides, parse_pathological_megabytes);
criterion_main!(benches);
