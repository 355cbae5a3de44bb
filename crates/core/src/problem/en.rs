//! English: what every problem says in English, and how to fix it.

use super::{
    CampaignDetail, CardDetail, Description, Expected, Format, Kind, LIST_SHOWN, Limit, Misnamed,
    Problem, YamlError, not_an_entry,
};

pub(super) fn message(problem: &Problem) -> String {
    match problem {
        Problem::NotUtf8 => "the file is not UTF-8".into(),
        Problem::InvalidCharacter {
            codepoint,
            key: None,
        } => format!("the file contains the invisible control character U+{codepoint:04X}"),
        Problem::InvalidCharacter {
            codepoint,
            key: Some(key),
        } => format!(
            "the value of `{key}` holds the invisible control character U+{codepoint:04X} (written as an escape)"
        ),
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
        Problem::MissingField { key, label, .. } => {
            // A built-in field's English name; a list item's key alone (`recognition[0].kind`
            // says it); a campaign's own field by the label the campaign gave it.
            let label = match crate::fields::built_in(key) {
                Some(def) => Some(def.label_en),
                None if key.contains('.') => None,
                None => Some(label.as_str()),
            };
            match label.filter(|label| label != key) {
                Some(label) => format!("the required field `{key}` ({label}) is missing or empty"),
                None => format!("the required field `{key}` is missing or empty"),
            }
        }
        Problem::InvalidType { key, expected: e, .. } if key == "front matter" => format!(
            "the front matter must be {}, one `key: value` a line",
            expected(*e)
        ),
        Problem::InvalidType {
            key,
            expected: e,
            label,
        } => format!("{} must be {}", named(key, label), expected(*e)),
        Problem::InvalidValue {
            key, value, label, ..
        } => {
            format!("`{value}` is not an allowed value of {}", named(key, label))
        }
        Problem::InvalidFormat {
            key,
            value,
            format: f,
            label,
        } => {
            format!(
                "`{value}` in {} is not a valid {}",
                named(key, label),
                format(*f)
            )
        }
        Problem::TooLong {
            key,
            length,
            max,
            label,
        } => {
            format!(
                "{} is {length} characters long, over the limit of {max}",
                named(key, label)
            )
        }
        Problem::MissingSection {
            written: Some(line),
            level: Some(level),
            ..
        } => format!(
            "`{line}` is a level-{level} heading; a required section is a level-2 heading"
        ),
        Problem::MissingSection {
            written: Some(line),
            ..
        } => format!("`{line}` is not a heading, so this section is missing"),
        Problem::MissingSection { alternatives, .. } => {
            let name = &alternatives[0];
            format!("the required section “{name}” (a level-2 heading `## {name}`) is missing")
        }
        Problem::EmptySection { name } => format!("the section “{name}” has no text"),
        Problem::RecommendedSection { names } if names.len() == 1 => format!(
            "the recommended section “{}” (a level-2 or level-3 heading) is missing",
            names[0]
        ),
        Problem::RecommendedSection { names } => {
            let names: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
            format!(
                "the recommended sections {} (level-2 or level-3 headings) are missing",
                names.join(", ")
            )
        }
        Problem::AttachmentMissing { file, .. } => {
            format!("the attachment `{file}` does not exist")
        }
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
        Problem::CommentInValue {
            key,
            dropped,
            label,
            ..
        } => format!(
            "{} is cut at ` #`: `{dropped}` is read as a comment and left out",
            named(key, label)
        ),
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
            name,
            count,
            minimum,
            ..
        } => format!(
            "{name} (`{unit}`) must submit at least {minimum} {} and has {count}",
            if *minimum == 1 { "entry" } else { "entries" }
        ),
        Problem::RosterUnsigned { unit } => {
            format!("`{unit}` has not uploaded its signed and stamped roster")
        }
        Problem::RosterOutdated { file, later, .. } => format!(
            "{} entr{} submitted or changed after the signed roster `{file}` was uploaded, so the signed sheet may not show {} as {} now: {}",
            later.len(),
            if later.len() == 1 { "y was" } else { "ies were" },
            if later.len() == 1 { "it" } else { "them" },
            if later.len() == 1 { "it is" } else { "they are" },
            later.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(", ")
        ),
        Problem::NotAnEntry { name, .. } if name.contains('/') => {
            format!("{name} is in a subfolder: it is neither checked nor published as an entry")
        }
        Problem::NotAnEntry { name, .. } => format!(
            "{name} is not an entry: entries are files ending in .md; this one is neither checked nor published"
        ),
        Problem::NotInUnitFolder { name } => format!(
            "{name} is in no unit's folder: it is neither checked nor published as an entry"
        ),
        Problem::LateSubmission {
            arrived, deadline, ..
        } => format!(
            "the entry arrived on {}, after the deadline, {}",
            deadline.local(*arrived, crate::lang::Lang::En),
            deadline.written(crate::lang::Lang::En)
        ),
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
        Problem::InvalidCharacter {
            codepoint,
            key: Some(_),
        } => format!(
            "remove the escape (such as `\\u{codepoint:04X}`) from the quoted value: pages, the feed and the roster cannot hold such a character"
        ),
        Problem::UnknownField {
            suggestion, valid, ..
        } => match suggestion {
            Some(s) => did_you_mean(s),
            None => one_of(valid),
        },
        Problem::InvalidValue {
            key,
            suggestion,
            allowed,
            ..
        } => match suggestion {
            Some(s) => format!("{} {}", did_you_mean(s), one_of(&super::allowed_named(key, allowed, crate::lang::Lang::En))),
            None => one_of(&super::allowed_named(key, allowed, crate::lang::Lang::En)),
        },
        Problem::MissingField {
            key,
            misspelt: Some(written),
            allowed,
            ..
        } => {
            let mut help = format!("is `{written}` a misspelling of `{key}`?");
            if !allowed.is_empty() {
                help = format!("{help} {}", one_of(allowed));
            }
            help
        }
        Problem::MissingField { allowed, .. } if !allowed.is_empty() => one_of(allowed),
        Problem::RecommendedSection { names } => format!(
            "write each as a level-2 or level-3 heading, such as `### {}`; a recommendation, not a requirement",
            names[0]
        ),
        Problem::InvalidFormat { format, .. } => example(*format).into(),
        Problem::CommentInValue {
            key, kept, dropped, ..
        } => {
            format!("to keep it, put the whole value in quotes: {key}: \"{kept} {dropped}\"")
        }
        Problem::MissingSection {
            alternatives,
            written: Some(line),
            level: Some(_),
        } => format!(
            "make it a level-2 heading `## {}`: two hashes at the start of the line, then a space",
            super::meant(alternatives, line)
        ),
        Problem::MissingSection {
            alternatives,
            written: Some(line),
            level: None,
        } => format!(
            "write the heading `## {}`: two ASCII hashes `##` at the start of the line, then a space; bold text is not a heading",
            super::meant(alternatives, line)
        ),
        Problem::MissingSection { alternatives, .. } if alternatives.len() > 1 => one_of(alternatives),
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
        Problem::UnitCardInvalid {
            detail: CardDetail::UnknownKey {
                suggestion: None, ..
            },
        } => card_keys(),
        Problem::UnitCardInvalid {
            detail: CardDetail::BadPhone { .. },
        } => example(Format::Phone).into(),
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
        Problem::RosterOutdated { unit, .. } => format!(
            "print the unit's roster again (the portal's unit card page, or `shenbao roster --unit {unit} --format html`), have it signed and stamped, and replace the scan"
        ),
        Problem::NotAnEntry { unit, name } => match not_an_entry(name) {
            Misnamed::Case(stem) => format!("make the extension lower case: {stem}.md"),
            Misnamed::Suffix(stem) => {
                format!("rename it {stem}.md (Windows may hide a file's extension)")
            }
            Misnamed::Document => format!(
                "write the entry as a .md file from the template (`shenbao new {unit}`); a Word or PDF file may go in the entry's own folder as an attachment"
            ),
            Misnamed::Other => format!(
                "photos and files go in the entry's own folder (submissions/{unit}/<entry>/), listed in its attachments"
            ),
            Misnamed::Nested(file) => format!(
                "put entries directly in the unit's folder: submissions/{unit}/{}; a subfolder holds only an entry's own attachments, named like the entry",
                super::entry_name(file)
            ),
        },
        Problem::NotInUnitFolder { name } => format!(
            "put it in your unit's folder: submissions/<unit>/{} (`shenbao new <unit>` makes the template there)",
            super::entry_name(name)
        ),
        Problem::CampaignInvalid {
            detail: CampaignDetail::UnknownUnitType { valid, .. },
        } => one_of(valid),
        Problem::NestedTooDeep { .. } => {
            "remove the extra `>` or indentation: a body needs only a few levels".into()
        }
        Problem::ExternalRequest { .. } => {
            "put the image in the entry's folder and link it by its name, as `![caption](photo.jpg)`".into()
        }
        Problem::AttachmentMissing {
            similar: Some(like),
            ..
        } => format!(
            "did you mean `{like}`? Names are case-sensitive: Windows opens it, the published site would not find it; write both the same"
        ),
        Problem::AttachmentMissing { file, .. } => format!(
            "an entry's files go in the folder named as its file: for xxx.md, xxx/{file}; names are case-sensitive"
        ),
        Problem::AttachmentTooLarge { max_mb, .. } => format!(
            "each file may be up to {max_mb} MB (attachments in campaign.yaml): compress the photo or video, or split it"
        ),
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
            "a landline such as 0312-1234567, (0312)1234567 or 3100137 (an extension after 转), or a mobile such as 13912345678 or 139 1234 5678"
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

/// The keys a unit card may have.
fn card_keys() -> String {
    let keys: Vec<String> = crate::rules::card::CARD_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    one_of(&keys)
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
        // The parser's own English, but for the number type it wanted (`minimum: -1`).
        YamlError::Parser(detail) => match detail.as_str() {
            "invalid u8" | "invalid u16" | "invalid u32" | "invalid u64" | "invalid usize" => {
                "a whole number of 0 or more is expected here".into()
            }
            "unexpected end of input" => {
                "the file is empty, or ends here too early: `key: value` settings are expected"
                    .into()
            }
            _ => detail.clone(),
        },
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
        YamlError::FullWidthColon { key } => format!(
            "the key `{key}` is followed by a full-width colon `：`; write an ASCII colon `:` and a space after it"
        ),
        YamlError::ItemsAfterEmptyList { key } => format!(
            "`{key}` is written as an empty list `[]` with list items under it: remove the `[]`, leaving `{key}:`"
        ),
        YamlError::Unusable { codepoint } => format!(
            "the invisible character U+{codepoint:04X} (usually brought in by copy and paste) cannot be used, quoted or not; remove it"
        ),
    }
}

/// What each kind of problem is, for the rule lists of code-scanning tools.
pub(super) fn description(kind: Kind) -> Description {
    let (short, full, help) = match kind {
        Kind::NotUtf8 => (
            "File is not UTF-8",
            "An entry or unit card is saved in another encoding than UTF-8 (such as GBK), so its text cannot be read.",
            "Save the file as UTF-8 in your editor and commit it again.",
        ),
        Kind::InvalidCharacter => (
            "Invisible control character",
            "The file contains a NUL or another control character that editors do not show; the file is not read further. A value may not hold one written as an escape in double quotes either (`\"\\a\"`, `\"\\u0007\"`): pages, the feed and the roster cannot carry it.",
            "Delete the character at the position shown (retyping the line removes it), or the escape from the value.",
        ),
        Kind::FileTooLarge => (
            "File too large",
            "An entry file or unit card is far larger than any entry needs, and is refused unread.",
            "Keep only text in the entry file; put photos, videos and data in its attachment folder and link them by name.",
        ),
        Kind::Unreadable => (
            "File cannot be read",
            "The file exists but could not be read: its permissions, a broken link or an input/output error.",
            "Make it a regular file that the account running shenbao may read.",
        ),
        Kind::YamlSyntax => (
            "Front matter is not valid YAML",
            "The YAML block between the two `---` lines cannot be parsed; the position is where the parser stopped.",
            "Check the line shown and the one above: a missing space after `:`, an unclosed quote, wrong indentation. Quote values that contain `:` or `#`.",
        ),
        Kind::FrontMatterMissing => (
            "No front matter",
            "The entry does not start with a YAML block between two `---` lines, or the second `---` is missing.",
            "Start the file with `---`, the fields one per line, and `---` again before the body; `shenbao new` writes a correct stub.",
        ),
        Kind::UnknownField => (
            "Unknown field",
            "The front matter has a key that neither the built-in fields nor the campaign's own fields define; often a misspelling.",
            "Correct the key to the one suggested, or remove it.",
        ),
        Kind::MissingField => (
            "Required field missing",
            "A required field is absent or empty.",
            "Add the field with a value; `shenbao new` writes a stub listing every field.",
        ),
        Kind::InvalidType => (
            "Wrong kind of value",
            "A field holds the wrong kind of value: a list where text is expected, text where true or false is expected, and so on.",
            "Write the value in the form the message names; put text that contains `[`, `{` or `:` in quotes.",
        ),
        Kind::InvalidValue => (
            "Value not allowed",
            "A field's value is not one of its allowed values: a category, a kind of recognition, a choice the campaign defines.",
            "Use one of the values the help line lists; a category is written by its number.",
        ),
        Kind::InvalidFormat => (
            "Malformed value",
            "A phone number, date, email address or web address is not in the expected form.",
            "Write it as the help line shows, e.g. 0312-1234567, 13912345678, 2017-09-12 or https://example.org/.",
        ),
        Kind::TooLong => (
            "Value too long",
            "A field is longer than its limit, counted in characters (a Chinese character counts as one).",
            "Shorten the value to the limit the message gives.",
        ),
        Kind::MissingSection => (
            "Required section missing",
            "The body lacks a section that the call requires, written as a level-2 heading such as `## 背景`.",
            "Add the section under the heading the message names.",
        ),
        Kind::EmptySection => (
            "Required section empty",
            "A required section's heading is there, but no text follows it.",
            "Write the section's text under its heading.",
        ),
        Kind::RecommendedSection => (
            "Recommended section missing",
            "The body does not address some of the recommended points with level-2 or level-3 headings; one warning per entry names them all. A warning: the entry is accepted.",
            "Add a heading with each name (under the main content, say) and a few lines under it.",
        ),
        Kind::AttachmentMissing => (
            "Attachment missing",
            "A file named in the front matter or linked from the body is not in the entry's attachment folder.",
            "Put the file in the folder named after the entry, beside the entry file, or correct its name.",
        ),
        Kind::AttachmentType => (
            "File type not allowed",
            "An attachment's type is not among those the campaign allows, or the cover is not an image.",
            "Convert the file to one of the allowed types the help line lists, or remove it.",
        ),
        Kind::AttachmentTooLarge => (
            "Attachment too large",
            "An attachment is larger than the campaign's size limit (videos have a limit of their own).",
            "Compress or shrink the file below the limit the message gives.",
        ),
        Kind::PathEscape => (
            "Path leaves the entry's folder",
            "A path uses `..`, is absolute, or is a link that leads out of its folder; such a file is neither read nor published.",
            "Copy the file into the entry's attachment folder and refer to it by its name.",
        ),
        Kind::CommentInValue => (
            "Value cut by a comment",
            "A value without quotes holds ` #`: YAML reads what follows `#` as a comment and leaves it out. A warning.",
            "Put the whole value in quotes, such as summary: \"step #1 done\".",
        ),
        Kind::UnsafeHtml => (
            "Unsafe HTML removed",
            "The body contains raw HTML (scripts, event handlers, frames) that the site removes when it publishes the entry. A warning.",
            "Write the content in Markdown instead of HTML.",
        ),
        Kind::NestedTooDeep => (
            "Nesting too deep",
            "Quotes, lists or HTML elements in the body are nested deeper than any entry needs; such a body is not published.",
            "Remove the extra `>` or indentation: a body needs only a few levels.",
        ),
        Kind::ExternalRequest => (
            "Resource from another site",
            "The body loads an image or other resource from another site, which readers' browsers would contact; the site leaves it out. A warning.",
            "Put the image in the entry's folder and link it by its name.",
        ),
        Kind::UnknownUnit => (
            "Unknown unit folder",
            "A folder under `submissions/` is not the id of a unit in the registry of campaign.yaml.",
            "Rename the folder to the unit's registered id, or ask the organisers to register the unit.",
        ),
        Kind::UnitCardMissing => (
            "Unit card missing",
            "A unit's folder has no `unit.yaml` with its leader, responsible person and phone.",
            "Create `unit.yaml` in the folder with leader, responsible and responsible_phone.",
        ),
        Kind::UnitCardInvalid => (
            "Unit card invalid",
            "`unit.yaml` is not valid YAML, lacks a required key, has an unknown key or a malformed phone, or names a file that does not exist.",
            "Correct `unit.yaml` as the message says.",
        ),
        Kind::UnitMismatch => (
            "Unit disagrees with its folder",
            "The entry's `unit` field names another unit than the folder the entry is in.",
            "Remove the `unit` field (the folder says it already) or move the entry to its unit's folder.",
        ),
        Kind::WrongChannel => (
            "Unit must submit through its parent",
            "A unit that submits through its parent unit has a folder of its own.",
            "Move its entries to the parent's folder and name the unit in `implementing_unit`.",
        ),
        Kind::DuplicateEntry => (
            "Duplicate title",
            "Two entries have the same title, spaces ignored. A warning.",
            "Make the titles distinct, or remove the copy.",
        ),
        Kind::QuotaShort => (
            "Unit below its quota",
            "A registered unit has fewer entries than its minimum. A warning before the deadline, an error with `--final`.",
            "Add entries to the unit's folder until its minimum is met, or ask the organisers about the quota.",
        ),
        Kind::NotAnEntry => (
            "Not an entry",
            "A file in a unit's folder that is not an entry (a .md file), unit.yaml or the signed roster, or an entry put in no unit's folder under submissions/ or in a subfolder of one: it is neither checked nor published. A warning.",
            "Write entries as .md files (a lower-case extension, no extra .txt) directly in your unit's folder; put photos and files in the entry's own folder.",
        ),
        Kind::RosterUnsigned => (
            "Signed roster missing",
            "A unit that has submitted entries has not uploaded its signed and stamped roster. A warning.",
            "Put a scan or photo of the signed roster in the unit's folder and name it in `roster_signed` in unit.yaml.",
        ),
        Kind::RosterOutdated => (
            "Signed roster out of date",
            "Entries were submitted or changed after the unit uploaded its signed and stamped roster, so the signed sheet may not show them as they are. A warning.",
            "Print the unit's roster again, have it signed and stamped, and replace the scan.",
        ),
        Kind::LateSubmission => (
            "Late submission",
            "The entry first reached the main line of the repository after the deadline (through a pull request: when it was merged).",
            "Ask the organisers: only they can accept a late entry.",
        ),
        Kind::OutsideOwnFolder => (
            "Change outside the author's folders",
            "In a pull request, a file changes outside the folders of the units its author maintains; only organisers may change anything.",
            "Limit the pull request to your unit's folder, or ask an organiser to make the change.",
        ),
        Kind::ShallowClone => (
            "Shallow clone",
            "The repository has no full history, so arrival times are unknown and nothing is judged late. A warning.",
            "Fetch the full history: git fetch --unshallow (in GitHub Actions, checkout with fetch-depth: 0).",
        ),
        Kind::CampaignInvalid => (
            "campaign.yaml invalid",
            "campaign.yaml is readable YAML but inconsistent or incomplete (an unknown unit type, a missing parent, a duplicated id); no entry is checked until it is fixed.",
            "Correct campaign.yaml at the position shown.",
        ),
    };
    Description { short, full, help }
}

/// A field as a message names it: its key, and a campaign's own field's label after it.
fn named(key: &str, label: &Option<String>) -> String {
    match label.as_deref().filter(|label| *label != key) {
        Some(label) => format!("`{key}` ({label})"),
        None => format!("`{key}`"),
    }
}
