//! The JSON the API sends and accepts, and its OpenAPI schemas: the API's contract, kept in the API
//! layer. Each shape has the field names, serde attributes and schema attributes the API has always
//! used, and converts from the use cases' types (what a handler answers) or into them (what a
//! request asks for) at the boundary, so that the layers below need know nothing of the document.

pub mod evidence;
pub mod guides;
pub mod indicators;
pub mod overdue;
pub mod projects;
pub mod reports;
