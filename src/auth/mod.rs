//! Credentials: password hashing and random secrets. Used by the web layer and the CLI alike.

pub mod password;
pub mod secret;
