//! Tells the browser tests whether this machine has a browser to run them in: `cfg(chromium)`
//! when headless Chromium is here, `cfg(chromedriver)` when its WebDriver is too. Without them
//! `cargo test` lists those tests as ignored, saying what to install, and runs all the others;
//! CI installs both (`.ci/run`), so there they always run.

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

fn main() {
    println!("cargo::rustc-check-cfg=cfg(chromium)");
    println!("cargo::rustc-check-cfg=cfg(chromedriver)");
    println!("cargo::rerun-if-env-changed=PATH");
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
}
