//! The share cards' fonts: the site's own WOFF2 files (`static/fonts/`), decoded once to
//! OpenType and put in a font database of their own — never the machine's fonts, so a card
//! looks the same wherever it is drawn.
//!
//! Each file gets a family name of its own (`card-latin`, `card-urdu`, `card-sc-3`...), and
//! the card's text is cut into runs each drawn in one named face that has all its characters
//! (see [`CardFonts::face_for`]): Noto Sans SC is shipped as ~100 `unicode-range` parts, and
//! resvg's own fallback cannot mix a Nastaliq run with a Latin one in one shaped chunk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use resvg::usvg::fontdb;

/// A face a run of text is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// Noto Sans, Latin (regular and bold).
    Latin,
    /// Noto Nastaliq Urdu (regular only: Nastaliq is not set in bold).
    Urdu,
    /// One file of Noto Sans SC (regular only), by its place in [`CardFonts::chinese`].
    Chinese(u16),
}

impl Face {
    /// The family name the card's SVG asks for.
    pub fn family(self) -> String {
        match self {
            Self::Latin => "card-latin".to_owned(),
            Self::Urdu => "card-urdu".to_owned(),
            Self::Chinese(index) => format!("card-sc-{index}"),
        }
    }

    /// The weight to ask for: bold only where the face has a bold (Latin).
    pub fn weight(self, bold: bool) -> u16 {
        if bold && self == Self::Latin {
            700
        } else {
            400
        }
    }

    /// Whether the face draws Arabic script (its lines need more height).
    pub fn is_nastaliq(self) -> bool {
        self == Self::Urdu
    }
}

/// The decoded fonts and which face has each character.
pub struct CardFonts {
    /// The database resvg draws from: only these faces.
    pub db: Arc<fontdb::Database>,
    /// The face each character is drawn in (the first, in the order Latin, Urdu, Chinese,
    /// that has it).
    faces: HashMap<char, Face>,
}

impl std::fmt::Debug for CardFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardFonts")
            .field("faces", &self.db.len())
            .field("characters", &self.faces.len())
            .finish()
    }
}

/// The Latin files, by weight, under `static/`.
const LATIN: [(&str, u16); 2] = [
    ("fonts/noto-sans/noto-sans-latin-400-normal.woff2", 400),
    ("fonts/noto-sans/noto-sans-latin-700-normal.woff2", 700),
];

/// The whole Nastaliq (the pages use it cut in two; a card needs one face for whole words).
const URDU: &str = "fonts/noto-nastaliq-urdu/noto-nastaliq-urdu-arabic-400-normal.woff2";

/// The folder of Noto Sans SC's parts.
const CHINESE_DIR: &str = "fonts/noto-sans-sc";

impl CardFonts {
    /// Decode the fonts under `static_dir` (a few hundred milliseconds: call on a blocking
    /// thread, once — see [`CardFonts::shared`]).
    pub fn load(static_dir: &Path) -> anyhow::Result<Self> {
        let mut db = fontdb::Database::new();
        let mut faces = HashMap::new();
        for (file, weight) in LATIN {
            let data = decode(&static_dir.join(file))?;
            if weight == 400 {
                cover(&mut faces, &data, Face::Latin)?;
            }
            push(&mut db, data, Face::Latin, weight);
        }
        let data = decode(&static_dir.join(URDU))?;
        cover(&mut faces, &data, Face::Urdu)?;
        push(&mut db, data, Face::Urdu, 400);
        for (index, path) in chinese_files(&static_dir.join(CHINESE_DIR))?
            .into_iter()
            .enumerate()
        {
            let face = Face::Chinese(u16::try_from(index).context("too many font files")?);
            let data = decode(&path)?;
            cover(&mut faces, &data, face)?;
            push(&mut db, data, face, 400);
        }
        Ok(Self {
            db: Arc::new(db),
            faces,
        })
    }

    /// The fonts under `static_dir`, decoded on the first call for that folder and kept for
    /// the life of the process (every app and test over the same folder shares them).
    /// Blocking: call on a blocking thread.
    pub fn shared(static_dir: &Path) -> anyhow::Result<Arc<Self>> {
        static LOADED: Mutex<Vec<(PathBuf, Arc<CardFonts>)>> = Mutex::new(Vec::new());
        let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, fonts)) = loaded.iter().find(|(dir, _)| dir == static_dir) {
            return Ok(fonts.clone());
        }
        let fonts = Arc::new(Self::load(static_dir)?);
        loaded.push((static_dir.to_path_buf(), fonts.clone()));
        Ok(fonts)
    }

    /// The face `c` is drawn in, or `None` when none of the fonts has it.
    pub fn face_for(&self, c: char) -> Option<Face> {
        self.faces.get(&c).copied()
    }

    /// Whether `face` has a glyph for `c`.
    pub fn has(&self, face: Face, c: char) -> bool {
        // The Latin, Urdu and Chinese sets barely overlap (a space, a few marks): looking
        // the character up is enough for the one face that covers it first, and for the
        // others the spaces and punctuation a run keeps (see `text::runs`) are checked here.
        match self.faces.get(&c) {
            Some(found) if *found == face => true,
            _ => self.has_in_database(face, c),
        }
    }

    fn has_in_database(&self, face: Face, c: char) -> bool {
        let family = face.family();
        let Some(id) = self.db.faces().find(|info| {
            info.families
                .first()
                .is_some_and(|(name, _)| *name == family)
        }) else {
            return false;
        };
        self.db
            .with_face_data(id.id, |data, index| {
                ttf_parser::Face::parse(data, index)
                    .ok()
                    .and_then(|parsed| parsed.glyph_index(c))
                    .is_some()
            })
            .unwrap_or(false)
    }
}

/// A WOFF2 file decoded to OpenType.
fn decode(path: &Path) -> anyhow::Result<Vec<u8>> {
    let woff2 = std::fs::read(path)
        .with_context(|| format!("cannot read the share cards' font {}", path.display()))?;
    wuff::decompress_woff2(&woff2)
        .map_err(|error| anyhow::anyhow!("cannot decode {}: {error:?}", path.display()))
}

/// Record the characters of the font `data` not yet given a face as `face`'s.
fn cover(faces: &mut HashMap<char, Face>, data: &[u8], face: Face) -> anyhow::Result<()> {
    let parsed = ttf_parser::Face::parse(data, 0).context("a share card font does not parse")?;
    let Some(cmap) = parsed.tables().cmap else {
        bail!("a share card font has no character map");
    };
    for subtable in cmap.subtables {
        if !subtable.is_unicode() {
            continue;
        }
        subtable.codepoints(|code| {
            if let Some(c) = char::from_u32(code)
                && subtable.glyph_index(code).is_some_and(|glyph| glyph.0 != 0)
            {
                faces.entry(c).or_insert(face);
            }
        });
    }
    Ok(())
}

/// Add `data` to the database as `face` (its own family name) of `weight`.
fn push(db: &mut fontdb::Database, data: Vec<u8>, face: Face, weight: u16) {
    let family = face.family();
    db.push_face_info(fontdb::FaceInfo {
        id: fontdb::ID::dummy(),
        source: fontdb::Source::Binary(Arc::new(data)),
        index: 0,
        families: vec![(family.clone(), fontdb::Language::English_UnitedStates)],
        post_script_name: format!("{family}-{weight}"),
        style: fontdb::Style::Normal,
        weight: fontdb::Weight(weight),
        stretch: fontdb::Stretch::Normal,
        monospaced: false,
    });
}

/// Noto Sans SC's files: the "chinese-simplified" one (most common characters in one face,
/// so a name is drawn in few runs) first, then the numbered `unicode-range` parts in order.
fn chinese_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "woff2"))
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let number = name
                .strip_prefix("noto-sans-sc-")
                .and_then(|rest| rest.split('-').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            (number, path)
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no Noto Sans SC files in {}", dir.display());
    }
    Ok(files.into_iter().map(|(_, path)| path).collect())
}
