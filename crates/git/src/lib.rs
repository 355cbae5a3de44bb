//! shenbao's git side: arrival and change times from a campaign's history (`history`), what a
//! pull request changed and whether its author may change it (`changes`, `ownership`).

pub mod changes;
pub mod history;
pub mod ownership;
pub mod tree;

pub use history::Git;
