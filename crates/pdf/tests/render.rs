//! Renders real documents with the project's fonts and reads the PDFs back with poppler's tools.

use std::process::Command;
use std::sync::OnceLock;

use coop_pdf::{Fonts, PdfError, render};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GBK.otf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Bold-GB2312.otf");

/// The report fixture: a Chinese final-acceptance report of several pages.
const MAIN: &str = include_str!("fixtures/main.typ");
const FILES: &[(&str, &[u8])] = &[
    ("/style.typ", include_bytes!("fixtures/style.typ")),
    ("/data.json", include_bytes!("fixtures/data.json")),
    ("/chart-1.svg", include_bytes!("fixtures/chart-1.svg")),
];

/// Parsed once, as the application does.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::new(&[REGULAR, BOLD]).expect("the project's fonts parse"))
}

/// Runs a poppler tool on a PDF, named `PDF` in `args`, and returns what it printed. Fails loudly
/// if the tool is missing, so that a machine without poppler-utils cannot pass by skipping.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().expect("a temporary file");
    std::fs::write(file.path(), pdf).expect("the PDF is written");
    let path = file.path().to_str().expect("a UTF-8 temporary path");
    let output = Command::new(tool)
        .args(args.iter().map(|arg| if *arg == "PDF" { path } else { arg }))
        .output()
        .unwrap_or_else(|err| panic!("{tool} could not be run ({err}); install poppler-utils"));
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// How many dark pixels each page of a PDF has, from poppler's greyscale rendering.
fn ink_per_page(pdf: &[u8]) -> Vec<usize> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("page");
    poppler("pdftoppm", &["-r", "36", "-gray", "PDF", root.to_str().expect("a UTF-8 path")], pdf);
    let mut pages: Vec<_> =
        std::fs::read_dir(dir.path()).expect("pages").map(|entry| entry.expect("a page").path()).collect();
    pages.sort();
    pages
        .iter()
        .map(|page| {
            let pgm = std::fs::read(page).expect("a PGM file");
            // "P5\n<width> <height>\n255\n" then one byte a pixel.
            let pixels = pgm.len() - pgm.split(|&byte| byte == b'\n').take(3).map(|line| line.len() + 1).sum::<usize>();
            pgm[pgm.len() - pixels..].iter().filter(|&&grey| grey < 128).count()
        })
        .collect()
}

/// The text of a PDF, laid out as on the page, without spaces: pdftotext puts them between
/// Chinese and digits, and for the gaps of the layout. Pages end with a form feed.
fn pdf_text(pdf: &[u8]) -> String {
    let text = poppler("pdftotext", &["-layout", "-enc", "UTF-8", "PDF", "-"], pdf);
    text.replace([' ', '\u{3000}'], "")
}

fn compile_error(main: &str, files: &[(&str, &[u8])]) -> String {
    match render(fonts(), main, files) {
        Ok(_) => panic!("{main:?} should not compile"),
        Err(err @ PdfError::Compile(_)) => err.to_string(),
        Err(other) => panic!("expected a compile error, got {other:?}"),
    }
}

#[test]
fn fonts_are_shared_between_threads_and_name_their_family() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Fonts>();
    let families: Vec<&str> = fonts().families().collect();
    assert_eq!(families, ["Noto Sans CJK SC"]);
}

#[test]
fn fonts_refuse_an_empty_list_and_data_that_is_not_a_font() {
    assert!(matches!(Fonts::new(&[]), Err(PdfError::NoFonts)));
    let err = Fonts::new(&[REGULAR, b"not a font"]).expect_err("garbage is no font");
    assert!(matches!(err, PdfError::NotAFont { index: 1 }), "{err:?}");
}

#[test]
fn chinese_report_has_its_text_tables_chart_and_page_numbers() {
    let rendered = render(fonts(), MAIN, FILES).expect("the report renders");
    assert!(rendered.bytes.starts_with(b"%PDF-"));
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);

    let text = pdf_text(&rendered.bytes);
    let pages = text.split('\u{c}').filter(|page| !page.trim().is_empty()).count();
    assert!(pages >= 3, "expected several pages, got {pages}:\n{text}");
    for expected in [
        "结题验收报告",
        "目录",
        "1项目概况",
        "优质酿酒高粱新品种选育与发酵工艺优化",
        // The table, fed by /data.json.
        "发酵产量预测精度不低于95%",
        "示范推广种植20000亩以上",
        "23560亩",
        "96.8%",
        // The chart's SVG <text>, kept as text (not outlines) in the bundled font.
        "示范基地",
        "对照组",
        "652",
        // The footer of the first and of the last page.
        "第1页/共",
        &format!("第{pages}页/共{pages}页"),
    ] {
        assert!(text.contains(expected), "{expected:?} is missing from:\n{text}");
    }

    // Every font is embedded: a reader without Noto Sans CJK SC shows the same glyphs.
    let fonts = poppler("pdffonts", &["PDF"], &rendered.bytes);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in rows {
        assert!(row.contains("NotoSansCJKsc-"), "an unexpected font:\n{fonts}");
        // Columns: name, type (two words: CID Type 0C), encoding, emb, sub, uni, object, id.
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns.len().checked_sub(5).map(|i| columns[i]);
        assert_eq!(emb, Some("yes"), "a font is not embedded:\n{fonts}");
    }
}

#[test]
fn characters_past_glyph_32767_are_drawn() {
    // In an earlier subset of the GBK font these mapped to glyph ids past 32767, which typst drew
    // as blanks while pdftotext still read them (from the text layer): only the picture shows it.
    let characters = ["高", "量", "院", "：", "“", "认"];
    let pages: Vec<String> = characters.iter().map(|c| format!("#align(center + horizon)[{c}]")).collect();
    let main = format!(
        "#set page(width: 2cm, height: 2cm, margin: 0pt)\n#set text(font: \"Noto Sans CJK SC\", size: 40pt)\n{}",
        pages.join("\n#pagebreak()\n")
    );
    let rendered = render(fonts(), &main, &[]).expect("renders");
    let ink = ink_per_page(&rendered.bytes);
    assert_eq!(ink.len(), characters.len());
    for (character, ink) in characters.iter().zip(ink) {
        assert!(ink > 0, "{character} is blank");
    }
}

#[test]
fn svg_text_of_any_family_takes_the_document_font() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="30">
        <text x="0" y="20" font-family="sans-serif" font-size="16">图表标题</text>
    </svg>"#;
    let main = "#set text(font: \"Noto Sans CJK SC\")\n#image(\"/chart.svg\")";
    let rendered = render(fonts(), main, &[("/chart.svg", svg.as_bytes())]).expect("renders");
    assert!(pdf_text(&rendered.bytes).contains("图表标题"));
}

#[test]
fn same_input_gives_the_same_bytes() {
    let first = render(fonts(), MAIN, FILES).expect("renders").bytes;
    // Something else in between, so the second render meets a different cache.
    render(fonts(), "= 其他报告\n\n正文", &[]).expect("renders");
    let second = render(fonts(), MAIN, FILES).expect("renders again").bytes;
    assert!(first == second, "the two renders differ");
}

#[test]
fn renders_from_several_threads_at_once() {
    let outputs: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..4).map(|_| scope.spawn(|| render(fonts(), MAIN, FILES).expect("renders").bytes)).collect();
        handles.into_iter().map(|handle| handle.join().expect("no panic")).collect()
    });
    assert!(outputs.windows(2).all(|pair| pair[0] == pair[1]), "threads rendered different bytes");
}

#[test]
fn a_syntax_error_names_its_line() {
    let message = compile_error("= 标题\n\n正文\n#let x = (1, 2\n", &[]);
    assert!(message.contains("/main.typ:4:"), "{message}");
    assert!(message.contains("unclosed delimiter"), "{message}");
}

#[test]
fn an_error_in_an_imported_file_names_that_file() {
    let message = compile_error("#import \"/lib.typ\": f\n#f()", &[("/lib.typ", b"#let f() = {\n  1 + \"a\"\n}")]);
    assert!(message.contains("/lib.typ:2:"), "{message}");
}

#[test]
fn a_missing_image_names_its_path() {
    let message = compile_error("正文\n\n#image(\"/chart-9.svg\")", FILES);
    assert!(message.contains("/main.typ:3:"), "{message}");
    assert!(message.contains("file not found") && message.contains("/chart-9.svg"), "{message}");
}

#[test]
fn relative_paths_resolve_from_the_importing_file() {
    let main = "#import \"/parts/a.typ\": value\n#value";
    let files: &[(&str, &[u8])] = &[
        ("parts/a.typ", b"#let value = json(\"b.json\").text"),
        ("/parts/b.json", r#"{"text": "相对路径"}"#.as_bytes()),
    ];
    let rendered = render(fonts(), main, files).expect("renders");
    assert!(pdf_text(&rendered.bytes).contains("相对路径"));
}

#[test]
fn invalid_json_names_the_line_in_the_data_file() {
    let message = compile_error("#json(\"/data.json\")", &[("/data.json", b"{\n  \"a\": 1,\n  oops\n}")]);
    assert!(message.contains("/data.json:3:"), "{message}");
}

#[test]
fn nothing_is_fetched_from_outside() {
    let message = compile_error("#import \"@preview/cetz:0.3.0\": canvas", &[]);
    assert!(message.contains("packages are not available"), "{message}");
    let message = compile_error("#datetime.today().display()", &[]);
    assert!(message.contains("/main.typ:1:"), "{message}");
}

#[test]
fn a_path_given_twice_is_refused() {
    let err = render(fonts(), "", &[("/a.json", b"1"), ("a.json", b"2")]).expect_err("a duplicate");
    assert!(matches!(err, PdfError::InvalidPath { ref path, .. } if path == "a.json"), "{err:?}");
}

#[test]
fn an_unknown_font_family_is_a_warning() {
    let rendered = render(fonts(), "#set text(font: \"SimSun\")\n中文", &[]).expect("renders with a fallback");
    let warnings: Vec<String> = rendered.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.starts_with("/main.typ:1:") && w.contains("simsun")), "{warnings:?}");
}
