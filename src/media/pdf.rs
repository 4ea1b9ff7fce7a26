//! Documents: a PDF parsed by `lopdf` (its structure, not only its first bytes), refused when
//! any object can run something in a reader: JavaScript, launch, submit or import actions,
//! automatic actions (`/AA`; an `/OpenAction` is an action like any other, checked by its `/S`)
//! or embedded files.
//! The PDF is stored as uploaded (a signed document must stay byte for byte what was signed).

use lopdf::{Dictionary, Document, Object};

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
    let document = Document::load_mem(bytes).map_err(|_| Refusal::NotAPdf)?;
    if document.objects.is_empty() || document.get_pages().is_empty() {
        return Err(Refusal::NotAPdf);
    }
    if active(&Object::Dictionary(document.trailer.clone()))
        || document.objects.values().any(active)
    {
        return Err(Refusal::ActivePdf);
    }
    Ok(CheckedPdf {
        digest: digest(bytes),
        byte_size: bytes.len(),
    })
}

/// Whether an object (or anything inside it) can act.
fn active(object: &Object) -> bool {
    match object {
        Object::Dictionary(dictionary) => active_dictionary(dictionary),
        Object::Stream(stream) => active_dictionary(&stream.dict),
        Object::Array(items) => items.iter().any(active),
        _ => false,
    }
}

fn active_dictionary(dictionary: &Dictionary) -> bool {
    dictionary.iter().any(|(key, value)| {
        ACTIVE_KEYS.contains(&key.as_slice())
            || (key.as_slice() == b"S"
                && matches!(value, Object::Name(name) if ACTIVE_ACTIONS.contains(&name.as_slice())))
            || active(value)
    })
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
}
