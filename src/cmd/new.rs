//! `shenbao new`: a new entry file stubbed from the schema, and its unit's card if it has none.

use crate::scaffold;
use shenbao_core::campaign;
use shenbao_core::lang::Lang;

use super::{CliError, Globals, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The submitting unit's id, as registered in campaign.yaml.
    unit: String,
    /// The project's title (项目名称).
    title: Option<String>,
    /// The file name without .md (lowercase ASCII, digits, hyphens); default: from the title's
    /// ASCII words, else entry-N.
    #[arg(long)]
    slug: Option<String>,
}

/// Prints the files written, one a line (the entry first), and on standard error what to do next.
pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let root = globals.root()?;
    let campaign = campaign::load(&root)?;
    let written = scaffold::new_entry(
        &campaign,
        &args.unit,
        args.title.as_deref(),
        args.slug.as_deref(),
    )?;
    let shown = |p: &std::path::Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let entry = shown(&written.entry);
    let card = written.card.as_deref().map(shown);
    let mut written = format!("{entry}\n");
    if let Some(card) = &card {
        written.push_str(&format!("{card}\n"));
    }
    super::emit(None, written.as_bytes())?;
    eprintln!(
        "{}",
        next_step(
            globals.lang.unwrap_or(campaign.language),
            &entry,
            card.as_deref()
        )
    );
    Ok(Outcome::Success)
}

fn next_step(lang: Lang, entry: &str, card: Option<&str>) -> String {
    match (lang, card) {
        (Lang::Zh, Some(card)) => format!(
            "下一步：填写 {entry} 的文件头各项和各个章节，以及本单位的单位信息卡 {card}；\
             然后运行 shenbao check，它会指出还有哪些没填好。"
        ),
        (Lang::Zh, None) => format!(
            "下一步：填写 {entry} 的文件头各项和各个章节，然后运行 shenbao check，它会指出还有哪些没填好。"
        ),
        (Lang::En, Some(card)) => format!(
            "Next: fill in the front matter and the sections of {entry}, and the unit's card {card}; \
             then run shenbao check, which names whatever is still missing."
        ),
        (Lang::En, None) => format!(
            "Next: fill in the front matter and the sections of {entry}, then run shenbao check, \
             which names whatever is still missing."
        ),
    }
}
