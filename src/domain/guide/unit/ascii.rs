//! Runs of ASCII unit symbols (`mg/L`, `L/m²·h`, `m^3`), checked against SI-style atoms.

use super::MAX_UNIT_CHARS;

/// ASCII unit atoms (SI symbols and the like) that may make up an ASCII unit run.
const ATOMS: &[&str] = &[
    "g", "kg", "mg", "μg", "µg", "ug", "ng", "t", "kt", "Mt", "L", "l", "mL", "ml", "μL", "uL", "m", "km", "cm", "mm",
    "μm", "um", "nm", "hm", "dm", "s", "ms", "μs", "us", "ns", "min", "h", "hr", "d", "Hz", "kHz", "MHz", "GHz", "W",
    "kW", "MW", "GW", "TW", "mW", "Wp", "kWp", "MWp", "GWp", "Wh", "kWh", "MWh", "GWh", "TWh", "J", "kJ", "MJ", "GJ",
    "V", "kV", "mV", "A", "mA", "kA", "Ah", "mAh", "VA", "kVA", "MVA", "var", "kvar", "Mvar", "Pa", "kPa", "MPa",
    "GPa", "hPa", "bar", "mbar", "N", "kN", "Nm", "mol", "mmol", "μmol", "K", "dB", "dBm", "dBi", "ppm", "ppb", "ppt",
    "lx", "lm", "cd", "B", "KB", "kB", "MB", "GB", "TB", "PB", "bit", "kbit", "Mbit", "Gbit", "bps", "kbps", "Kbps",
    "Mbps", "Gbps", "Tbps", "FLOPS", "TFLOPS", "PFLOPS", "EFLOPS", "TOPS", "fps", "FPS", "rpm", "Bq", "Gy", "Sv",
    "mSv", "μSv", "eV", "keV", "MeV", "GeV", "cal", "kcal", "IU", "U", "CFU", "cfu", "Ω", "kΩ", "MΩ", "F", "μF", "nF",
    "pF", "H", "mH", "T", "mT", "mmHg", "cP", "ha", "°", "tce", "dpi", "ppi", "nit", "nits", "bpm", "pH", "cells",
    "cell", "copies", "μmol", "mM", "μM", "nM", "pM", "C",
];

/// Single-letter units that may be glued to a number (10m, 5t); any other single letter right
/// after a number makes a name (5G, 3D, 4K).
const GLUED_SINGLE: &str = "gtLmshWVA";

/// ASCII units that the contract names; they keep full confidence.
pub(super) const KNOWN_ASCII: &[&str] = &["m", "km", "h", "min", "s", "m²", "m³", "kW", "kWh", "℃", "L/(m²·h)", "pH"];

/// Canonical spelling of one ASCII atom, if it is a unit.
fn atom(raw: &str) -> Option<&'static str> {
    match raw {
        "°C" | "℃" => Some("℃"),
        "kWH" | "KWh" | "KWH" | "kwh" => Some("kWh"),
        "KW" | "kw" => Some("kW"),
        _ => ATOMS.iter().find(|a| **a == raw).copied(),
    }
}

/// A run of ASCII unit symbols at `p` (`mg/L`, `L/m²·h`, `m^3`, `°C`), canonicalised. Returns the
/// spelling, the offset after it and whether it may be glued to a number: a lone letter with no
/// exponent may only if it is in [`GLUED_SINGLE`] (10m, but not 5G).
pub(super) fn ascii_run(t: &str, p: usize, limit: usize) -> Option<(String, usize, bool)> {
    let rest = t.get(p..limit)?;
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, 'μ' | 'µ' | 'Ω' | '°')) {
        return None;
    }
    let mut out = String::new();
    let mut good: Option<(usize, usize)> = None; // (bytes of `rest` consumed, length of `out`)
    let mut atoms = 0usize;
    let mut glue_ok = true;
    let mut depth = 0usize;
    let mut chars = rest.char_indices().peekable();
    'terms: loop {
        // An opening parenthesis may start a term after a separator: L/(m²·h).
        while let Some(&(_, '(')) = chars.peek() {
            if depth >= 2 || atoms == 0 {
                break 'terms;
            }
            depth += 1;
            out.push('(');
            chars.next();
        }
        let mut raw = String::new();
        let mut atom_end = None;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_ascii_alphabetic() || matches!(c, 'μ' | 'µ' | 'Ω' | '°') {
                raw.push(c);
                atom_end = Some(i + c.len_utf8());
                chars.next();
                if raw.len() > 12 {
                    break 'terms;
                }
            } else {
                break;
            }
        }
        let Some(mut end) = atom_end else { break };
        let Some(canon) = atom(&raw) else { break };
        out.push_str(canon);
        atoms += 1;
        glue_ok = atoms > 1 || raw.len() > 1 || GLUED_SINGLE.contains(raw.as_str());
        // Exponent: m2, m^2, m².
        let mut look = chars.clone();
        let mut exp = None;
        match look.next() {
            Some((i, c @ ('²' | '³'))) => exp = Some((c, i + c.len_utf8())),
            Some((_, '^')) => {
                if let Some((i, c @ ('2' | '3'))) = look.next() {
                    exp = Some((if c == '2' { '²' } else { '³' }, i + 1));
                }
            }
            Some((i, c @ ('2' | '3'))) if !look.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => {
                exp = Some((if c == '2' { '²' } else { '³' }, i + 1));
            }
            _ => {}
        }
        if let Some((sup, after)) = exp {
            glue_ok = true;
            out.push(sup);
            end = after;
            while chars.peek().is_some_and(|(i, _)| *i < after) {
                chars.next();
            }
        }
        // dB(A): the weighting belongs to the unit.
        if canon == "dB" && (rest.get(end..).is_some_and(|r| r.starts_with("(A)") || r.starts_with("(C)"))) {
            out.push_str(rest.get(end..end + 3).unwrap_or(""));
            end += 3;
            while chars.peek().is_some_and(|(i, _)| *i < end) {
                chars.next();
            }
        }
        while depth > 0 && chars.peek().is_some_and(|(_, c)| *c == ')') {
            depth -= 1;
            out.push(')');
            if let Some((i, _)) = chars.next() {
                end = i + 1;
            }
        }
        if depth == 0 {
            good = Some((end, out.len()));
        }
        match chars.peek() {
            Some(&(_, c @ ('/' | '·' | '*' | '⋅' | '•'))) => {
                out.push(if c == '/' { '/' } else { '·' });
                chars.next();
            }
            _ => break,
        }
    }
    let (consumed, len) = good?;
    out.truncate(len);
    if out.chars().count() > MAX_UNIT_CHARS {
        return None;
    }
    // L/m²·h means litres per (square metre × hour).
    if out.matches('/').count() == 1
        && let Some((num, den)) = out.split_once('/')
        && den.contains('·')
        && !den.starts_with('(')
    {
        out = format!("{num}/({den})");
    }
    Some((out, p + consumed, glue_ok))
}
