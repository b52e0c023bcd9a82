//! The query string shared by the overdue API, the dashboard and its exports: the as-of date, which
//! statuses, which part of the portfolio, the order and the page.

use std::fmt::Display;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

use crate::app::portfolio::{Filter, Order};
use crate::domain::status::Status;
use crate::web::error::AppError;

/// The most rows one request returns.
pub const MAX_LIMIT: i64 = 500;

/// `?as_of=YYYY-MM-DD&status=overdue,missed&year=&guide=&topic=&direction=&region=&institution=&pi=&pi_name=
/// &institution_name=&officer=&sort=most_overdue|least_overdue&limit=N&offset=M`. Empty values count as absent, as a form with
/// an unselected field sends them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PortfolioQuery {
    /// Comma-separated statuses: `overdue`, `missed`, `at_risk` (default: overdue and missed for the API,
    /// all three for the dashboard).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub status: Option<String>,
    /// Guides issued in this year.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub year: Option<i32>,
    /// Guide id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub guide: Option<i64>,
    /// Topic id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub topic: Option<i64>,
    /// Direction id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub direction: Option<i64>,
    /// Cooperation region id (a partner's region).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub region: Option<i64>,
    /// Lead institution id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub institution: Option<i64>,
    /// PI user id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub pi: Option<i64>,
    /// Officer in charge (项目主管): user id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub officer: Option<i64>,
    /// PIs by a part of their name or e-mail, whatever the case, as typed in the dashboard's field (a
    /// portfolio has thousands of PIs, too many for a list). A part no PI's name holds lists nothing.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub pi_name: Option<String>,
    /// Lead institutions by a part of their name, whatever the case.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub institution_name: Option<String>,
    /// `most_overdue` (default) or `least_overdue`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub sort: Option<String>,
    /// Rows to return, 1 to 500 (default 50).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub offset: Option<i64>,
}

/// The statuses the portfolio lists can show.
pub const LISTED_STATUSES: [Status; 3] = [Status::Missed, Status::Overdue, Status::AtRisk];

fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    match Option::<String>::deserialize(deserializer)?.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => value.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

impl PortfolioQuery {
    /// The filter and order asked for; `default_statuses` when no status is given. An unknown status
    /// or order is a bad request.
    pub fn filter(&self, default_statuses: &[Status]) -> Result<(Filter, Order), AppError> {
        let mut statuses: Vec<Status> = match &self.status {
            None => default_statuses.to_vec(),
            Some(list) => list
                .split(',')
                .map(|name| {
                    Status::parse(name.trim())
                        .filter(|s| LISTED_STATUSES.contains(s))
                        .ok_or(AppError::BadRequest("error.bad_query"))
                })
                .collect::<Result<_, _>>()?,
        };
        statuses.sort_by_key(|s| s.severity());
        statuses.dedup();
        let order = match self.sort.as_deref() {
            None | Some("most_overdue") => Order::MostOverdue,
            Some("least_overdue") => Order::LeastOverdue,
            Some(_) => return Err(AppError::BadRequest("error.bad_query")),
        };
        let filter = Filter {
            statuses,
            year: self.year,
            guide_id: self.guide,
            topic_id: self.topic,
            direction_id: self.direction,
            region_id: self.region,
            lead_institution_id: self.institution,
            institution_text: self.institution_name.clone(),
            pi_user_id: self.pi,
            pi_text: self.pi_name.clone(),
            officer_user_id: self.officer,
        };
        Ok((filter, order))
    }

    /// The page asked for: (limit, offset), checked.
    pub fn page(&self, default_limit: i64) -> Result<(i64, i64), AppError> {
        let limit = self.limit.unwrap_or(default_limit);
        let offset = self.offset.unwrap_or(0);
        if !(1..=MAX_LIMIT).contains(&limit) || offset < 0 {
            return Err(AppError::BadRequest("error.bad_query"));
        }
        Ok((limit, offset))
    }
}
