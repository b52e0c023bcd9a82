//! Registering an approved project, from the API's body or the registration form: both build the same
//! [`NewProject`] and come here, so both refuse the same things with the same messages (the roster
//! import registers each row the same way, through `db::registration`). The pages and the API check
//! the staff role before they come here.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::DbConnection;
use crate::db::user::User;
use crate::db::{direction, guide, institution, registration};
use crate::domain::guide::model::Period;
use crate::domain::refusal::{Failure, Refusal};

/// A direction as the registration form offers it.
pub use crate::db::direction::DirectionChoice;
/// A direction's indicator template, whose baseline the form asks for when it is relative.
pub use crate::db::guide::StoredTemplate;
/// A project to register, naming things as people do, with its partners and the baselines given.
pub use crate::db::registration::{BaselineInput, NewProject, PartnerInput};

/// Registers a project and returns its id. `given` is the execution period as the form gives it: when
/// either end is given, the other is the direction's and together they replace `project.execution`
/// (the API leaves both out and sends `execution` whole, or not at all for the direction's).
pub fn register(
    conn: &mut DbConnection,
    actor: &User,
    mut project: NewProject,
    given: (Option<NaiveDate>, Option<NaiveDate>),
    now: NaiveDateTime,
) -> Result<i64, Failure> {
    if given.0.is_some() || given.1.is_some() {
        let default = direction::find_period(conn, project.direction_id)?
            .ok_or(Refusal::field("direction_id", "project.direction_unknown"))?;
        project.execution =
            Some(Period { start: given.0.unwrap_or(default.start), end: given.1.unwrap_or(default.end) });
    }
    registration::register(conn, &project, Some(actor.id), now)
}

/// What the registration form offers: the directions of every guide, the relative indicator templates
/// (with their direction's id) whose baselines it asks for, and the institutions' names.
#[derive(Debug)]
pub struct FormChoices {
    /// Every direction, grouped by guide and topic in order.
    pub directions: Vec<DirectionChoice>,
    /// Relative indicator templates, by direction id.
    pub relative_templates: Vec<(i64, StoredTemplate)>,
    /// The institutions' registered names.
    pub institutions: Vec<String>,
}

/// The choices of the registration form.
pub fn form_choices(conn: &mut DbConnection) -> Result<FormChoices, Failure> {
    Ok(FormChoices {
        directions: direction::list_choices(conn)?,
        relative_templates: guide::relative_templates(conn)?,
        institutions: institution::list(conn)?.into_iter().map(|(i, _)| i.name).collect(),
    })
}
