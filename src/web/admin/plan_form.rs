//! The floor plan's part of admin forms: lengths on a plan typed as decimal numbers, a booth's
//! place given whole (x, y, width, height) and only with a hall, and the database's own checks
//! (inside the hall, no overlap, a hall not shrunk under its booths) turned into form errors.

use serde_json::{Map, Value};

use super::form::FieldError;
use super::spec::{EntitySpec, PLAN_LENGTH_MAX};
use crate::i18n::Lang;

/// The four columns that place a booth on its hall's plan.
const PLACE: [&str; 4] = ["plan_x", "plan_y", "plan_width", "plan_height"];

/// The two columns that size a hall's plan.
const SIZE: [&str; 2] = ["plan_width", "plan_height"];

/// Parse a length on a plan: digits (ASCII, Arabic-Indic, Urdu or full-width), an optional
/// decimal point (`.`, `٫` or `．`) and at most two decimals, from 0 to [`PLAN_LENGTH_MAX`]
/// (above 0 when `positive`). Stored as a JSON number.
pub fn parse_length(text: &str, positive: bool, lang: Lang) -> Result<Value, String> {
    let refused = || {
        lang.tf(
            if positive {
                "form.plan_positive"
            } else {
                "form.plan_number"
            },
            &[("max", &lang.number(PLAN_LENGTH_MAX as usize))],
        )
    };
    let hundredths = hundredths(text).ok_or_else(refused)?;
    let max = (PLAN_LENGTH_MAX as i64) * 100;
    if hundredths > max || (positive && hundredths == 0) {
        return Err(refused());
    }
    // Exactly representable to two decimals once printed (shortest round trip).
    Ok(Value::from(hundredths as f64 / 100.0))
}

/// `text` as a whole number of hundredths, if it is a plain decimal with at most two decimals.
fn hundredths(text: &str) -> Option<i64> {
    let mut whole: i64 = 0;
    let mut fraction: Vec<i64> = Vec::new();
    let mut digits = 0;
    let mut after_point = false;
    for c in text.chars() {
        if matches!(c, '.' | '\u{066B}' | '\u{FF0E}') {
            if after_point {
                return None;
            }
            after_point = true;
            continue;
        }
        let digit = i64::from(ascii_digit(c)?);
        if after_point {
            fraction.push(digit);
            if fraction.len() > 2 {
                return None;
            }
        } else {
            digits += 1;
            // More digits than any accepted length has: refuse before overflowing.
            if digits > 7 {
                return None;
            }
            whole = whole * 10 + digit;
        }
    }
    if digits == 0 && fraction.is_empty() {
        return None;
    }
    let tenths = fraction.first().copied().unwrap_or(0);
    let rest = fraction.get(1).copied().unwrap_or(0);
    Some(whole * 100 + tenths * 10 + rest)
}

/// The value of a decimal digit in any of the scripts people type numbers in here.
fn ascii_digit(c: char) -> Option<u32> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    Some(c as u32 - zero as u32)
}

/// A booth's place is given whole or not at all, and only with a hall; a hall's size has both
/// its width and its height or neither. (Inside the hall and overlaps are the database's checks,
/// see [`constraint_error`].) Adds errors for `spec`'s form; other entities are left alone.
pub fn check_booth_place(
    spec: &EntitySpec,
    values: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
    lang: Lang,
) {
    let group: &[&str] = match spec.key {
        "booths" => &PLACE,
        "halls" => &SIZE,
        _ => return,
    };
    // Columns refused for their own reasons are left out: their errors say enough.
    let parsed: Vec<&str> = group
        .iter()
        .copied()
        .filter(|column| values.contains_key(*column))
        .collect();
    let given: Vec<&str> = parsed
        .iter()
        .copied()
        .filter(|column| !values[*column].is_null())
        .collect();
    if given.is_empty() {
        return;
    }
    let key = if spec.key == "booths" {
        "form.plan_complete"
    } else {
        "form.plan_size_complete"
    };
    for column in parsed.iter().filter(|column| !given.contains(column)) {
        errors.push(FieldError {
            column: (*column).to_owned(),
            label: spec.label_of(column, lang),
            message: lang.t(key).to_owned(),
        });
    }
    if spec.key == "booths" && values.get("hall_id").is_some_and(Value::is_null) {
        errors.push(FieldError {
            column: "hall_id".to_owned(),
            label: spec.label_of("hall_id", lang),
            message: lang.t("form.plan_needs_hall").to_owned(),
        });
    }
}

/// The form error for a floor-plan check the database refused a save with (migration 0015
/// names each), or `None` when the constraint is none of them. `detail` is the database's
/// detail: for an overlap, the other booth's label.
pub fn constraint_error(
    spec: &EntitySpec,
    constraint: &str,
    detail: Option<&str>,
    lang: Lang,
) -> Option<FieldError> {
    let (column, message) = match constraint {
        "booths_plan_hall_unsized" => ("hall_id", lang.t("form.plan_unsized").to_owned()),
        "booths_plan_needs_hall" => ("hall_id", lang.t("form.plan_needs_hall").to_owned()),
        "booths_plan_complete" => ("plan_x", lang.t("form.plan_complete").to_owned()),
        "booths_plan_inside_hall" => ("plan_x", lang.t("form.plan_outside").to_owned()),
        "booths_plan_overlap" => (
            "plan_x",
            lang.tf("form.plan_overlap", &[("other", detail.unwrap_or("?"))]),
        ),
        "halls_plan_holds_booths" => ("plan_width", lang.t("form.plan_shrinks").to_owned()),
        "halls_plan_size_complete" => ("plan_width", lang.t("form.plan_size_complete").to_owned()),
        _ => return None,
    };
    Some(FieldError {
        column: column.to_owned(),
        label: spec.label_of(column, lang),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::admin::spec;

    #[test]
    fn lengths_are_decimals_with_two_places_in_any_digits() {
        let ok = |text: &str| parse_length(text, false, Lang::En).map(|v| v.to_string());
        assert_eq!(ok("12").unwrap(), "12.0");
        assert_eq!(ok("12.5").unwrap(), "12.5");
        assert_eq!(ok(".25").unwrap(), "0.25");
        assert_eq!(ok("0").unwrap(), "0.0");
        assert_eq!(ok("۱۲٫۵").unwrap(), "12.5");
        assert_eq!(ok("１２．０５").unwrap(), "12.05");
        assert_eq!(ok("10000").unwrap(), "10000.0");
        for bad in [
            "",
            ".",
            "1.234",
            "10000.01",
            "-1",
            "1e3",
            "1,5",
            "abc",
            "1.2.3",
            "99999999999",
        ] {
            assert!(ok(bad).is_err(), "{bad} accepted");
        }
        assert!(parse_length("0", true, Lang::En).is_err());
        assert!(parse_length("0.01", true, Lang::En).is_ok());
    }

    #[test]
    fn a_place_is_whole_and_needs_a_hall() {
        let booths = spec::find("booths").unwrap();
        let mut values = Map::new();
        values.insert("hall_id".into(), Value::Null);
        values.insert("plan_x".into(), Value::from(1.0));
        values.insert("plan_y".into(), Value::Null);
        values.insert("plan_width".into(), Value::from(2.0));
        values.insert("plan_height".into(), Value::Null);
        let mut errors = Vec::new();
        check_booth_place(booths, &values, &mut errors, Lang::En);
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["plan_y", "plan_height", "hall_id"]);

        for column in PLACE {
            values.insert(column.into(), Value::Null);
        }
        let mut errors = Vec::new();
        check_booth_place(booths, &values, &mut errors, Lang::En);
        assert!(errors.is_empty(), "an unplaced booth needs no hall");
    }
}
