//! The pure core of the tracker: types and rules with no I/O, tested without a database.
//!
//! Nothing here may depend on diesel, actix or lettre; adapters in `db`, `web`, `jobs`, `mail` and
//! `report` translate to and from these types.

pub mod clock;
pub mod evidence;
pub mod evidence_status;
pub mod guide;
pub mod named;
pub mod plan;
pub mod plan_shape;
pub mod project_state;
pub mod proof;
pub mod readiness;
pub mod refusal;
pub mod reminder;
pub mod role;
pub mod roster;
pub mod status;
pub mod target;
pub mod target_check;
pub mod text;
pub mod timestamp;
pub mod workdays;
mod workdays_cn;
