//! `shenbao init`: a new campaign skeleton.

use std::path::{Path, PathBuf};

use shenbao_core::lang::Lang;

use crate::scaffold;

use super::{CliError, Globals, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the campaign (default: the current folder).
    dir: Option<PathBuf>,
}

/// Prints the files written, one a line, and on standard error what to do next, in the new
/// campaign's language: `--lang`'s, else zh-CN (the default of `language`), whatever the locale
/// or a campaign around the folder says.
pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let lang = globals.lang.unwrap_or(Lang::Zh);
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let mut written = String::new();
    for path in scaffold::init(&dir, lang)? {
        written.push_str(&format!(
            "{}\n",
            path.strip_prefix(&dir).unwrap_or(&path).display()
        ));
    }
    super::emit(None, written.as_bytes())?;
    eprintln!("{}", next_steps(&dir, lang));
    Ok(Outcome::Success)
}

fn next_steps(dir: &Path, lang: Lang) -> String {
    let enter = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    if lang == Lang::En {
        return format!(
            "The campaign is created. Next:
  1. edit campaign.yaml: the call's title, issuer, deadline, categories, the units that submit (units) and the contact;
  2. paste the text of the call for entries into content/notice.md;
  3. commit these files to git (run git init first if this is not a git repository yet): {enter}git add . && git commit -m \"A new call for entries\"
  4. run shenbao check to check it, and shenbao serve to preview the site;
  5. push it to GitHub or GitLab: CI checks each pull request, publishes the site and reminds the units each day as the head of its CI file explains.
Units begin an entry with shenbao new <unit id> \"Project title\"."
        );
    }
    format!(
        "已创建征集活动。下一步：
  1. 修改 campaign.yaml：活动名称、发文单位、截止时间、申报范围、申报单位名单（units）和联系人；
  2. 把征集通知的正文贴入 content/notice.md；
  3. 把这些文件提交到 git（还不是 git 仓库的，先运行 git init）：{enter}git add . && git commit -m \"新建征集活动\"
  4. 运行 shenbao check 检查，运行 shenbao serve 预览网站；
  5. 推送到 GitHub 或 GitLab：CI 检查每个合并请求、发布网站，并按 CI 文件开头的说明每天提醒各单位。
各单位用 shenbao new <单位 id> \"项目名称\" 开始申报。"
    )
}
