//! What a result shows: a link to the public page that shows the entry, its name in the page's
//! language, and an excerpt of the text that matched, with the matched words marked.
//!
//! The excerpt is the page-language version of the entry's texts where the words are found
//! there; else the version (in any language) where they are, said to be in that language. A
//! quote says, as the speaker's page does, whether it is the speaker's own words, reported, or
//! a translation — which is never presented as their words.

use super::highlight::{Highlighter, Part, split, window};
use crate::db::search::{
    AgreementHit, BoothHit, InitiativeHit, OrganisationHit, PersonHit, QuoteHit,
};
use crate::domain::LocalizedText;
use crate::domain::localized::in_latin_letters;
use crate::i18n::Lang;

/// The longest excerpt shown, in characters.
const EXCERPT_CHARS: usize = 240;

/// A text shown in a result.
#[derive(Debug, Clone)]
pub struct Excerpt {
    pub parts: Vec<Part>,
    /// The text's language, when it is not the page's (its `lang` and `dir`).
    pub lang: Option<Lang>,
    /// "(in Urdu)": said when the text is another language's version than the page's.
    pub in_language: Option<String>,
    /// Whether text was left out before and after.
    pub cut_before: bool,
    pub cut_after: bool,
}

impl Excerpt {
    /// `text` in language `text_lang` on a page in `page`, with matches marked, shortened
    /// to at most `max` characters around the first one (when `max` is some).
    fn new(
        text: &str,
        text_lang: Lang,
        page: Lang,
        highlighter: &Highlighter,
        max: Option<usize>,
    ) -> Self {
        let ranges = highlighter.ranges(text);
        let (start, end, cut_before, cut_after) = match max {
            Some(max) => window(text, &ranges, max),
            None => (0, text.len(), false, false),
        };
        let inside: Vec<(usize, usize)> = ranges
            .iter()
            .filter(|(s, e)| *s < end && *e > start)
            .map(|(s, e)| ((*s).max(start) - start, (*e).min(end) - start))
            .collect();
        let other = text_lang != page;
        Self {
            parts: split(&text[start..end], &inside),
            lang: other.then_some(text_lang),
            in_language: other.then(|| in_language(text_lang, page)),
            cut_before,
            cut_after,
        }
    }

    /// A name: in Latin letters on a Chinese or Urdu page it is marked English (as the
    /// public pages mark it), without saying so.
    fn name(text: &str, fallback: bool, page: Lang, highlighter: &Highlighter) -> Self {
        let english = fallback || in_latin_letters(text, page);
        let mut excerpt = Self::new(
            text,
            if english { Lang::En } else { page },
            page,
            highlighter,
            None,
        );
        if !fallback {
            excerpt.in_language = None;
        }
        excerpt
    }

    /// Whether any word is marked.
    fn has_match(&self) -> bool {
        self.parts.iter().any(|part| part.marked)
    }
}

/// "(in Urdu)" on a page in `page`.
fn in_language(text_lang: Lang, page: Lang) -> String {
    if text_lang == Lang::En {
        page.t("content.in_english").to_owned()
    } else {
        page.tf1("search.in_language", "language", text_lang.name_in(page))
    }
}

/// One result.
#[derive(Debug, Clone)]
pub struct ResultItem {
    /// The public page that shows the entry.
    pub href: String,
    /// Its name, in the page's language.
    pub title: Excerpt,
    /// What matched (or, when nothing shown matched, the start of its description).
    pub detail: Option<Excerpt>,
    /// What kind of statement a quote is.
    pub note: Option<String>,
}

/// A text of the entry an excerpt may come from.
#[derive(Clone, Copy)]
enum Field<'a> {
    Localized(&'a LocalizedText),
    /// A text in no particular language (a booth's label).
    Plain(&'a str),
}

impl<'a> Field<'a> {
    /// The version shown on a page in `lang` (else English) and its language.
    fn shown(self, lang: Lang) -> Option<(&'a str, Lang)> {
        match self {
            Self::Localized(text) => {
                let language = if text.is_fallback(lang) {
                    Lang::En
                } else {
                    lang
                };
                Some((text.plain(lang), language)).filter(|(t, _)| !t.trim().is_empty())
            }
            Self::Plain(text) => Some((text, lang)).filter(|(t, _)| !t.trim().is_empty()),
        }
    }

    /// The other languages' versions.
    fn others(self, lang: Lang) -> Vec<(&'a str, Lang)> {
        let shown = self.shown(lang).map(|(_, l)| l);
        match self {
            Self::Localized(text) => Lang::ALL
                .into_iter()
                .filter(|l| Some(*l) != shown)
                .filter_map(|l| text.get(l.code()).map(|t| (t, l)))
                .collect(),
            Self::Plain(_) => Vec::new(),
        }
    }
}

/// The texts an entry has, in order.
fn localized<'a, const N: usize>(texts: [Option<&'a LocalizedText>; N]) -> Vec<Field<'a>> {
    texts.into_iter().flatten().map(Field::Localized).collect()
}

/// The version to show of `fields` and its language: the page language's that matches, else
/// another language's that matches (`name` counts among those: a name found in its Chinese
/// version), else the first field's page-language version.
fn pick<'a>(
    fields: &[Field<'a>],
    name: Option<Field<'a>>,
    lang: Lang,
    highlighter: &Highlighter,
) -> Option<(&'a str, Lang)> {
    let matches = |text: &str| !highlighter.ranges(text).is_empty();
    fields
        .iter()
        .filter_map(|field| field.shown(lang))
        .find(|(text, _)| matches(text))
        .or_else(|| {
            name.iter()
                .chain(fields)
                .flat_map(|field| field.others(lang))
                .find(|(text, _)| matches(text))
        })
        .or_else(|| fields.iter().find_map(|field| field.shown(lang)))
}

/// The excerpt of `fields` for a result.
fn detail(
    fields: &[Field<'_>],
    name: Option<Field<'_>>,
    lang: Lang,
    highlighter: &Highlighter,
) -> Option<Excerpt> {
    pick(fields, name, lang, highlighter).map(|(text, text_lang)| {
        Excerpt::new(text, text_lang, lang, highlighter, Some(EXCERPT_CHARS))
    })
}

/// A name shown in the page's language, and a detail: the name's other versions are searched
/// for a match only when the shown name has none.
fn named(
    href: String,
    name: &LocalizedText,
    shown_name: &str,
    fields: &[Field<'_>],
    lang: Lang,
    highlighter: &Highlighter,
) -> ResultItem {
    let title = Excerpt::name(shown_name, name.is_fallback(lang), lang, highlighter);
    let other_names = (!title.has_match()).then_some(Field::Localized(name));
    ResultItem {
        href,
        detail: detail(fields, other_names, lang, highlighter),
        title,
        note: None,
    }
}

/// A person found: their page.
pub fn person(hit: &PersonHit, lang: Lang, highlighter: &Highlighter) -> ResultItem {
    let fields = localized([hit.role.as_ref(), hit.bio.as_ref()]);
    named(
        format!("{}{}", lang.href("/speakers/"), hit.slug),
        &hit.name,
        hit.name.plain(lang),
        &fields,
        lang,
        highlighter,
    )
}

/// An organisation found: its page.
pub fn organisation(hit: &OrganisationHit, lang: Lang, highlighter: &Highlighter) -> ResultItem {
    let fields = localized([hit.description.as_ref()]);
    named(
        format!("{}{}", lang.href("/organisations/"), hit.slug),
        &hit.name,
        &crate::db::display_name_in(&hit.name, hit.short_name.as_deref(), lang),
        &fields,
        lang,
        highlighter,
    )
}

/// An agreement found: its page.
pub fn agreement(hit: &AgreementHit, lang: Lang, highlighter: &Highlighter) -> ResultItem {
    let fields = localized([
        Some(&hit.kind),
        hit.description.as_ref(),
        hit.establishes.as_ref(),
    ]);
    named(
        format!("{}{}", lang.href("/agreements/"), hit.slug),
        &hit.title,
        hit.title.plain(lang),
        &fields,
        lang,
        highlighter,
    )
}

/// A booth found: its page, titled with its organisation's name as that page is.
pub fn booth(hit: &BoothHit, lang: Lang, highlighter: &Highlighter) -> ResultItem {
    let mut fields = localized([hit.note.as_ref()]);
    fields.extend(
        [hit.booth_label.as_deref(), hit.hall.as_deref()]
            .into_iter()
            .flatten()
            .map(Field::Plain),
    );
    named(
        format!("{}{}", lang.href("/exhibitors/"), hit.slug),
        &hit.organisation.name,
        &hit.organisation.display_name_in(lang),
        &fields,
        lang,
        highlighter,
    )
}

/// An initiative found: where the home page lists it.
pub fn initiative(hit: &InitiativeHit, lang: Lang, highlighter: &Highlighter) -> ResultItem {
    let fields = localized([hit.description.as_ref()]);
    named(
        format!("{}#initiative-{}", lang.href("/"), hit.slug),
        &hit.name,
        hit.name.plain(lang),
        &fields,
        lang,
        highlighter,
    )
}

/// A quote found: under its speaker's name, linking to the statements on the speaker's page.
/// The excerpt is the version that matched; the note says whose words it is, as the speaker's
/// page does: a translation is never the speaker's own wording.
pub fn quote(hit: &QuoteHit, lang: Lang, highlighter: &Highlighter) -> ResultItem {
    let name = hit.person.name.plain(lang);
    let (text, text_lang) = pick(&[Field::Localized(&hit.body)], None, lang, highlighter)
        .unwrap_or((hit.body.en(), Lang::En));
    let original = hit.body.original_lang().name_in(lang);
    let note = match (hit.body.is_translation(text_lang), hit.is_direct()) {
        (true, true) => lang.tf1("quote.direct_translated", "language", original),
        (true, false) => lang.tf1("quote.reported_translated", "language", original),
        (false, true) => lang.t("speaker.direct").to_owned(),
        (false, false) => lang.t("speaker.reported").to_owned(),
    };
    ResultItem {
        href: format!("{}{}#statements", lang.href("/speakers/"), hit.person.slug),
        title: Excerpt::name(name, hit.person.name.is_fallback(lang), lang, highlighter),
        detail: Some(Excerpt::new(
            text,
            text_lang,
            lang,
            highlighter,
            Some(EXCERPT_CHARS),
        )),
        note: Some(note),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::PersonRef;

    fn marked(excerpt: &Excerpt) -> Vec<&str> {
        excerpt
            .parts
            .iter()
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect()
    }

    fn translated(en: &str, zh: &str, ur: &str) -> LocalizedText {
        LocalizedText::english(en)
            .with(Lang::Zh, zh, true)
            .with(Lang::Ur, ur, true)
    }

    #[test]
    fn a_match_in_another_language_is_shown_in_that_language() {
        let hit = AgreementHit {
            slug: "a".into(),
            title: translated(
                "Strategic Cooperation Agreement",
                "战略合作协议",
                "اسٹریٹجک تعاون کا معاہدہ",
            ),
            kind: translated("MOU", "谅解备忘录", "مفاہمت کی یادداشت"),
            description: None,
            establishes: None,
        };
        let item = agreement(&hit, Lang::En, &Highlighter::new(&["合作".into()], &[]));
        let detail = item.detail.expect("a detail");
        assert_eq!(detail.lang, Some(Lang::Zh));
        assert_eq!(marked(&detail), ["合作"]);
        assert!(detail.in_language.is_some());
        assert!(marked(&item.title).is_empty());
    }

    #[test]
    fn a_translated_quote_is_not_the_speakers_wording() {
        let hit = QuoteHit {
            body: translated(
                "We signed MOUs.",
                "我们签署了谅解备忘录。",
                "ہم نے مفاہمت کی یادداشتوں پر دستخط کیے۔",
            ),
            kind: "direct".into(),
            person: PersonRef {
                slug: "x".into(),
                name: LocalizedText::english("Moin ul Haque"),
            },
        };
        let item = quote(&hit, Lang::Zh, &Highlighter::new(&["签署".into()], &[]));
        assert_eq!(
            item.note.as_deref(),
            Some(
                Lang::Zh
                    .tf1(
                        "quote.direct_translated",
                        "language",
                        Lang::En.name_in(Lang::Zh)
                    )
                    .as_str()
            )
        );
        let item = quote(&hit, Lang::Zh, &Highlighter::new(&["signed".into()], &[]));
        assert_eq!(item.note.as_deref(), Some(Lang::Zh.t("speaker.direct")));
        assert_eq!(item.detail.expect("the quote").lang, Some(Lang::En));
    }
}
