//! The date a page or an API call is evaluated at, read once for every handler: `?as_of=YYYY-MM-DD`,
//! or today in the commission's time zone when the parameter is absent or left empty (a form's
//! date field sends it empty). A date that does not parse is refused with a message naming the
//! parameter, the same on a page and in the API.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::NaiveDate;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};

use crate::web::error::AppError;
use crate::web::state::AppState;

/// `?as_of=`: the date asked for, or today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf(pub NaiveDate);

impl AsOf {
    /// The date typed in a form's field (a report's "as of", posted), or `today` when it is empty:
    /// the same reading, and the same refusal, as the query's.
    pub fn typed(text: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
        Ok(Self::parse(text)?.unwrap_or(today))
    }

    /// The date asked for in a query string (`None` for absent or empty), or why it cannot be read.
    fn asked(query: &str) -> Result<Option<NaiveDate>, AppError> {
        match form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "as_of") {
            Some((_, text)) => Self::parse(&text),
            None => Ok(None),
        }
    }

    fn parse(text: &str) -> Result<Option<NaiveDate>, AppError> {
        match text.trim() {
            "" => Ok(None),
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::BadRequest("error.bad_as_of")),
        }
    }
}

/// The parameter as the OpenAPI document describes it, beside the handlers that take it.
impl utoipa::IntoParams for AsOf {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let date =
            ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
        vec![
            ParameterBuilder::new()
                .name("as_of")
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(
                    "The date to evaluate at (YYYY-MM-DD); today in the commission's time zone when absent.",
                ))
                .schema(Some(date))
                .build(),
        ]
    }
}

impl FromRequest for AsOf {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let today = || req.app_data::<web::Data<AppState>>().map(|state| state.today());
        ready(match Self::asked(req.query_string()) {
            Ok(Some(day)) => Ok(AsOf(day)),
            // Every app is built with its state; without one there is no "today" to fall back on.
            Ok(None) => today().map(AsOf).ok_or_else(|| AppError::Internal(anyhow::anyhow!("no application state"))),
            Err(error) => Err(error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_read_from_the_query_and_an_empty_field_means_today() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(AsOf::asked("kind=acceptance&as_of=2026-11-30").unwrap(), Some(day));
        assert_eq!(AsOf::asked("as_of=%202026-11-30%20").unwrap(), Some(day));
        assert_eq!(AsOf::asked("as_of=").unwrap(), None);
        assert_eq!(AsOf::asked("status=overdue").unwrap(), None);
        assert_eq!(AsOf::typed(" ", day).unwrap(), day);
        for garbled in ["as_of=30.11.2026", "as_of=2026-02-30", "as_of=not-a-date"] {
            let refused = AsOf::asked(garbled).unwrap_err();
            assert_eq!(refused.code(), AppError::BadRequest("error.bad_as_of").code(), "{garbled}");
        }
    }
}
