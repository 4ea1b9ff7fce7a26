//! Languages: English, Chinese (Simplified) and Urdu (right-to-left).
//!
//! The interface text lives in message catalogues (`en.txt`, `zh.txt`, `ur.txt` beside this
//! file, `key = value` lines), compiled into the binary. The language of a request is known
//! from its path (`/zh/...`, `/ur/...`, English otherwise) and kept in a task-local for the
//! request, so templates and error pages can ask for it without threading it everywhere.

mod format;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

pub use format::{Count, DateLike, PluralCategory, iso_date};

/// A language of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
    Ur,
}

tokio::task_local! {
    static CURRENT: Locale;
}

/// The language of the request being handled, and its path without the language prefix.
#[derive(Debug, Clone)]
pub struct Locale {
    pub lang: Lang,
    /// The page's path in every language (`/speakers`, `/` for the home page).
    pub path: String,
}

impl Locale {
    /// The locale of the request being handled (English outside a request).
    pub fn current() -> Self {
        CURRENT.try_with(Clone::clone).unwrap_or(Self {
            lang: Lang::En,
            path: "/".to_owned(),
        })
    }

    /// Split a request path into its language and the language-neutral path.
    pub fn from_path(path: &str) -> Self {
        for lang in [Lang::Zh, Lang::Ur] {
            let prefix = lang.prefix();
            if path == prefix {
                return Self {
                    lang,
                    path: "/".to_owned(),
                };
            }
            if let Some(rest) = path.strip_prefix(prefix)
                && rest.starts_with('/')
            {
                return Self {
                    lang,
                    path: rest.to_owned(),
                };
            }
        }
        Self {
            lang: Lang::En,
            path: path.to_owned(),
        }
    }

    /// Run `future` with this locale as the current one.
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Self; 3] = [Self::En, Self::Zh, Self::Ur];

    /// The key of this language in content (`localized_text`) and in cookies.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh",
            Self::Ur => "ur",
        }
    }

    /// Parse a content or cookie code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The BCP 47 tag for `<html lang>` and `hreflang`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh-Hans",
            Self::Ur => "ur",
        }
    }

    /// Writing direction.
    pub fn dir(self) -> &'static str {
        match self {
            Self::Ur => "rtl",
            _ => "ltr",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Zh => "中文",
            Self::Ur => "اردو",
        }
    }

    /// The language's name in `page`'s language, for sentences ("translated from English",
    /// "译自英文").
    pub fn name_in(self, page: impl AsLang) -> &'static str {
        page.as_lang().t(match self {
            Self::En => "language.name.en",
            Self::Zh => "language.name.zh",
            Self::Ur => "language.name.ur",
        })
    }

    /// The stylesheet of the web font for this language's script, under `static/`: only pages
    /// in that language load it (the language switcher's few glyphs come with `site.css`).
    pub fn font_stylesheet(self) -> Option<&'static str> {
        match self {
            Self::En => None,
            Self::Zh => Some("css/fonts-zh.css"),
            Self::Ur => Some("css/fonts-ur.css"),
        }
    }

    /// The web font every page in this language needs at once, under `static/`, for
    /// `<link rel="preload">`: the Urdu face, which text waits for (`font-display: block`), so
    /// it starts downloading with the page rather than once the stylesheet is read. Chinese
    /// is split into a hundred parts, of which a page needs a few that depend on its text.
    ///
    /// The URL must be the one `fonts-ur.css` gives, or the browser downloads the font twice.
    pub fn font_preload(self) -> Option<&'static str> {
        match self {
            Self::Ur => Some("fonts/noto-nastaliq-urdu/noto-nastaliq-urdu-400-urdu.woff2"),
            Self::En | Self::Zh => None,
        }
    }

    /// The path prefix of its pages (`""` for English).
    pub fn prefix(self) -> &'static str {
        match self {
            Self::En => "",
            Self::Zh => "/zh",
            Self::Ur => "/ur",
        }
    }

    /// The URL of a language-neutral `path` in this language.
    pub fn href(self, path: &str) -> String {
        match (self, path) {
            (Self::En, _) => path.to_owned(),
            (_, "/") => self.prefix().to_owned(),
            _ => format!("{}{path}", self.prefix()),
        }
    }

    /// The interface text for `key`: this language's, else English, else the key itself
    /// (a test keeps the catalogues complete, so the last two never happen in practice).
    pub fn t(self, key: &str) -> &'static str {
        catalogue(self)
            .get(key)
            .or_else(|| catalogue(Self::En).get(key))
            .copied()
            .unwrap_or_else(|| {
                tracing::warn!(key, "missing interface text");
                "?"
            })
    }

    /// The interface text for `key` with its `{name}` placeholders filled in (each value
    /// isolated on right-to-left pages, see [`Lang::isolate`]).
    pub fn tf(self, key: &str, values: &[(&str, &str)]) -> String {
        self.fill(self.t(key), values)
    }

    /// [`Lang::tf`] with one placeholder (for templates, which cannot write slices).
    pub fn tf1(self, key: &str, name: &str, value: impl fmt::Display) -> String {
        self.tf(key, &[(name, &value.to_string())])
    }

    /// [`Lang::tf`] with two placeholders.
    pub fn tf2(
        self,
        key: &str,
        name: &str,
        value: impl fmt::Display,
        other: &str,
        other_value: impl fmt::Display,
    ) -> String {
        self.tf(
            key,
            &[
                (name, &value.to_string()),
                (other, &other_value.to_string()),
            ],
        )
    }

    /// The interface text for a key built at run time, if the catalogues have it.
    pub fn t_opt(self, key: &str) -> Option<&'static str> {
        catalogue(self)
            .get(key)
            .or_else(|| catalogue(Self::En).get(key))
            .copied()
    }

    /// Join the parts of a short description with commas: "Company, Pakistan", "企业、巴基斯坦",
    /// "کمپنی، پاکستان".
    pub fn join(self, items: &[String]) -> String {
        let comma = self.t("list.comma");
        let separator = if self == Self::Zh {
            comma.to_owned()
        } else {
            format!("{comma} ")
        };
        items.join(&separator)
    }

    /// Join names as a sentence does: "A and B", "A、B和C", "A، B اور C".
    pub fn and_list(self, items: &[String]) -> String {
        let comma = self.t("list.comma");
        let and = self.t("list.and");
        let separator = if self == Self::Zh {
            comma.to_owned()
        } else {
            format!("{comma} ")
        };
        let joiner = if self == Self::Zh {
            and.to_owned()
        } else {
            format!(" {and} ")
        };
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}{joiner}{last}", init.join(&separator)),
        }
    }
}

/// A language, or a reference to one at any depth (templates pass `&Lang`).
pub trait AsLang {
    /// The language itself.
    fn as_lang(&self) -> Lang;
}

impl AsLang for Lang {
    fn as_lang(&self) -> Lang {
        *self
    }
}

impl<T: AsLang + ?Sized> AsLang for &T {
    fn as_lang(&self) -> Lang {
        (**self).as_lang()
    }
}

/// A message to show later, in whatever language the page is in: a catalogue key and the
/// values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub values: Vec<(&'static str, String)>,
    /// For a counted message (`key.one`/`key.other`), the count that picks the form.
    pub count: Option<i64>,
}

impl Message {
    /// A message without placeholders.
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            values: Vec::new(),
            count: None,
        }
    }

    /// A message whose form depends on `count` (its `{count}` placeholder).
    pub fn plural(key: &'static str, count: impl Count) -> Self {
        Self {
            key,
            values: Vec::new(),
            count: Some(count.count()),
        }
    }

    /// Fill in a placeholder.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.values.push((name, value.to_string()));
        self
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let values: Vec<(&str, &str)> = self.values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        match self.count {
            Some(count) => lang.tf_plural(self.key, count, &values),
            None => lang.tf(self.key, &values),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The source text of each catalogue.
fn catalogue_source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("en.txt"),
        Lang::Zh => include_str!("zh.txt"),
        Lang::Ur => include_str!("ur.txt"),
    }
}

/// A parsed catalogue: key → text.
pub fn catalogue(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static CATALOGUES: OnceLock<[HashMap<&'static str, &'static str>; 3]> = OnceLock::new();
    let all =
        CATALOGUES.get_or_init(|| Lang::ALL.map(|lang| parse_catalogue(catalogue_source(lang))));
    &all[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)]
}

/// Parse `key = value` lines; `#` starts a comment line; blank lines are skipped.
pub fn parse_catalogue(source: &'static str) -> HashMap<&'static str, &'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(" = ").or_else(|| line.split_once('=')))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect()
}

/// The language a visitor's `Accept-Language` prefers among ours, if any is acceptable.
pub fn negotiate(accept_language: &str) -> Option<Lang> {
    let mut best: Option<(f32, usize, Lang)> = None;
    for (position, item) in accept_language.split(',').enumerate() {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        let Some(lang) = Lang::from_code(primary) else {
            continue;
        };
        if quality <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((q, _, _)) => quality > q,
        };
        if better {
            best = Some((quality, position, lang));
        }
    }
    best.map(|(_, _, lang)| lang)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use time::macros::date;

    use super::*;

    #[test]
    fn every_catalogue_has_every_key_and_no_empty_text() {
        let english: BTreeSet<&str> = catalogue(Lang::En).keys().copied().collect();
        for lang in Lang::ALL {
            let keys: BTreeSet<&str> = catalogue(lang).keys().copied().collect();
            // Chinese has no singular: a count's `.one` form is English's and Urdu's alone.
            let missing: Vec<_> = english
                .difference(&keys)
                .filter(|key| {
                    !(lang == Lang::Zh
                        && key
                            .strip_suffix(".one")
                            .is_some_and(|base| english.contains(format!("{base}.other").as_str())))
                })
                .collect();
            let extra: Vec<_> = keys.difference(&english).collect();
            assert!(missing.is_empty(), "{lang}: missing {missing:?}");
            assert!(extra.is_empty(), "{lang}: keys English lacks {extra:?}");
            for (key, text) in catalogue(lang) {
                assert!(!text.is_empty(), "{lang}: {key} is empty");
            }
        }
    }

    #[test]
    fn every_key_the_templates_and_code_use_exists() {
        let english = catalogue(Lang::En);
        let mut used = Used::default();
        for dir in ["templates", "src"] {
            collect_keys(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
                &mut used,
            );
        }
        assert!(
            used.keys.len() > 50,
            "found only {} keys in use",
            used.keys.len()
        );
        assert!(
            used.plurals.len() > 5,
            "found only {} plurals",
            used.plurals.len()
        );
        let unknown: Vec<_> = used
            .keys
            .iter()
            .filter(|key| !english.contains_key(key.as_str()))
            .collect();
        assert!(
            unknown.is_empty(),
            "keys used but not in the catalogues: {unknown:?}"
        );
        // A count needs its `.other` form, and its `.one` form in languages that have one.
        for key in &used.plurals {
            for lang in Lang::ALL {
                assert!(
                    catalogue(lang).contains_key(format!("{key}.other").as_str()),
                    "{lang}: no {key}.other"
                );
                if lang != Lang::Zh {
                    assert!(
                        catalogue(lang).contains_key(format!("{key}.one").as_str()),
                        "{lang}: no {key}.one"
                    );
                }
            }
        }
    }

    #[test]
    fn chinese_puts_no_space_beside_its_numbers() {
        for (key, text) in catalogue(Lang::Zh) {
            for placeholder in ["{count}", "{max}", "{min}", "{minutes}", "{number}"] {
                let Some((before, after)) = text.split_once(placeholder) else {
                    continue;
                };
                let spaced = |c: Option<char>| c == Some(' ');
                let han = |c: Option<char>| c.is_some_and(|c| c > '\u{2e80}');
                let spaced_before = spaced(before.chars().next_back())
                    && han(before.trim_end().chars().next_back());
                let spaced_after =
                    spaced(after.chars().next()) && han(after.trim_start().chars().next());
                assert!(
                    !spaced_before && !spaced_after,
                    "zh: {key}: no space between Chinese and a number: {text}"
                );
            }
        }
    }

    /// Catalogue keys the code names.
    #[derive(Default)]
    struct Used {
        /// Plain keys: `t("key")`, `tf("key", …)`, `tf1`, `tf2`, `Message::new("key")`.
        keys: BTreeSet<String>,
        /// Counted keys, `plural("key", n)`, each with `.one`/`.other` forms.
        plurals: BTreeSet<String>,
    }

    /// Keys appear as the first argument of the functions above in templates and code.
    fn collect_keys(dir: std::path::PathBuf, used: &mut Used) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_keys(path, used);
            } else if path.extension().is_some_and(|e| e == "html" || e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let pieces: Vec<&str> = text.split("(\"").collect();
                for (before, piece) in pieces.iter().zip(pieces.iter().skip(1)) {
                    // The whole name before `(`, not the end of another (`asset(`, `is_host(`).
                    let name: String = before
                        .chars()
                        .rev()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                    let set = match name.as_str() {
                        "t" | "tf" | "tf1" | "tf2" | "Message::new" => &mut used.keys,
                        "plural" | "tf_plural" | "plural_parts" | "Message::plural" => {
                            &mut used.plurals
                        }
                        _ => continue,
                    };
                    if let Some(key) = piece.split('"').next()
                        && !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                        && key.contains('.')
                    {
                        set.insert(key.to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn dates_and_lists_follow_the_locale() {
        let day = date!(2023 - 09 - 05);
        assert_eq!(Lang::En.long_date(day), "5 September 2023");
        assert_eq!(Lang::Zh.long_date(day), "2023年9月5日");
        assert_eq!(Lang::Ur.long_date(day), "5 ستمبر 2023");
        assert_eq!(
            Lang::Zh.date_range(date!(2023 - 09 - 02), day),
            "2023年9月2日至5日"
        );
        assert_eq!(
            Lang::Ur.date_range(date!(2023 - 09 - 02), day),
            "2 تا 5 ستمبر 2023"
        );
        let names = ["A".to_owned(), "B".to_owned(), "C".to_owned()];
        assert_eq!(Lang::En.and_list(&names), "A, B and C");
        assert_eq!(Lang::Zh.and_list(&names), "A、B和C");
        assert_eq!(Lang::Ur.and_list(&names[..2]), "A اور B");
    }

    #[test]
    fn paths_split_into_language_and_page() {
        let locale = Locale::from_path("/zh/speakers/moin-ul-haque");
        assert_eq!(
            (locale.lang, locale.path.as_str()),
            (Lang::Zh, "/speakers/moin-ul-haque")
        );
        let locale = Locale::from_path("/ur");
        assert_eq!((locale.lang, locale.path.as_str()), (Lang::Ur, "/"));
        let locale = Locale::from_path("/zhx");
        assert_eq!((locale.lang, locale.path.as_str()), (Lang::En, "/zhx"));
        assert_eq!(Lang::Zh.href("/"), "/zh");
        assert_eq!(Lang::Ur.href("/agreements"), "/ur/agreements");
        assert_eq!(Lang::En.href("/"), "/");
    }

    #[test]
    fn accept_language_negotiation() {
        assert_eq!(negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(negotiate("en-GB,en;q=0.9,ur;q=0.8"), Some(Lang::En));
        assert_eq!(negotiate("ur-PK"), Some(Lang::Ur));
        assert_eq!(negotiate("fr-FR,de;q=0.5"), None);
        assert_eq!(negotiate("fr, ur;q=0.4, zh;q=0.6"), Some(Lang::Zh));
        assert_eq!(negotiate(""), None);
    }
}
