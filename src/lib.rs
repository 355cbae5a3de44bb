//! shenbao (申报): run a call for entries through git.
//!
//! The pipeline is visible in the modules: `campaign` and `submissions` load, `rules` validate
//! into `diagnostic`s, `project` ties them together, and `report`, `status`, `roster` present the
//! result.

pub mod campaign;
pub mod changes;
pub mod content;
pub mod diagnostic;
pub mod history;
pub mod html_policy;
pub mod lang;
pub mod markdown;
pub mod model;
pub mod ownership;
pub mod problem;
pub mod project;
pub mod report;
pub mod roster;
pub mod rules;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod status;
pub mod submissions;
pub mod table;
pub mod yaml;
