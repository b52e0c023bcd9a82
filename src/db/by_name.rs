//! A [`Named`] value in a TEXT column: written as its name, read back only as a name some value
//! carries. A row holding anything else (a hand edit, a newer version's value) fails to load with
//! an error naming the value, instead of being read as some default.

use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;
use crate::domain::named::Named;

/// A value of a closed set as its column holds it. Row structs name their columns' types with it
/// (`ByName<Op>`), and filters compare with it (`indicators::op.eq(ByName(Op::Ge))`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct ByName<T: Named>(pub T);

impl<T: Named> ByName<T> {
    /// The value.
    pub fn get(self) -> T {
        self.0
    }
}

/// The value itself, for row fields read through [`ByName`] (`#[diesel(deserialize_as = …)]`).
macro_rules! into_value {
    ($($type:ty),*) => {$(
        impl From<ByName<$type>> for $type {
            fn from(stored: ByName<$type>) -> Self {
                stored.0
            }
        }
    )*};
}

into_value!(
    crate::domain::project_state::ProjectState,
    crate::domain::role::Role,
    crate::domain::evidence_status::EvidenceStatus
);

fn from_name<T: Named>(name: &str) -> deserialize::Result<ByName<T>> {
    T::from_name(name).map(ByName).ok_or_else(|| format!("unknown {} '{name}' in the database", T::KIND).into())
}

impl<T: Named> FromSql<Text, Sqlite> for ByName<T> {
    fn from_sql(bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        from_name(&<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
    }
}

impl<T: Named> FromSql<Text, Pg> for ByName<T> {
    fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        from_name(&<String as FromSql<Text, Pg>>::from_sql(bytes)?)
    }
}

impl<T: Named> FromSql<Text, MultiBackend> for ByName<T> {
    fn from_sql(bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        from_name(&bytes.from_sql::<String, Text>()?)
    }
}

impl<T: Named> ToSql<Text, Sqlite> for ByName<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.name());
        Ok(IsNull::No)
    }
}

impl<T: Named> ToSql<Text, Pg> for ByName<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<Text, Pg>>::to_sql(self.0.name(), &mut out.reborrow())
    }
}

impl<T: Named + Send + Sync> ToSql<Text, MultiBackend> for ByName<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Text, self));
        Ok(IsNull::No)
    }
}
