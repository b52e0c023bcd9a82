//! How long parsing a whole call guide takes: the 2024 guide as published (Markdown) and as text
//! copied out of its PDF. Run with `cargo bench --bench guide_parse`.

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

criterion_group!(benches, parse_guides);
criterion_main!(benches);
