//! The Chinese fonts compiled into the binary (Noto Sans CJK SC under the SIL Open Font License,
//! `assets/fonts/OFL.txt`), so that pages, charts and PDFs render Chinese on a machine with no fonts
//! installed. Each font is embedded once and shared by every user of it.

/// Noto Sans SC Regular, every character of GBK (so rare name characters such as 堃 喆 render).
pub const REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Regular-GBK.otf");

/// Noto Sans SC Bold, the GB2312 characters.
pub const BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Bold-GB2312.otf");
