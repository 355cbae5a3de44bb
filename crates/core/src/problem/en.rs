//! English: what every problem says in English, and how to fix it.

use super::{CampaignDetail, CardDetail, Expected, Format, LIST_SHOWN, Limit, Problem, YamlError};

pub(super) fn message(problem: &Problem) -> String {
    match problem {
        Problem::NotUtf8 => "the file is not UTF-8".into(),
        Problem::InvalidCharacter { codepoint } => {
            format!("the file contains the invisible control character U+{codepoint:04X}")
        }
        Problem::FileTooLarge { size_mb, max_mb } => {
            format!("the entry file is {size_mb} MB, over the {max_mb} MB limit")
        }
        Problem::Unreadable { reason } => format!("cannot read the file: {reason}"),
        Problem::YamlSyntax { detail } => format!("invalid YAML: {}", yaml(detail)),
        Problem::FrontMatterMissing { unclosed: false } => {
            "no front matter: an entry must start with a YAML block opened by `---`".into()
        }
        Problem::FrontMatterMissing { unclosed: true } => {
            "the front matter is never closed: the second `---` is missing".into()
        }
        Problem::UnknownField { key, .. } => format!("unknown field `{key}`"),
        Problem::MissingField { key, label } => {
            format!("the required field `{key}` ({label}) is missing or empty")
        }
        Problem::InvalidType { key, expected: e } => format!("`{key}` must be {}", expected(*e)),
        Problem::InvalidValue { key, value, .. } => {
            format!("`{value}` is not an allowed value of `{key}`")
        }
        Problem::InvalidFormat { key, value, format: f } => {
            format!("`{value}` in `{key}` is not a valid {}", format(*f))
        }
        Problem::TooLong { key, length, max } => {
            format!("`{key}` is {length} characters long, over the limit of {max}")
        }
        Problem::MissingSection { alternatives } => {
            let name = &alternatives[0];
            format!("the required section “{name}” (a level-2 heading `## {name}`) is missing")
        }
        Problem::EmptySection { name } => format!("the section “{name}” has no text"),
        Problem::RecommendedSection { name } => {
            format!("the recommended section “{name}” (a level-2 or level-3 heading) is missing")
        }
        Problem::AttachmentMissing { file } => format!("the attachment `{file}` does not exist"),
        Problem::AttachmentType {
            file,
            image_only: true,
            ..
        } => format!("the cover `{file}` is not an image"),
        Problem::AttachmentType {
            file,
            image_only: false,
            ..
        } => format!("the attachment `{file}` is of a type that is not allowed"),
        Problem::AttachmentTooLarge {
            file,
            size_kb,
            max_mb,
        } => {
            let size_mb = *size_kb as f64 / 1024.0;
            format!("the attachment `{file}` is {size_mb:.1} MB, over the {max_mb} MB limit")
        }
        Problem::PathEscape { path } => {
            format!("the path `{path}` leads outside the entry's attachment folder")
        }
        Problem::UnsafeHtml { what } => {
            format!("the raw HTML {what} is unsafe and will be removed when published")
        }
        Problem::ExternalRequest { url } => format!(
            "the body loads `{url}` from another site: every reader's browser would request it; the site leaves it out"
        ),
        Problem::NestedTooDeep { max } => {
            format!(
                "the body nests quotes, lists or HTML elements more than {max} levels deep and cannot be published"
            )
        }
        Problem::UnknownUnit { folder, .. } => {
            format!("the folder `{folder}` is not a registered unit")
        }
        Problem::UnitCardMissing { unit } => format!("the unit `{unit}` has no card (unit.yaml)"),
        Problem::UnitCardInvalid { detail } => card(detail),
        Problem::UnitMismatch { value, folder } => {
            format!("`unit` says `{value}` but the file is in the folder of `{folder}`")
        }
        Problem::WrongChannel { unit, parent } => {
            format!("`{unit}` submits through `{parent}` and must not have a folder of its own")
        }
        Problem::DuplicateEntry { title, .. } => {
            format!("another entry has the same title “{title}”")
        }
        Problem::QuotaShort {
            unit,
            count,
            minimum,
            ..
        } => format!("`{unit}` must submit at least {minimum} entries and has {count}"),
        Problem::RosterUnsigned { unit } => {
            format!("`{unit}` has not uploaded its signed and stamped roster")
        }
        Problem::LateSubmission {
            arrived, deadline, ..
        } => format!("the entry arrived at {arrived}, after the deadline {deadline}"),
        Problem::OutsideOwnFolder { email, commit, .. } => {
            format!("{email}, the author of {commit}, may not change this file")
        }
        Problem::ShallowClone => {
            "the repository is a shallow clone without full history: arrival times are unknown, so nothing is judged late".into()
        }
        Problem::CampaignInvalid { detail } => campaign(detail),
    }
}

pub(super) fn help(problem: &Problem) -> Option<String> {
    Some(match problem {
        Problem::NotUtf8 => "save the file as UTF-8 in your editor".into(),
        Problem::UnknownField {
            suggestion, valid, ..
        } => match suggestion {
            Some(s) => did_you_mean(s),
            None => one_of(valid),
        },
        Problem::InvalidValue {
            suggestion,
            allowed,
            ..
        } => match suggestion {
            Some(s) => did_you_mean(s),
            None => one_of(allowed),
        },
        Problem::InvalidFormat { format, .. } => example(*format).into(),
        Problem::MissingSection { alternatives } if alternatives.len() > 1 => one_of(alternatives),
        Problem::AttachmentType { allowed, .. } => {
            format!("allowed types: {}", allowed.join(", "))
        }
        Problem::PathEscape { .. } => {
            "keep attachments in the folder named after the entry and refer to them by a relative path".into()
        }
        Problem::UnknownUnit {
            suggestion: Some(s),
            ..
        } => did_you_mean(s),
        Problem::UnknownUnit {
            suggestion: None, ..
        } => "register the unit under `units` in campaign.yaml, or name the folder after a registered unit's id".into(),
        Problem::UnitCardMissing { .. } => {
            "create unit.yaml in the folder with leader, responsible and responsible_phone".into()
        }
        Problem::UnitCardInvalid {
            detail:
                CardDetail::UnknownKey {
                    suggestion: Some(s),
                    ..
                },
        } => did_you_mean(s),
        Problem::WrongChannel { parent, .. } => format!(
            "move the entries to `submissions/{parent}/` and name the unit in `implementing_unit`"
        ),
        Problem::DuplicateEntry { first, .. } => format!("the other entry: {first}"),
        Problem::LateSubmission { commit, .. } => format!(
            "arrival is the commit {commit} that first brought the file to the main line (for a pull request, its merge)"
        ),
        Problem::OutsideOwnFolder { own, .. } if own.is_empty() => {
            "the email is not among any unit's maintainers nor the organisers; commit with your unit's registered email".into()
        }
        Problem::OutsideOwnFolder { own, .. } => {
            format!("only your unit's folders may change: {}", folders(own))
        }
        Problem::ShallowClone => {
            "fetch the full history: git fetch --unshallow (in GitHub Actions, checkout with fetch-depth: 0)".into()
        }
        Problem::RosterUnsigned { .. } => {
            "point `roster_signed` in unit.yaml at a scan or photo of the signed roster".into()
        }
        Problem::CampaignInvalid {
            detail: CampaignDetail::UnknownUnitType { valid, .. },
        } => one_of(valid),
        Problem::NestedTooDeep { .. } => {
            "remove the extra `>` or indentation: a body needs only a few levels".into()
        }
        Problem::ExternalRequest { .. } => {
            "put the image in the entry's folder and link it by its name, as `![caption](photo.jpg)`".into()
        }
        // Listed rather than left to a wildcard, so a new problem makes each language decide.
        Problem::InvalidCharacter { .. }
        | Problem::FileTooLarge { .. }
        | Problem::Unreadable { .. }
        | Problem::YamlSyntax { .. }
        | Problem::FrontMatterMissing { .. }
        | Problem::MissingField { .. }
        | Problem::InvalidType { .. }
        | Problem::TooLong { .. }
        | Problem::MissingSection { .. }
        | Problem::EmptySection { .. }
        | Problem::RecommendedSection { .. }
        | Problem::AttachmentMissing { .. }
        | Problem::AttachmentTooLarge { .. }
        | Problem::UnsafeHtml { .. }
        | Problem::UnitCardInvalid { .. }
        | Problem::UnitMismatch { .. }
        | Problem::QuotaShort { .. }
        | Problem::CampaignInvalid { .. } => return None,
    })
}

pub(super) fn expected(expected: Expected) -> &'static str {
    match expected {
        Expected::Text => "text",
        Expected::Number => "a number",
        Expected::Integer => "a whole number",
        Expected::Bool => "true or false",
        Expected::List => "a list",
        Expected::Mapping => "a mapping of keys to values",
    }
}

pub(super) fn format(format: Format) -> &'static str {
    match format {
        Format::Phone => "phone number",
        Format::Date => "date",
        Format::MonthOrDate => "month or date",
        Format::Email => "email address",
        Format::Url => "URL",
        Format::Timestamp => "date and time",
        Format::UnitId => "unit id",
    }
}

/// What a value in `format` looks like.
fn example(format: Format) -> &'static str {
    match format {
        Format::Phone => {
            "a landline such as 0312-1234567 or 3100137, or a mobile such as 13912345678"
        }
        Format::Date => "write YYYY-MM-DD, e.g. 2017-09-12",
        Format::MonthOrDate => "write YYYY-MM or YYYY-MM-DD, e.g. 2017-03",
        Format::Email => "e.g. name@example.org",
        Format::Url => "a full address starting with http:// or https://",
        Format::Timestamp => "e.g. 2017-12-06T23:59:59+08:00",
        Format::UnitId => "lowercase letters, digits and hyphens only, e.g. lianchi",
    }
}

fn card(detail: &CardDetail) -> String {
    match detail {
        CardDetail::Syntax(detail) => format!("invalid YAML in unit.yaml: {}", yaml(detail)),
        CardDetail::NotAMapping => "unit.yaml must be a mapping such as `leader: Zhang San`".into(),
        CardDetail::UnknownKey { key, .. } => format!("unknown key `{key}` in unit.yaml"),
        CardDetail::Missing { key } => format!("unit.yaml lacks the required key `{key}`"),
        CardDetail::NotText { key } => format!("`{key}` in unit.yaml must be text"),
        CardDetail::BadPhone { value } => {
            format!("the phone `{value}` in unit.yaml is not a valid phone number")
        }
        CardDetail::FileMissing { file } => {
            format!("the file `{file}` named in unit.yaml does not exist")
        }
        CardDetail::NotAScan { file } => {
            format!("the signed roster `{file}` is not a photo (JPG, PNG, WebP) or a PDF")
        }
    }
}

fn campaign(detail: &CampaignDetail) -> String {
    match detail {
        CampaignDetail::Shape(detail) => format!("campaign.yaml is malformed: {detail}"),
        CampaignDetail::UnknownUnitType {
            unit, unit_type, ..
        } => format!(
            "the unit `{unit}` has the type `{unit_type}`, which unit_types does not define"
        ),
        CampaignDetail::UnknownParent { unit, parent } => {
            format!("the parent `{parent}` of the unit `{unit}` does not exist")
        }
        CampaignDetail::OwnParent { unit } => {
            format!("the unit `{unit}` cannot be its own parent, directly or through others")
        }
        CampaignDetail::Duplicate { what, id } => format!("the {what} id `{id}` appears twice"),
        CampaignDetail::BadUnitId { id } => {
            format!("the unit id `{id}` may use only lowercase letters, digits and hyphens")
        }
        CampaignDetail::BadValue {
            key,
            value,
            expected,
        } => format!("`{value}` is not a valid `{key}`: expected {expected}"),
        CampaignDetail::Empty { key } => format!("`{key}` must not be empty"),
    }
}

fn did_you_mean(suggestion: &str) -> String {
    format!("did you mean `{suggestion}`?")
}

fn one_of(values: &[String]) -> String {
    let mut list = values
        .iter()
        .take(LIST_SHOWN)
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if values.len() > LIST_SHOWN {
        list.push_str(", …");
    }
    format!("expected one of {list}")
}

/// The folders of `units`, as `submissions/<unit>/`.
fn folders(units: &[String]) -> String {
    units
        .iter()
        .map(|u| format!("{}/", crate::paths::unit_folder(u)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is wrong with YAML, after "invalid YAML:".
fn yaml(error: &YamlError) -> String {
    match error {
        YamlError::Parser(detail) => detail.clone(),
        YamlError::TooLarge { limit, max } => {
            let what = match limit {
                Limit::Nodes => "values (aliases expanded)",
                Limit::Aliases => "aliases",
                Limit::Anchors => "anchors",
                Limit::Depth => "levels of nesting",
                Limit::Bytes => "bytes of text",
            };
            format!("over the limit of {max} {what}; remove repeated references or excess content")
        }
    }
}
