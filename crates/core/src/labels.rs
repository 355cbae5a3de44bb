//! The words shenbao's own screens use — names of fields, columns, states, menus — in each
//! language: one catalogue for the terminal, the site (templates read `t.<key>`, so a theme needs
//! no text of its own), the schema and the portal, so that one thing has one name everywhere.

use std::collections::BTreeMap;

use crate::lang::Lang;

/// Key, 简体中文, English.
const LABELS: &[(&str, &str, &str)] = &[
    ("home", "首页", "Home"),
    // Punctuation after a label and around an aside: full-width in Chinese, Latin in English.
    ("colon", "：", ": "),
    ("paren_open", "（", " ("),
    ("paren_close", "）", ")"),
    // Between the call's title and a sheet's name: nothing in Chinese (…创新奖申报汇总表).
    ("title_joint", "", " "),
    ("showcase", "项目展示", "Showcase"),
    ("categories", "申报范围", "Categories"),
    ("category", "申报范围", "Category"),
    ("units", "申报单位", "Units"),
    ("unit", "申报单位", "Unit"),
    ("unit_type", "单位类别", "Unit type"),
    ("roster", "申报汇总表", "Summary roster"),
    ("status", "申报进度", "Submission status"),
    ("deadline", "截止时间", "Deadline"),
    ("deadline_open", "正在申报", "Open for entries"),
    ("deadline_closed", "申报已截止", "Closed"),
    ("deadline_left", "距截止还有", "Time left"),
    ("days", "天", "days"),
    ("hours", "小时", "hours"),
    ("entries", "申报项目", "Entries"),
    ("entries_count", "个项目", "entries"),
    // After a count of one.
    ("entry_count", "个项目", "entry"),
    ("total", "共 ", "Total "),
    ("units_submitted", "个单位已申报", "units have submitted"),
    ("units_registered", "个单位应申报", "units are expected"),
    (
        "categories_covered",
        "个申报范围有项目",
        "categories have entries",
    ),
    ("criteria", "申报标准", "Criteria"),
    ("contact_us", "联系人", "Contact"),
    ("title", "项目名称", "Title"),
    ("contact", "联系人", "Contact"),
    ("phone", "联系电话", "Phone"),
    ("summary", "项目简介", "Summary"),
    ("started", "实施时间", "Started"),
    ("implementing_unit", "实施单位", "Implementing unit"),
    ("recognition", "实效性证明", "Recognition"),
    ("photos", "图片", "Photos"),
    ("videos", "视频", "Videos"),
    ("files", "附件下载", "Downloads"),
    ("attachments", "附件", "Attachments"),
    ("first_submitted", "首次提交", "First submitted"),
    ("last_changed", "最后更新", "Last changed"),
    ("form", "申报表", "Application form"),
    ("print", "打印", "Print"),
    (
        "print_hint",
        "用浏览器的“打印”功能打印本页：电脑上按 Ctrl+P；手机上在浏览器菜单中选“打印”（有的在“分享”里），或存为 PDF 发到电脑上打印；在微信里打开的，请先点右上角“…”，选“在浏览器中打开”。",
        "Print this page with the browser's Print command: Ctrl+P on a computer; on a phone, Print in the browser's Share or Print menu, or save it as a PDF to print from a computer; opened inside WeChat, first choose “Open in browser” from the “…” menu.",
    ),
    (
        "roster_none",
        "尚无已提交的项目：本表暂不需签章。",
        "No submitted entries yet: nothing to sign.",
    ),
    ("print_form", "打印申报表", "Print the form"),
    ("no", "序号", "No."),
    ("all", "全部", "All"),
    ("search", "搜索", "Search"),
    (
        "search_placeholder",
        "搜索项目名称、单位、简介、正文",
        "Search titles, units, summaries, text",
    ),
    ("filter", "筛选", "Filter"),
    ("reset", "清除筛选", "Clear filters"),
    ("results", "个项目符合条件", "matching entries"),
    ("no_results", "没有符合条件的项目。", "No entry matches."),
    ("searching", "正在搜索…", "Searching…"),
    // A view of the filters alone reads the same index: said as what the reader did.
    ("filtering", "正在筛选…", "Filtering…"),
    ("none_yet", "暂未找到", "None found yet"),
    ("about", "约 ", "about "),
    (
        "unchecked",
        "；另有 {n} 个项目可能符合，尚未核对。",
        "; {n} more may match and are not yet checked. ",
    ),
    ("search_more", "继续查找", "Look further"),
    (
        "search_failed",
        "搜索未能完成：网络中断，或网站正在更新。",
        "The search could not finish: the connection dropped, or the site is being updated.",
    ),
    (
        "filter_failed",
        "筛选未能完成：网络中断，或网站正在更新。",
        "The filtering could not finish: the connection dropped, or the site is being updated.",
    ),
    ("retry", "重试", "Try again"),
    (
        "search_needs_script",
        "搜索和筛选需要浏览器启用 JavaScript；下面按顺序列出全部项目。",
        "Search and filters need JavaScript in the browser; every entry is listed below, in order.",
    ),
    ("page", "页", "Page"),
    ("previous", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("download", "下载", "Download"),
    ("download_csv", "下载 CSV", "Download CSV"),
    ("download_xlsx", "下载 Excel", "Download Excel"),
    ("download_json", "下载 JSON", "Download JSON"),
    ("leader_signature", "主要领导签字", "Head's signature"),
    ("unit_stamp", "单位公章", "Unit's stamp"),
    ("date", "日期", "Date"),
    // Room to write the year before 年, as for the month and the day.
    (
        "date_blank",
        "　　　　年　　月　　日",
        "____________________",
    ),
    ("printable", "可打印的汇总表", "Printable roster"),
    ("minimum", "应报数", "Minimum"),
    ("count", "已报数", "Submitted"),
    ("late", "逾期", "Late"),
    ("roster_signed", "汇总表签章", "Signed roster"),
    ("state", "状态", "State"),
    ("state_none", "未申报", "Nothing yet"),
    ("state_short", "未达数", "Short"),
    ("state_met", "已达数", "Met"),
    ("yes", "已上传", "Uploaded"),
    ("no_value", "未上传", "Missing"),
    ("not_needed", "无需", "Not needed"),
    (
        "through_parent",
        "经上级工会申报",
        "Submits through its parent",
    ),
    ("not_found", "页面不存在", "Page not found"),
    (
        "not_found_text",
        "您要找的页面不存在或已移动。",
        "The page you want does not exist or has moved.",
    ),
    ("back_home", "返回首页", "Back to the home page"),
    ("feed", "新项目订阅", "New entries feed"),
    ("sample", "示例", "Sample"),
    ("draft", "草稿", "Draft"),
    ("leader", "主要领导", "Head"),
    ("responsible", "专人负责", "Person in charge"),
    (
        "unit_opinion",
        "申报单位意见",
        "Opinion of the submitting unit",
    ),
    ("content", "主要内容", "Content"),
    ("entry_of", "申报项目", "Entry of"),
    ("generated_by", "由 shenbao 生成", "Made with shenbao"),
    ("no_entries", "暂无项目。", "No entries yet."),
    ("skip", "跳到正文", "Skip to content"),
    ("menu", "菜单", "Menu"),
    ("view_all", "查看全部项目", "See all entries"),
    ("how_to_submit", "如何申报", "How to submit"),
    ("source", "来源", "Source"),
    ("sitemap", "站点地图", "Sitemap"),
    ("breadcrumb", "当前位置", "You are here"),
    ("filters", "搜索和筛选", "Search and filters"),
    ("materials", "申报材料", "Entry materials"),
    ("annex_form", "附件1", "Annex 1"),
    ("annex_roster", "附件2", "Annex 2"),
];

/// The label of `key` in `lang`; the key itself when there is none (a test keeps every key the
/// code asks for in the catalogue).
pub fn label(key: &'static str, lang: Lang) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, zh, en)| lang.pick(zh, en))
}

/// Every label in `lang`, keyed for templates.
pub fn labels(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    LABELS
        .iter()
        .map(|(key, zh, en)| (*key, lang.pick(zh, en)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field's name in messages and stubs is its name on the site.
    #[test]
    fn built_in_fields_are_named_as_the_site_names_them() {
        for field in crate::fields::BUILT_IN {
            if let Some((_, zh, _)) = LABELS.iter().find(|(k, _, _)| *k == field.key) {
                assert_eq!(field.label, *zh, "{}", field.key);
            }
        }
    }

    #[test]
    fn keys_are_unique_and_every_label_has_both_languages() {
        assert_eq!(labels(Lang::Zh).len(), LABELS.len());
        for (key, zh, en) in LABELS {
            // Chinese joins a title and a sheet's name with nothing between.
            let joint = *key == "title_joint";
            assert!((!zh.is_empty() || joint) && !en.is_empty(), "{key}");
        }
    }
}
