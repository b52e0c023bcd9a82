//! placeholder until the phrase parser lands
use super::model::Indicator;
/// placeholder
pub fn parse(_text: &str) -> Vec<Indicator> { Vec::new() }
