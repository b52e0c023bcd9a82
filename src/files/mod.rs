//! Evidence files (佐证材料): the content-addressed store on disk and what an upload may be.

pub mod kind;
pub mod store;

pub use store::FileStore;
