//! The fonts a report's HTML file carries: the bundled Noto Sans SC cut down to the characters the
//! report writes, inline as `data:` URLs, so that the file renders the same opened from disk, sent by
//! e-mail or archived, on a machine with no Chinese font at all.

use std::collections::BTreeSet;

use base64::Engine;

use crate::fonts;

/// The `@font-face` rules of the report's family ("Coop Sans"), regular and bold, holding the glyphs
/// of the characters in `text`. Should the subsetter fail, the rules name the readers' own Chinese
/// fonts instead: the report still opens, in whatever Chinese font the reader has.
pub fn font_faces(text: &str) -> String {
    let characters: BTreeSet<char> = text.chars().filter(|c| !c.is_control()).collect();
    let faces = [(fonts::REGULAR, 400, "Noto Sans CJK SC"), (fonts::BOLD, 700, "Noto Sans CJK SC Bold")];
    faces
        .iter()
        .map(|&(font, weight, local)| match hb_subset::subset(font, characters.iter().copied()) {
            Ok(subset) => format!(
                "@font-face {{ font-family: \"Coop Sans\"; src: url(\"data:font/otf;base64,{}\") format(\"opentype\"); \
                 font-weight: {weight}; }}\n",
                base64::engine::general_purpose::STANDARD.encode(subset)
            ),
            Err(error) => {
                tracing::warn!(%error, weight, "the report's font could not be cut down; it names local fonts instead");
                format!(
                    "@font-face {{ font-family: \"Coop Sans\"; src: local(\"{local}\"); font-weight: {weight}; }}\n"
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use ab_glyph::Font;

    use super::*;

    /// The fonts inside a rule set, decoded.
    fn embedded(css: &str) -> Vec<Vec<u8>> {
        css.split("base64,")
            .skip(1)
            .map(|rest| base64::engine::general_purpose::STANDARD.decode(rest.split('"').next().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn a_report_carries_the_glyphs_it_writes_and_no_others() {
        let css = font_faces("项目组合进展报告 2026 年：逾期 12 项");
        let fonts = embedded(&css);
        assert_eq!(fonts.len(), 2, "regular and bold: {css:.200}");
        for font in &fonts {
            assert!(font.len() < 40_000, "a few glyphs, not the whole font: {} bytes", font.len());
            let face = ab_glyph::FontRef::try_from_slice(font).unwrap();
            for c in ['项', '逾', '：', '2'] {
                assert_ne!(face.glyph_id(c).0, 0, "{c} is drawn");
            }
            assert_eq!(face.glyph_id('堃').0, 0, "a character the report does not write is left out");
        }
    }
}
