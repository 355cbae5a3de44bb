//! The languages shenbao speaks: the site's and the diagnostics' language.

use std::fmt;
use std::str::FromStr;

/// A language of messages and pages. The campaign names one; `--lang` overrides it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The BCP 47 tag, as written in `campaign.yaml` and in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Pick the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// `n` with an English noun in the singular or the plural: "1 error", "2 errors".
pub fn en_count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A language tag shenbao does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language `{}` (expected zh-CN or en)", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "zh_cn" => Ok(Lang::Zh),
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Something to tell a user, said in each language: an error a front end raises where it knows
/// what went wrong but not yet in which language it will be told. `Display` is the English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub zh: String,
    pub en: String,
}

impl Said {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn in_lang(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for Said {}

/// Why a file operation failed, in `lang`: the system's own words are English (or the system's
/// language), so the common reasons are said here, the rest passed on as the system said them.
pub fn io_reason(error: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind;
    let zh = match error.kind() {
        ErrorKind::NotFound => Some("文件或文件夹不存在"),
        ErrorKind::PermissionDenied => Some("没有权限"),
        ErrorKind::AlreadyExists => Some("已经存在"),
        ErrorKind::IsADirectory => Some("这是文件夹，不是文件"),
        ErrorKind::NotADirectory => Some("路径中有一项不是文件夹"),
        ErrorKind::DirectoryNotEmpty => Some("文件夹不是空的"),
        ErrorKind::ReadOnlyFilesystem => Some("文件系统是只读的"),
        ErrorKind::StorageFull => Some("磁盘已满"),
        ErrorKind::AddrInUse => Some("端口已被占用"),
        ErrorKind::AddrNotAvailable => Some("本机没有这个地址"),
        ErrorKind::InvalidData => Some("内容无效"),
        _ => None,
    };
    match (lang, zh) {
        (Lang::Zh, Some(zh)) => zh.to_string(),
        (Lang::Zh, None) => format!("系统错误：{error}"),
        (Lang::En, _) => error.to_string(),
    }
}

/// The language of a campaign's `campaign.yaml` (`language:`), read without parsing the file,
/// so that even a campaign whose file is invalid is answered in its language. `None` when the
/// file cannot be read or names no language shenbao knows; a campaign that names none is
/// zh-CN, the default.
pub fn sniff(campaign_yaml: &str) -> Option<Lang> {
    for line in campaign_yaml.lines() {
        if let Some(value) = line.strip_prefix("language:") {
            let value = value.split(" #").next().unwrap_or_default().trim();
            return value.trim_matches(['"', '\'']).parse().ok();
        }
    }
    Some(Lang::Zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaigns_language_is_read_from_its_top_level_key_alone() {
        assert_eq!(sniff("title: x\nlanguage: en\n"), Some(Lang::En));
        assert_eq!(sniff("language: \"zh-CN\"  # 默认\n"), Some(Lang::Zh));
        assert_eq!(sniff("language: 'en' # English\n"), Some(Lang::En));
        // None named: the default, Chinese; a nested key is not the campaign's.
        assert_eq!(sniff("title: x\nportal:\n  language: en\n"), Some(Lang::Zh));
        assert_eq!(sniff("language: fr\n"), None);
    }
}
