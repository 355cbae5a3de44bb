//! The campaign's free pages under `content/` (the notice, how to submit, about): their titles,
//! order, Markdown text and safe HTML. Front matter is optional; a broken one is a diagnostic.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::problem::Problem;
use crate::source::{self, FrontMatterError, Pos};
use crate::yaml;

/// One page of `content/<slug>.md`.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The file name without `.md`: the page lives at `/pages/<slug>/`.
    pub slug: String,
    pub title: String,
    /// The page's name in the menu: `menu` in front matter, else the title.
    pub menu: String,
    /// Pages are listed by weight, then slug.
    pub weight: i64,
    /// The Markdown body.
    pub body: String,
    /// The body as safe HTML (a handful of pages: always rendered).
    pub html: String,
}

impl Page {
    pub fn file(&self) -> String {
        format!("content/{}.md", self.slug)
    }
}

/// Every page of `content/`, in menu order, and what is wrong with them. No folder, no pages.
pub fn load(root: &Path) -> (Vec<Page>, Vec<Diagnostic>) {
    let mut pages = Vec::new();
    let mut diagnostics = Vec::new();
    let Ok(dir) = std::fs::read_dir(root.join("content")) else {
        return (pages, diagnostics);
    };
    let mut names: Vec<String> = dir
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    for name in names {
        let slug = name.trim_end_matches(".md").to_string();
        let file = format!("content/{name}");
        match read(&root.join(&file), &slug) {
            Ok(page) => pages.push(page),
            Err(found) => {
                let (pos, problem) = *found;
                diagnostics.push(Diagnostic::new(file, pos, problem));
            }
        }
    }
    pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.slug.cmp(&b.slug)));
    (pages, diagnostics)
}

/// A free page, or where it cannot be read and why (boxed: a problem is large, a page is not).
fn read(path: &Path, slug: &str) -> Result<Page, Box<(Pos, Problem)>> {
    let bytes = std::fs::read(path).map_err(|e| {
        Box::new((
            Pos::START,
            Problem::Unreadable {
                reason: e.to_string(),
            },
        ))
    })?;
    let text =
        source::decode(bytes).map_err(|source::NotUtf8(pos)| Box::new((pos, Problem::NotUtf8)))?;
    let (title, menu, weight, body) = match source::split_front_matter(&text) {
        Ok(fm) => {
            let node = yaml::parse(fm.yaml, source::YAML_FIRST_LINE)
                .map_err(|e| Box::new((e.pos, Problem::YamlSyntax { detail: e.error })))?;
            let title = node.get("title").and_then(|(_, v)| v.as_text());
            let menu = node.get("menu").and_then(|(_, v)| v.as_text());
            let weight = match node.get("weight").map(|(_, v)| &v.value) {
                Some(yaml::Value::Int(w)) => *w,
                _ => 0,
            };
            (title, menu, weight, fm.body.to_string())
        }
        Err(FrontMatterError::Missing) => (None, None, 0, text.clone()),
        Err(FrontMatterError::Unclosed) => {
            return Err(Box::new((
                Pos::START,
                Problem::FrontMatterMissing { unclosed: true },
            )));
        }
    };
    let title = title
        .or_else(|| first_heading(&body))
        .unwrap_or_else(|| slug.to_string());
    let html = crate::body::parse(&body, None, crate::body::Want::HTML).html;
    Ok(Page {
        slug: slug.to_string(),
        menu: menu.unwrap_or_else(|| title.clone()),
        title,
        weight,
        body,
        html,
    })
}

/// The text of the first `# ` heading, for pages without a title in front matter.
fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_ordered_by_weight_and_titled_from_front_matter_or_heading() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        std::fs::write(
            content.join("about.md"),
            "---\ntitle: 关于\nweight: 9\n---\n正文\n",
        )
        .unwrap();
        std::fs::write(content.join("notice.md"), "---\nweight: 1\n---\n# 通知\n").unwrap();
        std::fs::write(content.join("guide.md"), "# 申报指南\n\n步骤\n").unwrap();
        std::fs::write(content.join("bad.md"), "---\ntitle: [\n---\n").unwrap();
        let (pages, diags) = load(dir.path());
        let titles: Vec<&str> = pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["申报指南", "通知", "关于"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].file, "content/bad.md");
        assert_eq!(diags[0].code(), "yaml-syntax");
        assert_eq!(diags[0].pos.line, 2);
    }
}
