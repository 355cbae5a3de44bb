//! shenbao's git side: arrival and change times from a campaign's history (`history`), what a
//! pull request changed and whether its author may change it (`changes`, `ownership`), a commit's
//! files for the rules to check (`tree`), and a commit written without a checkout (`commit`).

pub mod changes;
pub mod commit;
pub mod history;
pub mod ownership;
pub mod tree;

pub use history::Git;
