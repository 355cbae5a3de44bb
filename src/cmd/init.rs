//! `shenbao init`: a new campaign skeleton.

use std::path::{Path, PathBuf};

use crate::scaffold;

use super::{CliError, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the campaign (default: the current folder).
    dir: Option<PathBuf>,
}

/// Prints the files written, one a line, and on standard error what to do next, in the new
/// campaign's language (its `campaign.yaml` says zh-CN).
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let mut written = String::new();
    for path in scaffold::init(&dir)? {
        written.push_str(&format!(
            "{}\n",
            path.strip_prefix(&dir).unwrap_or(&path).display()
        ));
    }
    super::emit(None, written.as_bytes())?;
    eprintln!("{}", next_steps(&dir));
    Ok(Outcome::Success)
}

fn next_steps(dir: &Path) -> String {
    let enter = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
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
