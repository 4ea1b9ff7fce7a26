//! Locale formats: dates, times, numbers, plurals, and the punctuation and isolation that
//! keep them readable inside a sentence, in every language (public pages and the admin alike).

use std::borrow::Cow;

use time::{Date, OffsetDateTime, UtcOffset};

use super::Lang;

/// A date, or a reference to one at any depth (templates pass `&&Date`).
pub trait DateLike {
    /// The date itself.
    fn to_date(&self) -> Date;
}

impl DateLike for Date {
    fn to_date(&self) -> Date {
        *self
    }
}

impl<T: DateLike + ?Sized> DateLike for &T {
    fn to_date(&self) -> Date {
        (**self).to_date()
    }
}

/// A number of things, or a reference to one (templates pass `&i64`, `&usize`).
pub trait Count {
    /// The number, saturated into an `i64`.
    fn count(&self) -> i64;
}

macro_rules! count_for {
    ($($type:ty),*) => {$(
        impl Count for $type {
            fn count(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count_for!(i64, i32, u32, u64, usize);

impl<T: Count + ?Sized> Count for &T {
    fn count(&self) -> i64 {
        (**self).count()
    }
}

/// The CLDR plural categories our languages use for whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    /// English and Urdu: exactly 1.
    One,
    /// Everything else; Chinese has only this.
    Other,
}

impl PluralCategory {
    /// The suffix of the catalogue key holding this form (`home.speakers.one`).
    pub fn suffix(self) -> &'static str {
        match self {
            Self::One => "one",
            Self::Other => "other",
        }
    }
}

/// Unicode FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: text between them takes its
/// direction from its own first letter and cannot reorder the sentence around it.
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

const URDU_MONTHS: [&str; 12] = [
    "جنوری",
    "فروری",
    "مارچ",
    "اپریل",
    "مئی",
    "جون",
    "جولائی",
    "اگست",
    "ستمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
];

/// The ISO form for `<time datetime>`.
pub fn iso_date(date: impl DateLike) -> String {
    let date = date.to_date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl Lang {
    /// "5 September 2023", "2023年9月5日", "5 ستمبر 2023".
    pub fn long_date(self, date: impl DateLike) -> String {
        let date = date.to_date();
        let month = u8::from(date.month());
        match self {
            Self::En => format!("{} {} {}", date.day(), date.month(), date.year()),
            Self::Zh => format!("{}年{}月{}日", date.year(), month, date.day()),
            Self::Ur => format!(
                "{} {} {}",
                date.day(),
                URDU_MONTHS[usize::from(month) - 1],
                date.year()
            ),
        }
    }

    /// A span of days: "2–6 September 2023", "2023年9月2日至6日", "2 تا 6 ستمبر 2023"
    /// (or one date when they coincide).
    pub fn date_range(self, start: impl DateLike, end: impl DateLike) -> String {
        let (start, end) = (start.to_date(), end.to_date());
        if start == end {
            return self.long_date(start);
        }
        let same_year = start.year() == end.year();
        let same_month = same_year && start.month() == end.month();
        match (self, same_month) {
            (Self::En, true) => format!(
                "{}–{} {} {}",
                start.day(),
                end.day(),
                end.month(),
                end.year()
            ),
            (Self::En, false) if same_year => format!(
                "{} {} – {}",
                start.day(),
                start.month(),
                self.long_date(end)
            ),
            (Self::En, false) => format!("{} – {}", self.long_date(start), self.long_date(end)),
            (Self::Zh, true) => format!(
                "{}年{}月{}日至{}日",
                start.year(),
                u8::from(start.month()),
                start.day(),
                end.day()
            ),
            (Self::Zh, false) => format!("{}至{}", self.long_date(start), self.long_date(end)),
            (Self::Ur, true) => format!(
                "{} تا {} {} {}",
                start.day(),
                end.day(),
                URDU_MONTHS[usize::from(u8::from(end.month())) - 1],
                end.year()
            ),
            (Self::Ur, false) => format!("{} تا {}", self.long_date(start), self.long_date(end)),
        }
    }

    /// When something happened, in UTC: "28 November 2026, 07:11 UTC",
    /// "2026年11月28日07:11（UTC）", "28 نومبر 2026، 07:11 UTC".
    pub fn date_time(self, at: OffsetDateTime) -> String {
        let at = at.to_offset(UtcOffset::UTC);
        let date = self.long_date(at.date());
        let (hour, minute) = (at.hour(), at.minute());
        match self {
            Self::En => format!("{date}, {hour:02}:{minute:02} UTC"),
            Self::Zh => format!("{date}{hour:02}:{minute:02}（UTC）"),
            Self::Ur => format!("{date}، {hour:02}:{minute:02} UTC"),
        }
    }

    /// A whole number with its thousands grouped: "1,234" (all three languages write Western
    /// digits with comma grouping: CLDR's default for `ur` is Latin digits).
    pub fn number(self, n: impl Count) -> String {
        let n = n.count();
        let digits = n.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            grouped.push('-');
        }
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        grouped
    }

    /// The CLDR plural category of a whole number: English and Urdu say "one" for exactly 1
    /// (`i = 1 and v = 0`); Chinese does not inflect.
    pub fn plural_category(self, n: impl Count) -> PluralCategory {
        match (self, n.count()) {
            (Self::Zh, _) => PluralCategory::Other,
            (_, 1) => PluralCategory::One,
            _ => PluralCategory::Other,
        }
    }

    /// The form of `key` (`key.one` / `key.other` in the catalogues) for `count`, with
    /// `{count}` filled in: "1 organisation", "11 organisations", "11家机构", "1 ادارہ", "11 ادارے".
    pub fn plural(self, key: &str, count: impl Count) -> String {
        self.tf_plural(key, count, &[])
    }

    /// [`Lang::plural`] with more placeholders than `{count}`.
    pub fn tf_plural(self, key: &str, count: impl Count, values: &[(&str, &str)]) -> String {
        let count = count.count();
        self.fill(self.plural_form(key, count), values)
            .replace("{count}", &self.number(count))
    }

    /// [`Lang::plural`] split around the number, for pages that set the number apart:
    /// ("", "7", " exhibitors named in the report…"), ("报告提及", "4", "位演讲嘉宾").
    pub fn plural_parts(self, key: &str, count: impl Count) -> (String, String, String) {
        let count = count.count();
        let form = self.plural_form(key, count);
        let number = self.number(count);
        match form.split_once("{count}") {
            Some((before, after)) => (before.to_owned(), number, after.to_owned()),
            None => (form.to_owned(), String::new(), String::new()),
        }
    }

    fn plural_form(self, key: &str, count: i64) -> &'static str {
        let category = self.plural_category(count);
        self.t_opt(&format!("{key}.{}", category.suffix()))
            .unwrap_or_else(|| self.t(&format!("{key}.other")))
    }

    /// What follows a label before its value: ": ", "：", ": ".
    pub fn colon(self) -> &'static str {
        match self {
            Self::Zh => "：",
            _ => ": ",
        }
    }

    /// What goes between two items of a list written out in a page (`last`: before the last
    /// one): ", " and " and ", "、" and "和", "، " and " اور " — as [`Lang::and_list`] joins them.
    pub fn separator(self, last: impl std::borrow::Borrow<bool>) -> String {
        let last = *last.borrow();
        let word = if last {
            self.t("list.and")
        } else {
            self.t("list.comma")
        };
        match (self, last) {
            (Self::Zh, _) => word.to_owned(),
            (_, true) => format!(" {word} "),
            (_, false) => format!("{word} "),
        }
    }

    /// The space between a label and what follows it: none after full-width punctuation
    /// ("签署方：ZBRA"), a space otherwise ("Between ZBRA").
    pub fn gap_after(self, label: &str) -> &'static str {
        let full_width = label.chars().next_back().is_some_and(|c| {
            ('\u{3000}'..='\u{303f}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
        });
        if full_width { "" } else { " " }
    }

    /// Brackets around an aside, such as an acronym: " (" and ")", or full-width "（" and "）".
    pub fn open_paren(self) -> &'static str {
        match self {
            Self::Zh => "（",
            _ => " (",
        }
    }

    /// See [`Lang::open_paren`].
    pub fn close_paren(self) -> &'static str {
        match self {
            Self::Zh => "）",
            _ => ")",
        }
    }

    /// What joins a title to what follows it: " – ", "——", " – ".
    pub fn dash(self) -> &'static str {
        match self {
            Self::Zh => "——",
            _ => " – ",
        }
    }

    /// What separates two parts of one line (a publisher and a date): ", ", "，", "، ".
    pub fn comma(self) -> &'static str {
        match self {
            Self::En => ", ",
            Self::Zh => "，",
            Self::Ur => "، ",
        }
    }

    /// `text` as a directional isolate when this language runs right to left, so that Latin
    /// names, e-mail addresses and dates keep their own order and cannot pull the words and
    /// numbers around them out of place (left-to-right pages need none: their sentences and
    /// these values run the same way).
    pub fn isolate<'a>(self, text: &'a str) -> Cow<'a, str> {
        if self.dir() == "rtl" && !text.is_empty() {
            Cow::Owned(format!("{FSI}{text}{PDI}"))
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Fill `{name}` placeholders of `text` with `values`, each isolated (see [`Lang::isolate`]).
    pub(super) fn fill(self, text: &str, values: &[(&str, &str)]) -> String {
        let mut text = text.to_owned();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), &self.isolate(value));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn dates_in_every_language() {
        let day = date!(2023 - 09 - 05);
        assert_eq!(iso_date(day), "2023-09-05");
        assert_eq!(Lang::En.long_date(day), "5 September 2023");
        assert_eq!(Lang::Zh.long_date(day), "2023年9月5日");
        assert_eq!(Lang::Ur.long_date(day), "5 ستمبر 2023");
        let (start, end) = (date!(2023 - 09 - 02), date!(2023 - 09 - 06));
        assert_eq!(Lang::En.date_range(start, end), "2–6 September 2023");
        assert_eq!(Lang::Zh.date_range(start, end), "2023年9月2日至6日");
        assert_eq!(Lang::Ur.date_range(start, end), "2 تا 6 ستمبر 2023");
        assert_eq!(
            Lang::En.date_range(date!(2023 - 08 - 30), end),
            "30 August – 6 September 2023"
        );
        assert_eq!(
            Lang::En.date_range(date!(2022 - 12 - 30), end),
            "30 December 2022 – 6 September 2023"
        );
        assert_eq!(
            Lang::Zh.date_range(date!(2023 - 08 - 30), end),
            "2023年8月30日至2023年9月6日"
        );
        assert_eq!(Lang::Ur.date_range(end, end), "6 ستمبر 2023");
    }

    #[test]
    fn times_in_every_language_in_utc() {
        let at = datetime!(2026-11-28 12:11 +05:00);
        assert_eq!(Lang::En.date_time(at), "28 November 2026, 07:11 UTC");
        assert_eq!(Lang::Zh.date_time(at), "2026年11月28日07:11（UTC）");
        assert_eq!(Lang::Ur.date_time(at), "28 نومبر 2026، 07:11 UTC");
    }

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(Lang::En.number(7), "7");
        assert_eq!(Lang::Zh.number(1234_usize), "1,234");
        assert_eq!(Lang::Ur.number(-1_234_567_i64), "-1,234,567");
        assert_eq!(Lang::En.number(100_000), "100,000");
    }

    #[test]
    fn plural_categories_follow_cldr() {
        for n in [0, 2, 5, 11, 21, 101] {
            assert_eq!(Lang::En.plural_category(n), PluralCategory::Other, "{n}");
            assert_eq!(Lang::Ur.plural_category(n), PluralCategory::Other, "{n}");
        }
        assert_eq!(Lang::En.plural_category(1), PluralCategory::One);
        assert_eq!(Lang::Ur.plural_category(1), PluralCategory::One);
        for n in [0, 1, 2, 11] {
            assert_eq!(Lang::Zh.plural_category(n), PluralCategory::Other, "{n}");
        }
    }

    #[test]
    fn english_counts_agree_with_their_noun() {
        assert_eq!(Lang::En.plural("organisations.count", 1), "1 organisation");
        assert_eq!(
            Lang::En.plural("organisations.count", 11),
            "11 organisations"
        );
        assert_eq!(Lang::En.plural("organisations.count", 0), "0 organisations");
        assert_eq!(Lang::En.plural("speakers.statements", 1), "1 statement");
        assert_eq!(Lang::En.plural("admin.count", 1_500), "1,500 entries");
    }

    #[test]
    fn urdu_counts_use_singular_and_plural_nouns() {
        assert_eq!(Lang::Ur.plural("organisations.count", 1), "1 ادارہ");
        assert_eq!(Lang::Ur.plural("organisations.count", 11), "11 ادارے");
        assert_eq!(Lang::Ur.plural("speakers.statements", 1), "1 بیان");
        assert_eq!(Lang::Ur.plural("speakers.statements", 4), "4 بیانات");
    }

    #[test]
    fn chinese_counts_have_one_form_and_no_space_before_the_measure_word() {
        assert_eq!(Lang::Zh.plural("organisations.count", 1), "1家机构");
        assert_eq!(Lang::Zh.plural("organisations.count", 11), "11家机构");
        assert_eq!(Lang::Zh.plural("speakers.statements", 2), "2条发言");
    }

    #[test]
    fn counts_split_around_their_number() {
        assert_eq!(
            Lang::En.plural_parts("organisations.count", 1),
            ("".to_owned(), "1".to_owned(), " organisation".to_owned())
        );
        let (before, number, after) = Lang::Zh.plural_parts("home.speakers", 4);
        assert_eq!(number, "4");
        assert!(!before.ends_with(' ') && !after.starts_with(' '));
    }

    #[test]
    fn punctuation_between_the_parts_of_a_line() {
        assert_eq!(Lang::En.separator(false), ", ");
        assert_eq!(Lang::En.separator(true), " and ");
        assert_eq!(Lang::Zh.separator(false), "、");
        assert_eq!(Lang::Zh.separator(true), "和");
        assert_eq!(Lang::Ur.separator(true), " اور ");
        assert_eq!(Lang::Ur.separator(false), "، ");
        assert_eq!(Lang::Zh.gap_after("签署方："), "");
        assert_eq!(Lang::En.gap_after("Between"), " ");
        assert_eq!(Lang::Ur.gap_after("فریقین:"), " ");
        assert_eq!(Lang::Zh.open_paren(), "（");
        assert_eq!(Lang::En.open_paren(), " (");
    }

    #[test]
    fn placeholders_are_isolated_only_on_right_to_left_pages() {
        let values = [("who", "admin@example.org")];
        assert_eq!(Lang::En.fill("by {who}", &values), "by admin@example.org");
        assert_eq!(
            Lang::Ur.fill("{who} نے", &values),
            "\u{2068}admin@example.org\u{2069} نے"
        );
    }

    /// The Urdu change line reads right to left as written: the kind of entry, its (English)
    /// title, who changed it, then the day, month, year and time. Without isolation the title
    /// and the e-mail address, with the punctuation between them, became one left-to-right
    /// run, so a reader met the address before the title.
    #[test]
    fn an_urdu_sentence_with_latin_values_displays_in_reading_order() {
        use unicode_bidi::{BidiInfo, Level};
        let at = datetime!(2026-11-28 07:11 UTC);
        let line = Lang::Ur.tf(
            "admin.change_line",
            &[
                ("entity", Lang::Ur.t("entity.organisations.one")),
                ("title", "NETSOL Technologies"),
                ("action", Lang::Ur.t("admin.history.update")),
                ("who", "admin@example.org"),
                ("at", &Lang::Ur.date_time(at)),
            ],
        );
        let info = BidiInfo::new(&line, Some(Level::rtl()));
        let paragraph = &info.paragraphs[0];
        let shown = info.reorder_line(paragraph, paragraph.range.clone());
        // Displayed left to right; read from the right.
        let place = |needle: &str| {
            shown
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} missing from {shown}"))
        };
        let order = [
            "NETSOL Technologies",
            "admin@example.org",
            "28",
            "2026",
            "07:11",
        ];
        for pair in order.windows(2) {
            assert!(
                place(pair[0]) > place(pair[1]),
                "{} is read before {}: {shown}",
                pair[1],
                pair[0]
            );
        }
    }
}
