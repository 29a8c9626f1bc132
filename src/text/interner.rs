//! Strings numbered densely in the order they are first seen (a search index's vocabulary, a
//! vector tile layer's keys).

use std::collections::HashMap;

/// Each distinct string once, with its id: its position in [`Interner::strings`].
#[derive(Debug, Default)]
pub struct Interner {
    strings: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    /// The id of `s`, numbering it when it is new; `true` with a new one.
    pub fn intern(&mut self, s: &str) -> (u32, bool) {
        if let Some(&id) = self.ids.get(s) {
            return (id, false);
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.to_owned());
        self.ids.insert(s.to_owned(), id);
        (id, true)
    }

    /// The id of `s`, when it has one.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// The strings in id order.
    pub fn strings(&self) -> &[String] {
        &self.strings
    }
}
