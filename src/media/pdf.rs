//! Documents: a PDF parsed strictly by `lopdf` (its structure, not only its first bytes; a
//! malformed object refuses the file rather than being skipped), refused when any object can
//! run something in a reader: JavaScript, launch, submit or import actions, automatic actions
//! (`/AA`), an `/OpenAction` other than a plain `/GoTo` within the document, or embedded files.
//! The raw bytes are scanned for the same names as a second net (what the parser reads and
//! what a reader reads may differ).
//! The PDF is stored as uploaded (a signed document must stay byte for byte what was signed).

use lopdf::{Dictionary, Document, LoadOptions, Object};

use super::{Refusal, check_size, digest};

/// Keys whose presence anywhere means the document can act or carries files.
const ACTIVE_KEYS: &[&[u8]] = &[
    b"JS",
    b"JavaScript",
    b"AA",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
];

/// Action types (`/S`) that run something or send something.
const ACTIVE_ACTIONS: &[&[u8]] = &[
    b"JavaScript",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"ResetForm",
    b"RichMediaExecute",
    b"Rendition",
    b"GoToE",
];

/// A PDF ready to store.
#[derive(Debug, Clone)]
pub struct CheckedPdf {
    pub digest: String,
    pub byte_size: usize,
}

/// Check that `bytes` are a readable PDF without active content.
pub fn check(bytes: &[u8]) -> Result<CheckedPdf, Refusal> {
    check_size(bytes)?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(Refusal::NotAPdf);
    }
    let options = LoadOptions {
        strict: true,
        ..LoadOptions::default()
    };
    let document = Document::load_mem_with_options(bytes, options).map_err(|_| Refusal::NotAPdf)?;
    if document.objects.is_empty() || document.get_pages().is_empty() {
        return Err(Refusal::NotAPdf);
    }
    if raw_names_active(bytes)
        || active(&document, &Object::Dictionary(document.trailer.clone()))
        || document
            .objects
            .values()
            .any(|object| active(&document, object))
    {
        return Err(Refusal::ActivePdf);
    }
    Ok(CheckedPdf {
        digest: digest(bytes),
        byte_size: bytes.len(),
    })
}

/// Names refused when they appear anywhere in the file's bytes (after `#xx` escapes are
/// decoded), whatever the parser made of the objects around them.
const RAW_NAMES: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
];

/// Whether the raw bytes name one of [`RAW_NAMES`] (`/JS`, `/J#53`…), as a whole name.
fn raw_names_active(bytes: &[u8]) -> bool {
    let is_regular = |b: u8| {
        !b.is_ascii_whitespace()
            && b != 0
            && !matches!(
                b,
                b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
            )
    };
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] != b'/' {
            index += 1;
            continue;
        }
        let mut name = Vec::new();
        let mut at = index + 1;
        while at < bytes.len() && is_regular(bytes[at]) {
            let hex = |b: u8| char::from(b).to_digit(16);
            match (bytes[at], bytes.get(at + 1), bytes.get(at + 2)) {
                (b'#', Some(&high), Some(&low)) if hex(high).is_some() && hex(low).is_some() => {
                    let value = hex(high).unwrap_or(0) * 16 + hex(low).unwrap_or(0);
                    name.push(u8::try_from(value).unwrap_or(0));
                    at += 3;
                }
                (byte, _, _) => {
                    name.push(byte);
                    at += 1;
                }
            }
        }
        if RAW_NAMES.contains(&name.as_slice()) {
            return true;
        }
        index = at.max(index + 1);
    }
    false
}

/// Whether an object (or anything inside it) can act.
fn active(document: &Document, object: &Object) -> bool {
    match object {
        Object::Dictionary(dictionary) => active_dictionary(document, dictionary),
        Object::Stream(stream) => active_dictionary(document, &stream.dict),
        Object::Array(items) => items.iter().any(|item| active(document, item)),
        _ => false,
    }
}

fn active_dictionary(document: &Document, dictionary: &Dictionary) -> bool {
    dictionary.iter().any(|(key, value)| {
        ACTIVE_KEYS.contains(&key.as_slice())
            || (key.as_slice() == b"OpenAction" && !plain_go_to(document, value, 0))
            || (key.as_slice() == b"S"
                && matches!(value, Object::Name(name) if ACTIVE_ACTIONS.contains(&name.as_slice())))
            || active(document, value)
    })
}

/// Whether an `/OpenAction` only shows a place in the document: a destination, or a `/GoTo`
/// action (and whatever follows it in `/Next`, the same).
fn plain_go_to(document: &Document, value: &Object, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let value = match value {
        Object::Reference(id) => match document.get_object(*id) {
            Ok(object) => object,
            Err(_) => return false,
        },
        other => other,
    };
    match value {
        Object::Array(_) | Object::Name(_) | Object::String(..) => true,
        Object::Dictionary(action) => {
            let is_go_to =
                matches!(action.get(b"S"), Ok(Object::Name(name)) if name.as_slice() == b"GoTo");
            let next_ok = match action.get(b"Next") {
                Ok(Object::Array(items)) => items
                    .iter()
                    .all(|item| plain_go_to(document, item, depth + 1)),
                Ok(next) => plain_go_to(document, next, depth + 1),
                Err(_) => true,
            };
            is_go_to && next_ok
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdfs_are_refused() {
        assert_eq!(
            check(b"%PDF-1.4 nothing else").unwrap_err(),
            Refusal::NotAPdf
        );
        assert_eq!(check(b"\x7fELF....").unwrap_err(), Refusal::NotAPdf);
    }

    #[test]
    fn escaped_names_are_found_in_the_raw_bytes() {
        assert!(raw_names_active(b"<< /S /J#61vaScript /J#53 (x) >>"));
        assert!(raw_names_active(b"<</Names<</EmbeddedFiles 5 0 R>>>>"));
        assert!(raw_names_active(b"/XFA[1 0 R]"));
        assert!(!raw_names_active(b"<< /JSON (x) /Type /Page /Jump 1 >>"));
    }
}
