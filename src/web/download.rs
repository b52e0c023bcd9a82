//! How a sent file is named to the browser that saves it: in the user's language (`filename*`), with
//! an ASCII twin (`filename`) for the clients that read only that.

use actix_web::http::header::{Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};

/// The `Content-Disposition` of a file named `text`, or `ascii` where UTF-8 names are not read;
/// `inline` to show it in the browser, otherwise as a download.
pub fn disposition(inline: bool, text: &str, ascii: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: if inline { DispositionType::Inline } else { DispositionType::Attachment },
        parameters: vec![
            DispositionParam::Filename(ascii_fallback(ascii)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: text.as_bytes().to_vec(),
            }),
        ],
    }
}

/// The name for clients that ignore `filename*`: non-ASCII characters, controls and quotes replaced.
fn ascii_fallback(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_name_is_plain_ascii() {
        assert_eq!(ascii_fallback("检测报告 v2.pdf"), "____ v2.pdf");
        assert_eq!(ascii_fallback("a\"b.pdf"), "a_b.pdf");
    }
}
