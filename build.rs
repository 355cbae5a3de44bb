//! Tells the browser tests whether this machine has a browser to run them in: `cfg(chromium)`
//! when headless Chromium is here, `cfg(chromedriver)` when its WebDriver is too. Without them
//! `cargo test` lists those tests as ignored, saying what to install, and runs all the others;
//! CI installs both (`.ci/run`), so there they always run.
//!
//! Likewise for the validators the tests run on the built pages: `cfg(axe)` when axe-core's
//! `axe.min.js` is here (`SHENBAO_AXE`, or `tools/node_modules` after `npm ci` in `tools/`),
//! `cfg(vnu)` when the Nu Html Checker's `vnu.jar` (`SHENBAO_VNU`, or the same folder) and
//! Java (`SHENBAO_JAVA`, or `java` on `PATH`) are; `cfg(pdftotext)` when poppler's `pdftotext`
//! is (`SHENBAO_PDFTOTEXT`, or on `PATH`), to read what a printed page says; `cfg(cjk_font)`
//! when fontconfig knows a Chinese font, without which Chromium prints Chinese as boxes of other
//! widths and a printed page breaks where it would not on paper.

use std::path::PathBuf;

fn found(var: &str, names: &[&str]) -> bool {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path).is_file();
    }
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    names
        .iter()
        .any(|name| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}

/// `var`'s file, else `fallback` under the crate's folder, if it is there.
fn tool(var: &str, fallback: &str) -> bool {
    match std::env::var_os(var) {
        Some(path) => PathBuf::from(path).is_file(),
        None => std::env::var_os("CARGO_MANIFEST_DIR")
            .is_some_and(|dir| PathBuf::from(dir).join(fallback).is_file()),
    }
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(chromium)");
    println!("cargo::rustc-check-cfg=cfg(chromedriver)");
    println!("cargo::rustc-check-cfg=cfg(axe)");
    println!("cargo::rustc-check-cfg=cfg(vnu)");
    println!("cargo::rustc-check-cfg=cfg(pdftotext)");
    println!("cargo::rustc-check-cfg=cfg(cjk_font)");
    println!("cargo::rerun-if-env-changed=SHENBAO_PDFTOTEXT");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=SHENBAO_AXE");
    println!("cargo::rerun-if-env-changed=SHENBAO_VNU");
    println!("cargo::rerun-if-env-changed=SHENBAO_JAVA");
    // `npm ci` in tools/ adds node_modules there.
    println!("cargo::rerun-if-changed=tools");
    println!("cargo::rerun-if-env-changed=SHENBAO_CHROMIUM");
    println!("cargo::rerun-if-env-changed=SHENBAO_CHROMEDRIVER");
    let chromium = found(
        "SHENBAO_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    if chromium {
        println!("cargo::rustc-cfg=chromium");
    }
    if chromium && found("SHENBAO_CHROMEDRIVER", &["chromedriver"]) {
        println!("cargo::rustc-cfg=chromedriver");
    }
    if found("SHENBAO_PDFTOTEXT", &["pdftotext"]) {
        println!("cargo::rustc-cfg=pdftotext");
    }
    // Fonts installed later make the printing tests run.
    if std::path::Path::new("/usr/share/fonts").is_dir() {
        println!("cargo::rerun-if-changed=/usr/share/fonts");
    }
    let chinese_font = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.is_empty());
    if chinese_font {
        println!("cargo::rustc-cfg=cjk_font");
    }
    if tool("SHENBAO_AXE", "tools/node_modules/axe-core/axe.min.js") {
        println!("cargo::rustc-cfg=axe");
    }
    if tool(
        "SHENBAO_VNU",
        "tools/node_modules/vnu-jar/build/dist/vnu.jar",
    ) && found("SHENBAO_JAVA", &["java"])
    {
        println!("cargo::rustc-cfg=vnu");
    }
}
