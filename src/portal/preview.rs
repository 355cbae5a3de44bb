//! Previews: an entry, saved or as typed, built by the site's own code (the same templates,
//! sanitiser and media handling) into memory. Its pages are kept; its files stay where they are
//! and are read when asked for. A preview is kept briefly under a random id, for the account
//! that made it only.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use shenbao_site::output::{OutputError, Sink};

use super::accounts::{self, Account};

/// How many previews are kept at once (the oldest goes first).
const KEPT: usize = 32;

/// One preview's site.
#[derive(Default)]
pub struct PreviewSite {
    pages: Mutex<HashMap<String, Arc<[u8]>>>,
    /// Site path → the campaign file it is a copy of.
    copies: Mutex<HashMap<String, PathBuf>>,
}

impl Sink for PreviewSite {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        pages.insert(rel.to_string(), bytes.into());
        Ok(())
    }

    fn copy(&self, from: &Path, rel: &str) -> Result<(), OutputError> {
        let mut copies = self.copies.lock().unwrap_or_else(|p| p.into_inner());
        copies.insert(rel.to_string(), from.to_path_buf());
        Ok(())
    }
}

impl PreviewSite {
    /// The bytes at a site path, if the preview has it.
    pub fn get(&self, key: &str) -> Option<Arc<[u8]>> {
        if let Some(page) = self
            .pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
        {
            return Some(page.clone());
        }
        let from = self
            .copies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()?;
        std::fs::read(from).ok().map(Into::into)
    }
}

#[derive(Default)]
pub struct Previews {
    kept: Mutex<VecDeque<(String, Account, Arc<PreviewSite>)>>,
}

impl Previews {
    /// A fresh id for a preview about to be built.
    pub fn new_id() -> Result<String, accounts::AccountsError> {
        Ok(accounts::hex(&accounts::random_bytes::<16>()?))
    }

    pub fn keep(&self, id: String, account: Account, site: Arc<PreviewSite>) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= KEPT {
            kept.pop_front();
        }
        kept.push_back((id, account, site));
    }

    /// The preview `id`, if `account` made it.
    pub fn get(&self, id: &str, account: &Account) -> Option<Arc<PreviewSite>> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter()
            .find(|(i, a, _)| i == id && a == account)
            .map(|(_, _, site)| site.clone())
    }
}
