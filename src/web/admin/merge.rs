//! Three-way merge of an edit made on an older version of an entry.
//!
//! It works on what the form shows, input by input (`title`, `title.zh`, `title.zh.translated`,
//! `kind`, the parties or speakers, ...): the version the editor opened (the base, from history), the
//! current one (theirs) and the editor's (yours). An input only the editor changed takes the
//! editor's value; one only the others changed keeps theirs; one both changed the same way is
//! that value; one both changed differently is a conflict, left for the editor to decide.
//! So no input the editor did not touch is ever overwritten.

use std::collections::BTreeSet;

use super::form::{RawValues, input_names_of};
use super::spec::EntitySpec;

/// What the editor can choose for a conflicting input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Theirs,
    Yours,
    Original,
}

impl Choice {
    /// The value a `resolve.{input}` field carries.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "theirs" => Some(Self::Theirs),
            "yours" => Some(Self::Yours),
            "original" => Some(Self::Original),
            _ => None,
        }
    }
}

/// One input both sides changed, differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The input's name (`name.zh`, `kind`, `parties`).
    pub input: String,
    /// Its value in the version the editor opened, when history has that version.
    pub original: Option<String>,
    pub theirs: String,
    pub yours: String,
}

/// The outcome of a merge: the values to save (or show) and what the editor must decide.
#[derive(Debug, Clone)]
pub struct Merged {
    /// Every input's merged value; a conflicting input holds the editor's value.
    pub values: RawValues,
    pub conflicts: Vec<Conflict>,
    /// Inputs taken from theirs because only they changed them (for the message after saving).
    pub kept_theirs: Vec<String>,
}

/// Whether `input` is the entry's member list (an agreement's parties, merged as one value).
fn is_members(spec: &EntitySpec, input: &str) -> bool {
    spec.members.is_some_and(|m| m.name == input)
}

fn get(spec: &EntitySpec, values: &RawValues, input: &str) -> String {
    if is_members(spec, input) {
        values
            .members
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(",")
    } else {
        values.get(input).to_owned()
    }
}

fn set(spec: &EntitySpec, values: &mut RawValues, input: &str, value: String) {
    if is_members(spec, input) {
        values.members = value
            .split(',')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
    } else {
        values.fields.insert(input.to_owned(), value);
    }
}

/// Every input of `spec` a merge looks at.
fn inputs(spec: &EntitySpec) -> Vec<String> {
    let mut names = input_names_of(spec);
    if let Some(members) = spec.members {
        names.push(members.name.to_owned());
    }
    names
}

/// Merge `yours` (edited from `base`) with `theirs` (the current version). Without a base
/// (history lacks it) every input that differs is a conflict.
pub fn merge(
    spec: &EntitySpec,
    base: Option<&RawValues>,
    theirs: &RawValues,
    yours: &RawValues,
) -> Merged {
    let mut values = yours.clone();
    let mut conflicts = Vec::new();
    let mut kept_theirs = Vec::new();
    for input in inputs(spec) {
        let (t, y) = (get(spec, theirs, &input), get(spec, yours, &input));
        if t == y {
            continue;
        }
        let b = base.map(|base| get(spec, base, &input));
        match b {
            Some(b) if b == y => {
                set(spec, &mut values, &input, t);
                kept_theirs.push(input);
            }
            Some(b) if b == t => {}
            original => conflicts.push(Conflict {
                input,
                original,
                theirs: t,
                yours: y,
            }),
        }
    }
    Merged {
        values,
        conflicts,
        kept_theirs,
    }
}

/// Apply the editor's choices (`resolve.{input}` = theirs / yours / original) to `values`,
/// taking the other versions' values from `theirs` and `original`. Inputs without a choice, or
/// whose choice names a version that is not known, keep what the form holds.
pub fn resolve(
    spec: &EntitySpec,
    values: &mut RawValues,
    choices: &[(String, Choice)],
    theirs: &RawValues,
    original: Option<&RawValues>,
) {
    let known: BTreeSet<String> = inputs(spec).into_iter().collect();
    for (input, choice) in choices {
        if !known.contains(input) {
            continue;
        }
        let value = match choice {
            Choice::Yours => continue,
            Choice::Theirs => get(spec, theirs, input),
            Choice::Original => match original {
                Some(original) => get(spec, original, input),
                None => continue,
            },
        };
        set(spec, values, input, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::admin::spec;

    fn values(pairs: &[(&str, &str)]) -> RawValues {
        let mut raw = RawValues::default();
        for (name, value) in pairs {
            raw.fields.insert((*name).to_owned(), (*value).to_owned());
        }
        raw
    }

    #[test]
    fn untouched_inputs_keep_their_values_and_only_true_conflicts_remain() {
        let spec = spec::find("organisations").unwrap();
        let base = values(&[("name", "NLC"), ("description", "Old"), ("website", "")]);
        // They added the Chinese name and a website; you changed the description and the website.
        let theirs = values(&[
            ("name", "NLC"),
            ("name.zh", "国家物流公司"),
            ("description", "Old"),
            ("website", "https://a.example"),
        ]);
        let yours = values(&[
            ("name", "NLC"),
            ("description", "New"),
            ("website", "https://b.example"),
        ]);
        let merged = merge(spec, Some(&base), &theirs, &yours);
        assert_eq!(merged.values.get("name.zh"), "国家物流公司", "theirs kept");
        assert_eq!(merged.values.get("description"), "New", "yours taken");
        assert_eq!(merged.kept_theirs, ["name.zh"]);
        assert_eq!(
            merged.conflicts,
            [Conflict {
                input: "website".into(),
                original: Some(String::new()),
                theirs: "https://a.example".into(),
                yours: "https://b.example".into(),
            }]
        );

        let mut resolved = merged.values.clone();
        resolve(
            spec,
            &mut resolved,
            &[
                ("website".into(), Choice::Theirs),
                ("slug".into(), Choice::Original),
            ],
            &theirs,
            Some(&base),
        );
        assert_eq!(resolved.get("website"), "https://a.example");
        assert_eq!(resolved.get("slug"), "", "the original slug was empty here");
    }

    #[test]
    fn without_the_original_every_difference_is_a_conflict() {
        let spec = spec::find("organisations").unwrap();
        let theirs = values(&[("name", "A"), ("description", "x")]);
        let yours = values(&[("name", "B"), ("description", "x")]);
        let merged = merge(spec, None, &theirs, &yours);
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].original, None);
    }

    #[test]
    fn parties_merge_as_one_ordered_list() {
        let spec = spec::find("agreements").unwrap();
        let mut base = values(&[("title", "T")]);
        base.members = vec!["1".into(), "2".into()];
        let mut theirs = base.clone();
        theirs.members = vec!["2".into(), "1".into()];
        let mut yours = base.clone();
        yours.members = vec!["1".into(), "2".into(), "".into()];
        let merged = merge(spec, Some(&base), &theirs, &yours);
        assert!(merged.conflicts.is_empty());
        assert_eq!(merged.values.members, ["2", "1"]);
    }
}
