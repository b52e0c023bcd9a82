//! Word lists indexed by the first or last character of each word, for the matching the unit
//! reader and the indicator parser do at every number.

/// A word list grouped by the first (or last) character of each word, so that matching at a
/// position compares only the few words that can match there instead of the whole list. The
/// parser matches word lists at every number, so this keeps its cost per number small even in an
/// unoptimised build.
pub(crate) struct Index<T: 'static> {
    /// `(key character, word, value)`, sorted by key.
    entries: Vec<(char, &'static str, T)>,
    /// The distinct key characters, sorted, with where their words start in `entries`.
    keys: Vec<(char, usize)>,
    /// A 256-bit filter of the key characters: most lookups miss, and this answers them at once.
    filter: [u64; 4],
}

/// The filter bit of a character.
fn filter_bit(c: char) -> (usize, u64) {
    let h = (c as u32).wrapping_mul(0x9E37_79B1) >> 24;
    ((h >> 6) as usize & 3, 1u64 << (h & 63))
}

impl<T: Copy> Index<T> {
    /// Indexes `table` by each word's first character, for prefix matching.
    pub(crate) fn by_first(table: &[(&'static str, T)]) -> Self {
        Self::build(table, |w| w.chars().next())
    }

    /// Indexes `table` by each word's last character, for suffix matching.
    pub(crate) fn by_last(table: &[(&'static str, T)]) -> Self {
        Self::build(table, |w| w.chars().next_back())
    }

    fn build(table: &[(&'static str, T)], key: impl Fn(&str) -> Option<char>) -> Self {
        let mut entries: Vec<(char, &'static str, T)> =
            table.iter().filter_map(|&(w, v)| key(w).map(|c| (c, w, v))).collect();
        entries.sort_by_key(|e| e.0);
        let mut keys: Vec<(char, usize)> = Vec::new();
        let mut filter = [0u64; 4];
        for (i, e) in entries.iter().enumerate() {
            if keys.last().is_none_or(|k| k.0 != e.0) {
                keys.push((e.0, i));
                let (word, bit) = filter_bit(e.0);
                if let Some(w) = filter.get_mut(word) {
                    *w |= bit;
                }
            }
        }
        Index { entries, keys, filter }
    }

    /// The words keyed by `c`.
    fn group(&self, c: char) -> &[(char, &'static str, T)] {
        let (word, bit) = filter_bit(c);
        if self.filter.get(word).is_none_or(|w| w & bit == 0) {
            return &[];
        }
        // Plain binary search: this runs for every number, and closures are slow unoptimised.
        let (mut lo, mut hi) = (0, self.keys.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let Some(&(k, start)) = self.keys.get(mid) else { return &[] };
            if k == c {
                let end = self.keys.get(mid + 1).map_or(self.entries.len(), |n| n.1);
                return self.entries.get(start..end).unwrap_or(&[]);
            }
            if k < c {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        &[]
    }

    /// The longest word `s` starts with (needs an index by first character).
    pub(crate) fn longest_prefix(&self, s: &str) -> Option<(&'static str, T)> {
        let c = s.chars().next()?;
        let mut best: Option<(&'static str, T)> = None;
        for &(_, w, v) in self.group(c) {
            if s.starts_with(w) && best.is_none_or(|(b, _)| w.len() > b.len()) {
                best = Some((w, v));
            }
        }
        best
    }

    /// The longest word `s` ends with (needs an index by last character).
    pub(crate) fn longest_suffix(&self, s: &str) -> Option<(&'static str, T)> {
        let c = s.chars().next_back()?;
        let mut best: Option<(&'static str, T)> = None;
        for &(_, w, v) in self.group(c) {
            if s.ends_with(w) && best.is_none_or(|(b, _)| w.len() > b.len()) {
                best = Some((w, v));
            }
        }
        best
    }
}

/// Pairs each word of a plain list with `()` so that it can be indexed.
pub(crate) fn unit_values(words: &[&'static str]) -> Vec<(&'static str, ())> {
    words.iter().map(|&w| (w, ())).collect()
}
