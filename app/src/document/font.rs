//! The font of the documents: a CJK OpenType face read once at start-up and shared; krilla
//! embeds only the glyphs a document uses.

use super::*;

/// Environment variable overriding the font: `path` or `path#face-index`.
pub(super) const FONT_ENV: &str = "JIANDING_PDF_FONT";
/// Fonts tried in order when the variable is not set: the Simplified Chinese (SC) face of
/// Debian's `fonts-noto-cjk` collections (face 2 in both: JP, KR, SC, TC, HK).
pub(super) const DEFAULT_FONTS: [(&str, u32); 2] = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
];

/// A font for the document: the bytes of an OpenType font or collection and the face to use.
///
/// Reading a CJK collection means reading some 25 MB, so load it once (at start-up) and share
/// it; cloning is cheap (the bytes are reference-counted).
#[derive(Clone)]
pub struct PdfFont {
    pub(super) data: Arc<Vec<u8>>,
    pub(super) index: u32,
    pub(super) font: Font,
}

impl fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PdfFont")
            .field("bytes", &self.data.len())
            .field("index", &self.index)
            .finish()
    }
}

impl PdfFont {
    /// Debian's fonts-noto-cjk Serif (Simplified Chinese face of the .ttc); overridable by env
    /// JIANDING_PDF_FONT=path[#index].
    ///
    /// Without the variable, `/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc` face 2
    /// (Noto Serif CJK SC) is used, else the Sans collection's face 2 (Noto Sans CJK SC). When
    /// the variable names a path without `#index`, face 0 is used.
    pub fn from_env_or_default() -> io::Result<PdfFont> {
        if let Some(spec) = std::env::var_os(FONT_ENV).filter(|s| !s.is_empty()) {
            let spec = spec.to_string_lossy();
            let (path, index) = parse_font_spec(&spec);
            return PdfFont::load(FsPath::new(path), index);
        }
        let mut errors = Vec::new();
        for (path, index) in DEFAULT_FONTS {
            match PdfFont::load(FsPath::new(path), index) {
                Ok(font) => return Ok(font),
                Err(e) => errors.push(e.to_string()),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "no Chinese font for the PDF (install the fonts-noto-cjk package or set \
                 {FONT_ENV}=path[#index]): {}",
                errors.join("; ")
            ),
        ))
    }

    /// Reads the font file at `path` and checks that face `index` exists and has Chinese
    /// glyphs (`InvalidData` otherwise).
    pub fn load(path: &FsPath, index: u32) -> io::Result<PdfFont> {
        let data = std::fs::read(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        PdfFont::from_bytes(Arc::new(data), index).map_err(|m| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {m}", path.display()),
            )
        })
    }

    pub(super) fn from_bytes(data: Arc<Vec<u8>>, index: u32) -> Result<PdfFont, String> {
        let face = FontRef::from_index(data.as_slice(), index)
            .map_err(|e| format!("face {index} cannot be read: {e}"))?;
        if face.charmap().map('鉴').is_none() {
            return Err(format!("face {index} has no Chinese glyphs"));
        }
        let font = Font::new(Data::from(data.clone()), index)
            .ok_or_else(|| format!("face {index} is not a usable font"))?;
        Ok(PdfFont { data, index, font })
    }
}

/// `path#3` → (`path`, 3); a path without a numeric `#suffix` is face 0.
pub(super) fn parse_font_spec(spec: &str) -> (&str, u32) {
    match spec.rsplit_once('#') {
        Some((path, index)) => match index.parse() {
            Ok(i) => (path, i),
            Err(_) => (spec, 0),
        },
        None => (spec, 0),
    }
}
