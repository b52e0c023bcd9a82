//! Rebuilds the crate when a migration changes, because `embed_migrations!` cannot tell cargo itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
