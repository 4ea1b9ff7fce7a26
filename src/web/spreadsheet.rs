//! Cells of the CSV files people open in spreadsheet programs. A cell that starts like a
//! formula (`=`, `+`, `-`, `@`, a tab or a carriage return, or the full-width forms that
//! spreadsheets in Chinese settings also take) would be run by the program that opens the
//! file: its text was written by an editor or a translator, whom the reader of the file has no
//! reason to trust with running formulas on their computer (OWASP, "CSV injection"). Such a
//! cell is written with a `'` in front, which spreadsheets show as text.

/// What a spreadsheet takes as the start of a formula.
const FORMULA_STARTS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

fn is_formula(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// `text` as a spreadsheet will show it, never run it: for files that are only read (the
/// public downloads).
pub fn neutralise(text: String) -> String {
    if is_formula(&text) {
        format!("'{text}")
    } else {
        text
    }
}

/// `text` for a file that comes back through an import (the admin's lists): neutralised, and
/// reversibly so — a text that already starts with quotes before a formula gets one more, so
/// that [`read_back`] returns exactly what was written.
pub fn guard(text: String) -> String {
    if is_formula(text.trim_start_matches('\'')) {
        format!("'{text}")
    } else {
        text
    }
}

/// A cell of an imported file as it was before [`guard`].
pub fn read_back(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if is_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_not_run() {
        for formula in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＠x"] {
            assert_eq!(neutralise(formula.to_owned()), format!("'{formula}"));
            assert_eq!(guard(formula.to_owned()), format!("'{formula}"));
        }
        for plain in ["", "Pakistan", "'quoted", "a=b", "巴基斯坦", "پاکستان"] {
            assert_eq!(neutralise(plain.to_owned()), plain);
            assert_eq!(guard(plain.to_owned()), plain);
        }
    }

    #[test]
    fn what_is_guarded_reads_back_as_written() {
        for text in [
            "", "=1+1", "'=1+1", "''=1+1", "-5", "'", "''", "'quoted", "plain", "＝x", "'＠x",
        ] {
            let cell = guard(text.to_owned());
            assert!(!is_formula(&cell), "{cell:?} would run");
            assert_eq!(read_back(&cell), text, "{cell:?}");
        }
    }
}
