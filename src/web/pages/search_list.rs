//! A long list with a search field and pages (`?q=…&page=N`), as the projects and the accounts are
//! listed: what was asked, the page's rows' offset, and the links to the pages around it.

use serde::Deserialize;

use crate::i18n::T;

/// Rows on a page of a searched list.
pub const PER_PAGE: i64 = 50;

/// `?q=&page=`: the text searched for (empty: everything) and the page, from 1.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    /// What the name or code holds.
    #[serde(default)]
    pub q: String,
    /// The page, from 1; anything below is the first.
    pub page: Option<i64>,
}

impl SearchQuery {
    /// The page asked for (1 at least), and the offset and limit of its rows.
    pub fn page(&self) -> (i64, (i64, i64)) {
        let page = self.page.unwrap_or(1).clamp(1, i64::MAX / PER_PAGE);
        (page, ((page - 1) * PER_PAGE, PER_PAGE))
    }
}

/// Where a list stands: what was searched for, the page shown, and how many pages and rows match.
#[derive(Debug)]
pub struct Paging {
    /// The search text, as typed (trimmed).
    pub q: String,
    /// The page shown, from 1.
    pub page: i64,
    /// How many rows match.
    pub total: i64,
}

impl Paging {
    /// The list's state after a search that matched `total` rows.
    pub fn new(query: &SearchQuery, total: i64) -> Paging {
        Paging { q: query.q.trim().to_owned(), page: query.page().0, total }
    }

    /// How many pages (1 for an empty list).
    pub fn pages(&self) -> i64 {
        ((self.total + PER_PAGE - 1) / PER_PAGE).max(1)
    }

    /// "12 found", in the reader's language.
    pub fn total_text(&self, t: &T) -> String {
        t.fmt("list.total", &[("n", &self.total)])
    }

    /// The query string of another page of the same search.
    pub fn link(&self, page: i64) -> String {
        let mut query = format!("page={page}");
        if !self.q.is_empty() {
            query.push_str("&q=");
            query.push_str(&crate::web::page::encode_path_segment(&self.q));
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links_keep_the_search() {
        let query = SearchQuery { q: " 新疆 & ".into(), page: Some(3) };
        assert_eq!(query.page(), (3, (100, 50)));
        let paging = Paging::new(&query, 101);
        assert_eq!(paging.pages(), 3);
        assert_eq!(paging.link(2), "page=2&q=%E6%96%B0%E7%96%86%20%26");
        assert_eq!(SearchQuery { q: String::new(), page: Some(-4) }.page(), (1, (0, 50)));
        assert_eq!(Paging::new(&SearchQuery::default(), 0).pages(), 1);
    }
}
