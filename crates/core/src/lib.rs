//! shenbao's core (申报): everything a front end needs to know about a campaign, with no front end
//! of its own.
//!
//! The pipeline is visible in the modules: `campaign` and `submissions` load, `rules` validate
//! into `diagnostic`s, `project` ties them together, and `report`, `status`, `roster` present the
//! result as data and text. `history` is what git knows, as data (the git crate reads it).

pub mod body;
pub mod campaign;
pub mod content;
pub mod diagnostic;
pub mod fields;
pub mod files;
pub mod history;
pub mod labels;
pub mod lang;
pub mod model;
pub mod paths;
pub mod problem;
pub mod project;
pub mod reminders;
pub mod report;
pub mod roster;
pub mod rules;
pub mod schema;
pub mod source;
pub mod status;
pub mod submissions;
pub mod summary;
pub mod yaml;
