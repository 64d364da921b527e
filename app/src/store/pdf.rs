//! The sealed 鉴定意见书 as a printable A4 PDF, and the QR code of its verification address.
//!
//! The PDF is made **once, when the opinion is sealed**, and stored next to the sealed bundle
//! (`SealedOpinion`): a download serves the stored bytes, it never re-renders. The stored file is
//! therefore the very document the bureau issued, even if this layout changes later. Rendering
//! needs nothing but the bundle, the verification address and a font; it touches no database.
//!
//! # What the document holds, top to bottom
//!
//! A red-ruled title block (校外培训服务类别鉴定意见书, case number), then numbered sections in
//! the order a reader checks them: 基本情况 (institution, item, stage, county), 审查材料,
//! 鉴定活动 (with dates), 分维度鉴定意见 (each dimension with how many members rated it S, N
//! and U, then the panel's finding), 负面清单, 鉴定结论 (学科类 / 非学科类 / 待定, the
//! preschool prohibition and the supervision flag when set), 鉴定理由, 专家组成员意见 (each
//! member's name, own verdict and signing time, and the text of any dissent or remark), the
//! bureau's seal with the sealing time, and 核验信息: the SHA-256 digest, the verification code
//! and a QR code of the verification address. Every page carries a footer with the case number,
//! the verification code and "第 n 页 共 N 页", so loose printed pages can be matched.
//!
//! # Layout choices
//!
//! * One font, one face: a CJK OpenType face (by default Noto Serif CJK SC from Debian's
//!   `fonts-noto-cjk`, see [`PdfFont`]). krilla embeds only the glyphs used (a subset) and
//!   writes a ToUnicode map, so the PDF stays small and its text can be searched and copied.
//!   Headings are set in the same face with a thin stroke of the text colour (a faux bold), as
//!   the regular face is the only one loaded.
//! * Lines are wrapped by the glyph advances measured in the font (`skrifa` metrics), not by
//!   counting characters. A line may break between any two CJK characters; runs of Latin letters
//!   and digits break at spaces, and only when a single run is wider than the line (a digest, a
//!   URL) is it cut between characters. Closing punctuation never starts a line (it hangs into
//!   the margin instead) and opening brackets never end one.
//! * Layout happens first, into a list of pages of drawing operations; drawing comes second.
//!   That is how every footer knows the page count, and how a heading is kept with the first
//!   lines that follow it, and the seal and verification blocks are never split across pages.
//! * Times are printed in China time (UTC+8) as `2026年11月29日 16:05`.
//! * The verification code is also written, uncompressed and in plain ASCII, into the
//!   document information (`Subject` and `Keywords`, as `jianding-verify:CODE`), so that
//!   [`find_verify_code`] can find it in an uploaded file without a PDF parser.

use crate::domain::opinion::{Conclusion, SealedOpinion};
use crate::domain::sheet::ExpertVerdict;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use krilla::blend::BlendMode;
use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point, Rect, Transform};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Data, Document};
use qrcode::{EcLevel, QrCode};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::fmt;
use std::io;
use std::path::Path as FsPath;
use std::sync::Arc;

/// Environment variable overriding the font: `path` or `path#face-index`.
const FONT_ENV: &str = "JIANDING_PDF_FONT";
/// Fonts tried in order when the variable is not set: the Simplified Chinese (SC) face of
/// Debian's `fonts-noto-cjk` collections (face 2 in both: JP, KR, SC, TC, HK).
const DEFAULT_FONTS: [(&str, u32); 2] = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
];
/// Prefix of the verification code in the document information.
const VERIFY_PREFIX: &str = "jianding-verify:";

/// A font for the document: the bytes of an OpenType font or collection and the face to use.
///
/// Reading a CJK collection means reading some 25 MB, so load it once (at start-up) and share
/// it; cloning is cheap (the bytes are reference-counted).
#[derive(Clone)]
pub struct PdfFont {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
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

    fn from_bytes(data: Arc<Vec<u8>>, index: u32) -> Result<PdfFont, String> {
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
fn parse_font_spec(spec: &str) -> (&str, u32) {
    match spec.rsplit_once('#') {
        Some((path, index)) => match index.parse() {
            Ok(i) => (path, i),
            Err(_) => (spec, 0),
        },
        None => (spec, 0),
    }
}

// ---------------------------------------------------------------------------------------------
// Page geometry (PDF points, origin top left, y downwards as in krilla).

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const LEFT: f32 = 64.0;
const RIGHT: f32 = PAGE_W - 64.0;
const CONTENT_W: f32 = RIGHT - LEFT;
const TOP: f32 = 62.0;
/// Lowest y a body line may reach; the footer lives below.
const BOTTOM: f32 = PAGE_H - 74.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.62;
/// Distance from the centre of an em box to the baseline, as a multiple of the font size
/// (CJK faces: ascender 0.88, descender 0.12).
const CENTER_TO_BASELINE: f32 = 0.38;

const BODY: f32 = 11.0;
const SMALL: f32 = 9.5;
const HEADING: f32 = 13.0;
const TITLE: f32 = 22.0;
const SEAL_R: f32 = 54.0;
/// Height of the block holding the seal, the bureau's name and the sealing time.
const SEAL_BLOCK_H: f32 = 2.0 * SEAL_R + 10.0;
/// Space between the last signature and the seal, so that the seal's ring never touches the
/// text above it.
const SEAL_GAP: f32 = 26.0;
const QR_SIDE: f32 = 112.0;

type Rgb = (u8, u8, u8);
const BLACK: Rgb = (0, 0, 0);
const GREY: Rgb = (90, 90, 90);
const RED: Rgb = (200, 16, 30);
const SEAL_RED: Rgb = (220, 30, 40);

#[derive(Debug, Clone, Copy)]
struct Style {
    size: f32,
    color: Rgb,
    bold: bool,
}

const fn style(size: f32, color: Rgb, bold: bool) -> Style {
    Style { size, color, bold }
}

const BODY_STYLE: Style = style(BODY, BLACK, false);
const SMALL_STYLE: Style = style(SMALL, GREY, false);
const HEADING_STYLE: Style = style(HEADING, BLACK, true);

// ---------------------------------------------------------------------------------------------
// Measuring and wrapping.

/// Advance widths from the font's own metrics (`hmtx`), in points at a given size.
struct Measure<'a> {
    charmap: Charmap<'a>,
    metrics: GlyphMetrics<'a>,
    units_per_em: f32,
}

impl<'a> Measure<'a> {
    fn new(font: &'a PdfFont) -> Result<Self, String> {
        let face = FontRef::from_index(font.data.as_slice(), font.index)
            .map_err(|e| format!("font face {}: {e}", font.index))?;
        let units = face
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em;
        Ok(Measure {
            charmap: face.charmap(),
            metrics: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: f32::from(units.max(1)),
        })
    }

    fn char_width(&self, c: char, size: f32) -> f32 {
        let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
        self.metrics.advance_width(glyph).unwrap_or(0.0) * size / self.units_per_em
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.char_width(c, size)).sum()
    }
}

/// Characters after which a line may break anywhere (CJK, fullwidth forms and punctuation).
fn breaks_anywhere(c: char) -> bool {
    c >= '\u{2E80}'
}

/// Closing punctuation: never at the start of a line.
fn no_line_start(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(c), None) if "，。、；：！？）》」』】〕〉”’…·,.;:!?)]}%".contains(c)
    )
}

/// Opening punctuation: never at the end of a line.
fn no_line_end(c: char) -> bool {
    "（《「『【〔〈“‘([{".contains(c)
}

/// Splits a line of text into unbreakable pieces: one CJK character, one space, or a run of
/// other characters (a Latin word, a number, a URL).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || breaks_anywhere(c) {
            if let Some(s) = start.take() {
                out.push(&text[s..i]);
            }
            out.push(&text[i..i + c.len_utf8()]);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Wraps one paragraph (no newlines) greedily: the first line is at most `first` points wide,
/// the others at most `rest`. Only closing punctuation may exceed the width (by one glyph).
fn wrap(m: &Measure, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
    struct Lines {
        done: Vec<String>,
        cur: String,
        width: f32,
        limit: f32,
        rest: f32,
    }
    impl Lines {
        fn push(&mut self) {
            let line = self.cur.trim_end().to_string();
            self.done.push(line);
            self.cur.clear();
            self.width = 0.0;
            self.limit = self.rest;
        }
    }
    const EPS: f32 = 0.01;
    let mut l = Lines {
        done: Vec::new(),
        cur: String::new(),
        width: 0.0,
        limit: first,
        rest,
    };
    for tok in tokens(text) {
        let w = m.width(tok, size);
        if tok.chars().all(char::is_whitespace) {
            if l.cur.is_empty() {
                continue;
            }
            if l.width + w <= l.limit + EPS {
                l.cur.push_str(tok);
                l.width += w;
            } else {
                l.push();
            }
            continue;
        }
        if l.width + w <= l.limit + EPS {
            l.cur.push_str(tok);
            l.width += w;
        } else if !l.cur.is_empty() && no_line_start(tok) {
            // Hanging punctuation: keep it with the text it closes.
            l.cur.push_str(tok);
            l.push();
        } else if l.cur.is_empty() || w > l.rest + EPS {
            // Wider than what is left and than a whole line: cut between characters.
            for c in tok.chars() {
                let cw = m.char_width(c, size);
                if l.width + cw > l.limit + EPS && !l.cur.is_empty() {
                    l.push();
                }
                l.cur.push(c);
                l.width += cw;
            }
        } else {
            // Next line; an opening bracket that ended this line moves along.
            let mut carry = String::new();
            while let Some(c) = l.cur.chars().last() {
                if !no_line_end(c) || l.cur.chars().count() == 1 {
                    break;
                }
                l.cur.pop();
                carry.insert(0, c);
            }
            l.push();
            l.cur = carry;
            l.cur.push_str(tok);
            l.width = m.width(&l.cur, size);
        }
    }
    if !l.cur.trim_end().is_empty() {
        l.push();
    }
    l.done
}

// ---------------------------------------------------------------------------------------------
// Layout: pages of drawing operations.

enum Op {
    Text {
        x: f32,
        baseline: f32,
        text: String,
        style: Style,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        color: Rgb,
    },
    Qr {
        x: f32,
        y: f32,
        side: f32,
        modules: Vec<bool>,
        count: usize,
    },
    Seal {
        cx: f32,
        cy: f32,
        r: f32,
        name: String,
    },
}

struct Layout<'a> {
    m: &'a Measure<'a>,
    pages: Vec<Vec<Op>>,
    current: Vec<Op>,
    /// Top of the next line.
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(m: &'a Measure<'a>) -> Self {
        Layout {
            m,
            pages: Vec::new(),
            current: Vec::new(),
            y: TOP,
        }
    }

    fn finish(mut self) -> Vec<Vec<Op>> {
        self.pages.push(self.current);
        self.pages
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.current));
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit on this one (or this one is empty).
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && !self.current.is_empty() {
            self.new_page();
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// One line made of pieces `(x, text, style)` sharing a baseline.
    fn row(&mut self, pieces: Vec<(f32, String, Style)>) {
        let size = pieces.iter().map(|p| p.2.size).fold(0.0, f32::max);
        let h = size * LEADING;
        self.ensure(h);
        let baseline = self.y + h / 2.0 + size * CENTER_TO_BASELINE;
        for (x, text, style) in pieces {
            if !text.is_empty() {
                self.current.push(Op::Text {
                    x,
                    baseline,
                    text,
                    style,
                });
            }
        }
        self.y += h;
    }

    fn line(&mut self, x: f32, text: String, style: Style) {
        self.row(vec![(x, text, style)]);
    }

    fn centered(&mut self, text: &str, style: Style) {
        let w = self.m.width(text, style.size);
        self.line((PAGE_W - w) / 2.0, text.to_string(), style);
    }

    fn rule(&mut self, width: f32, color: Rgb) {
        self.current.push(Op::Rule {
            x1: LEFT,
            x2: RIGHT,
            y: self.y,
            width,
            color,
        });
    }

    /// A section heading, kept on the same page as the two lines after it.
    fn heading(&mut self, text: &str) {
        self.gap(8.0);
        self.ensure(HEADING * LEADING + 2.0 * BODY * LEADING);
        self.line(LEFT, text.to_string(), HEADING_STYLE);
        self.gap(2.0);
    }

    /// Paragraphs (one per line of `text`) starting at `indent`, the first line of each
    /// further indented by `first_indent`.
    fn paragraphs(&mut self, text: &str, style: Style, indent: f32, first_indent: f32) {
        let width = CONTENT_W - indent;
        for para in text.lines().map(clean).filter(|p| !p.is_empty()) {
            let lines = wrap(self.m, &para, style.size, width - first_indent, width);
            for (i, l) in lines.into_iter().enumerate() {
                let x = LEFT + indent + if i == 0 { first_indent } else { 0.0 };
                self.line(x, l, style);
            }
        }
    }

    /// `label` then `text`, continuation lines aligned under the text (hanging indent).
    fn labelled(&mut self, indent: f32, label: &str, text: &str, style: Style) {
        let label_w = self.m.width(label, style.size);
        let x = LEFT + indent + label_w;
        let width = RIGHT - x;
        let text = clean(text);
        let mut lines = wrap(self.m, &text, style.size, width, width).into_iter();
        let first = lines.next().unwrap_or_default();
        self.row(vec![
            (LEFT + indent, label.to_string(), style),
            (x, first, style),
        ]);
        for l in lines {
            self.line(x, l, style);
        }
    }

    /// A block of `h` points that must not be split: returns its top.
    fn block(&mut self, h: f32) -> f32 {
        self.ensure(h);
        let top = self.y;
        self.y += h;
        top
    }
}

/// Tabs and control characters out, runs of spaces kept as they are.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Texts.

/// `2026年11月29日 16:05`, China time.
fn zh_time(t: DateTime<Utc>) -> String {
    let c = crate::domain::china_time::local(t);
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        c.year(),
        c.month(),
        c.day(),
        c.hour(),
        c.minute()
    )
}

fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 1 → 一, 12 → 十二, 20 → 二十 (beyond 99: Arabic digits).
fn zh_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let units = |u: usize| if u == 0 { "" } else { D[u] };
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", units(n - 10)),
        20..=99 => format!("{}十{}", D[n / 10], units(n - n / 10 * 10)),
        _ => n.to_string(),
    }
}

fn verdict_zh(v: ExpertVerdict) -> &'static str {
    match v {
        ExpertVerdict::Subject => Conclusion::Subject.zh(),
        ExpertVerdict::NonSubject => Conclusion::NonSubject.zh(),
        ExpertVerdict::Undetermined => Conclusion::Undetermined.zh(),
    }
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---------------------------------------------------------------------------------------------
// The document.

/// The opinion as an A4 PDF: title 校外培训服务类别鉴定意见书, case number, institution and
/// item, stage, materials examined, activities with dates, findings per dimension (with the
/// S/N/U counts), negative-list hits, conclusion (学科类/非学科类/待定) and reasons, the
/// preschool-prohibited sentence when set (学前儿童学科类培训属禁止行为), supervision flag
/// sentence when set, dissent of each expert that has one, each expert's name and signing
/// time, the bureau's seal with sealing time, the digest, the verification code, and a QR code
/// of `verify_url` (e.g. `http://host/verify?code=XXXX`). Multi-page when the text is long.
///
/// Errors: a verification code that is empty or not made of ASCII letters, digits, `-` and
/// `_` (it must be findable by [`find_verify_code`]), a `verify_url` too long for a QR code,
/// or a failure of the PDF writer (e.g. the font cannot be embedded).
///
/// The output depends only on the arguments: the same bundle gives the same bytes.
pub fn render_opinion(
    o: &SealedOpinion,
    verify_url: &str,
    font: &PdfFont,
) -> Result<Vec<u8>, String> {
    if !valid_code(&o.verify_code) {
        return Err(format!(
            "verification code {:?} must be ASCII letters, digits, '-' or '_'",
            o.verify_code
        ));
    }
    let qr = QrCode::with_error_correction_level(verify_url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("QR code of the verification address: {e}"))?;
    let m = Measure::new(font)?;
    let mut l = Layout::new(&m);
    lay_out(&mut l, o, verify_url, &qr);
    let pages = l.finish();

    let mut doc = Document::new();
    doc.set_metadata(metadata(o));
    let total = pages.len();
    for (i, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &font.font, op);
        }
        footer(&mut surface, font, &m, o, i + 1, total);
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| format!("PDF: {e:?}"))
}

fn metadata(o: &SealedOpinion) -> Metadata {
    let t = crate::domain::china_time::local(o.seal.sealed_at);
    let tag = format!("{VERIFY_PREFIX}{}", o.verify_code);
    let date = PdfDateTime::new(u16::try_from(t.year()).unwrap_or(2000))
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(8)
        .utc_offset_minute(0);
    Metadata::new()
        .title(format!(
            "昌吉州中小学生校外培训服务类别鉴定意见书 {}",
            o.content.case_number
        ))
        .description(tag.clone())
        .keywords(vec![tag])
        .authors(vec![o.seal.bureau_name.clone()])
        .creator("jianding".to_string())
        .language("zh-CN".to_string())
        .creation_date(date)
}

fn lay_out(l: &mut Layout, o: &SealedOpinion, verify_url: &str, qr: &QrCode) {
    let c = &o.content;

    // Title block.
    l.gap(6.0);
    // The guide's own title (八(三): 《昌吉州中小学生校外培训服务类别鉴定意见书》).
    l.centered(
        "昌吉州中小学生校外培训服务类别鉴定意见书",
        style(TITLE, BLACK, true),
    );
    l.gap(2.0);
    l.centered(&format!("案号：{}", c.case_number), BODY_STYLE);
    l.gap(4.0);
    l.rule(1.6, RED);
    l.gap(2.5);
    l.rule(0.5, RED);
    l.gap(6.0);

    l.heading("一、基本情况");
    l.labelled(0.0, "培训机构：", &c.institution, BODY_STYLE);
    if let Some(p) = &c.particulars {
        l.labelled(0.0, "统一社会信用代码：", &p.uscc, BODY_STYLE);
        let licence = if p.licence_no.trim().is_empty() {
            "尚未取得"
        } else {
            p.licence_no.as_str()
        };
        l.labelled(0.0, "办学许可证号：", licence, BODY_STYLE);
        l.labelled(0.0, "机构地址：", &p.address, BODY_STYLE);
    }
    l.labelled(0.0, "培训项目：", &c.item, BODY_STYLE);
    l.labelled(0.0, "培训对象学段：", &c.stage, BODY_STYLE);
    if let Some(p) = &c.particulars {
        l.labelled(
            0.0,
            "项目情况：",
            &format!(
                "{}；总课时 {}；{}；申报类别：{}",
                p.grades, p.hours, p.delivery, p.declared_category
            ),
            BODY_STYLE,
        );
    }
    l.labelled(0.0, "所在县（市）：", &c.county, BODY_STYLE);
    l.labelled(
        0.0,
        "依据：",
        &format!(
            "鉴定评分细则第 {} 版；本意见书为第 {} 稿",
            c.rubric_version, c.revision
        ),
        BODY_STYLE,
    );

    if let Some(p) = c.particulars.as_ref().filter(|p| !p.basis.is_empty()) {
        l.labelled(0.0, "鉴定依据：", &p.basis.join("；"), BODY_STYLE);
    }

    l.heading("二、审查材料");
    if c.materials.is_empty() {
        l.paragraphs("无。", BODY_STYLE, 0.0, 0.0);
    }
    for (i, mat) in c.materials.iter().enumerate() {
        l.labelled(0.0, &format!("{}. ", i + 1), mat, BODY_STYLE);
    }

    l.heading("三、鉴定活动");
    if let Some(m) = &c.meeting {
        l.labelled(0.0, "鉴定会　", &m.zh(), BODY_STYLE);
    }
    if let Some(w) = &c.meeting_waived {
        l.labelled(
            0.0,
            "鉴定会　",
            &format!("经负责人决定不召开（理由：{w}）"),
            BODY_STYLE,
        );
    }
    if c.activities.is_empty() && c.meeting.is_none() && c.meeting_waived.is_none() {
        l.paragraphs("无。", BODY_STYLE, 0.0, 0.0);
    }
    for (i, a) in c.activities.iter().enumerate() {
        let mut text = format!("{}　{}", zh_date(a.date), a.kind);
        if !a.place.trim().is_empty() {
            text.push_str(&format!("（{}）", a.place.trim()));
        }
        if !a.summary.trim().is_empty() {
            text.push_str(&format!("：{}", a.summary.trim()));
        }
        l.labelled(0.0, &format!("{}. ", i + 1), &text, BODY_STYLE);
    }

    l.heading("四、分维度鉴定意见");
    l.paragraphs(
        "各维度后列出专家组成员评为 S（符合学科类特征）、N（符合非学科类特征）、\
         U（证据不足、难以判断）的人数。",
        SMALL_STYLE,
        0.0,
        0.0,
    );
    for (i, f) in c.findings.iter().enumerate() {
        l.gap(3.0);
        l.ensure(3.0 * BODY * LEADING);
        let title = format!("（{}）{}", zh_number(i + 1), f.name);
        let counts = format!(
            "S {} 人　N {} 人　U {} 人",
            f.counts[0], f.counts[1], f.counts[2]
        );
        let title_style = style(BODY, BLACK, true);
        let counts_x = LEFT + l.m.width(&title, BODY) + 14.0;
        if counts_x + l.m.width(&counts, BODY) <= RIGHT {
            l.row(vec![
                (LEFT, title, title_style),
                (counts_x, counts, style(BODY, GREY, false)),
            ]);
        } else {
            l.paragraphs(&title, title_style, 0.0, 0.0);
            l.line(LEFT + 2.0 * BODY, counts, style(BODY, GREY, false));
        }
        l.paragraphs(&f.text, BODY_STYLE, 0.0, 2.0 * BODY);
    }

    l.heading("五、负面清单");
    if c.negative_list_hits.is_empty() {
        l.paragraphs("未发现负面清单所列情形。", BODY_STYLE, 0.0, 2.0 * BODY);
    } else {
        l.paragraphs(
            "经审查，该项目涉及负面清单所列情形：",
            BODY_STYLE,
            0.0,
            2.0 * BODY,
        );
        for (i, hit) in c.negative_list_hits.iter().enumerate() {
            l.labelled(2.0 * BODY, &format!("{}. ", i + 1), hit, BODY_STYLE);
        }
    }

    l.heading("六、鉴定结论");
    l.ensure(2.0 * 15.0 * LEADING);
    let lead = "经专家组鉴定，该培训项目属于：";
    let lead_w = l.m.width(lead, BODY);
    l.row(vec![
        (LEFT + 2.0 * BODY, lead.to_string(), BODY_STYLE),
        (
            LEFT + 2.0 * BODY + lead_w,
            c.conclusion.zh().to_string(),
            style(15.0, BLACK, true),
        ),
    ]);
    if c.conclusion == Conclusion::Undetermined {
        l.paragraphs(
            "专家组未能就该项目的类别形成结论，待进一步鉴定。",
            BODY_STYLE,
            0.0,
            2.0 * BODY,
        );
    }
    if c.preschool_prohibited {
        l.paragraphs(
            "该项目面向学前儿童且属学科类。学前儿童学科类培训属禁止行为。",
            style(BODY, RED, true),
            0.0,
            2.0 * BODY,
        );
    }
    if c.supervision_flag {
        l.paragraphs(
            "该项目涉及负面清单所列情形，列为重点监管对象。",
            style(BODY, RED, true),
            0.0,
            2.0 * BODY,
        );
    }

    l.heading("七、鉴定理由");
    l.paragraphs(&c.reasons, BODY_STYLE, 0.0, 2.0 * BODY);

    l.heading("八、专家组成员意见");
    let names: Vec<String> = c
        .members
        .iter()
        .map(|m| {
            if m.lead {
                format!("{}（组长）", m.name)
            } else {
                m.name.clone()
            }
        })
        .collect();
    // 工作单位、职称 under the name, next to the signature.
    let abouts: Vec<String> = c
        .members
        .iter()
        .map(|m| {
            [m.employer.as_str(), m.title.as_str()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // One column for the names, as wide as the widest (within reason).
    let name_col = names
        .iter()
        .map(|n| l.m.width(n, BODY))
        .chain(abouts.iter().map(|a| l.m.width(a, SMALL)))
        .fold(BODY * 6.0, f32::max)
        .min(CONTENT_W / 3.0);
    let x = LEFT + name_col + BODY;
    let label_w = l.m.width("不同意见：", BODY);
    let seal_h = SEAL_GAP + SEAL_BLOCK_H;
    for (k, ((member, name), about)) in c.members.iter().zip(names).zip(abouts).enumerate() {
        let sig = o.signatures.iter().find(|s| s.expert == member.expert);
        let mut text = format!("个人意见：{}", verdict_zh(member.verdict));
        if member.dissents {
            text.push_str("（不同意鉴定结论）");
        }
        text.push_str("　签名时间：");
        match sig {
            Some(s) => text.push_str(&zh_time(s.signed_at)),
            None => text.push_str("未签名"),
        }
        let mut rows: Vec<Vec<(f32, String, Style)>> = Vec::new();
        for line in wrap(l.m, &name, BODY, name_col, name_col) {
            rows.push(vec![(LEFT, line, style(BODY, BLACK, true))]);
        }
        for line in wrap(l.m, &about, SMALL, name_col, name_col) {
            rows.push(vec![(LEFT, line, SMALL_STYLE)]);
        }
        for (i, line) in wrap(l.m, &text, BODY, RIGHT - x, RIGHT - x)
            .into_iter()
            .enumerate()
        {
            match rows.get_mut(i) {
                Some(row) => row.push((x, line, BODY_STYLE)),
                None => rows.push(vec![(x, line, BODY_STYLE)]),
            }
        }
        let dissent = sig
            .and_then(|s| s.dissent.as_deref())
            .filter(|d| !d.trim().is_empty());
        if let Some(dissent) = dissent {
            let label = if member.dissents {
                "不同意见："
            } else {
                "补充意见："
            };
            let text_x = x + label_w;
            for (i, para) in dissent
                .lines()
                .map(clean)
                .filter(|p| !p.is_empty())
                .enumerate()
            {
                for (j, line) in wrap(l.m, &para, BODY, RIGHT - text_x, RIGHT - text_x)
                    .into_iter()
                    .enumerate()
                {
                    let mut row = vec![(text_x, line, BODY_STYLE)];
                    if i == 0 && j == 0 {
                        row.push((x, label.to_string(), BODY_STYLE));
                    }
                    rows.push(row);
                }
            }
        }
        let h = 2.0 + rows.len() as f32 * BODY * LEADING;
        l.gap(2.0);
        if k + 1 == c.members.len() {
            // The last member stays on the page of the seal: no seal on a page of its own.
            l.ensure(h + seal_h);
        } else {
            l.ensure(h.min(2.0 * BODY * LEADING));
        }
        for row in rows {
            l.row(row);
        }
    }

    // The bureau's seal, over its name and the sealing time, on the right.
    l.gap(SEAL_GAP);
    let top = l.block(SEAL_BLOCK_H);
    let name_style = style(12.5, BLACK, false);
    let time = format!("盖章时间：{}", zh_time(o.seal.sealed_at));
    let name_w = l.m.width(&o.seal.bureau_name, name_style.size);
    let time_w = l.m.width(&time, BODY);
    let column_w = name_w.max(time_w).max(2.0 * SEAL_R);
    let column_x = RIGHT - column_w;
    let cy = top + SEAL_R + 5.0;
    let name_line = cy - 4.0;
    l.current.push(Op::Text {
        x: column_x + (column_w - name_w) / 2.0,
        baseline: name_line,
        text: o.seal.bureau_name.clone(),
        style: name_style,
    });
    l.current.push(Op::Text {
        x: column_x + (column_w - time_w) / 2.0,
        baseline: name_line + 2.0 * BODY,
        text: time,
        style: BODY_STYLE,
    });
    l.current.push(Op::Text {
        x: LEFT,
        baseline: name_line,
        text: format!("签发：{}", o.seal.sealed_by),
        style: BODY_STYLE,
    });
    l.current.push(Op::Seal {
        cx: column_x + column_w / 2.0,
        cy,
        r: SEAL_R,
        name: o.seal.bureau_name.clone(),
    });

    // Verification: text on the left, QR code on the right.
    l.heading("核验信息");
    let text_w = CONTENT_W - QR_SIDE - 18.0;
    let code_style = style(14.0, BLACK, true);
    let mut rows: Vec<(String, Style)> = vec![(format!("验证码：{}", o.verify_code), code_style)];
    rows.push(("数字摘要（SHA-256）：".to_string(), SMALL_STYLE));
    for line in wrap(l.m, &o.digest, SMALL, text_w, text_w) {
        rows.push((line, style(SMALL, BLACK, false)));
    }
    rows.push(("核验网址：".to_string(), SMALL_STYLE));
    for line in wrap(l.m, verify_url, SMALL, text_w, text_w) {
        rows.push((line, style(SMALL, BLACK, false)));
    }
    let note = "扫描右侧二维码或访问核验网址，可核对本意见书的内容、专家签名与印章是否真实、完整。";
    for line in wrap(l.m, note, SMALL, text_w, text_w) {
        rows.push((line, SMALL_STYLE));
    }
    let text_h: f32 = rows.iter().map(|(_, s)| s.size * LEADING).sum();
    let top = l.block(text_h.max(QR_SIDE));
    let mut y = top;
    for (text, st) in rows {
        let h = st.size * LEADING;
        l.current.push(Op::Text {
            x: LEFT,
            baseline: y + h / 2.0 + st.size * CENTER_TO_BASELINE,
            text,
            style: st,
        });
        y += h;
    }
    l.current.push(Op::Qr {
        x: RIGHT - QR_SIDE,
        y: top,
        side: QR_SIDE,
        modules: qr
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
        count: qr.width(),
    });
}

fn footer(
    surface: &mut Surface,
    font: &PdfFont,
    m: &Measure,
    o: &SealedOpinion,
    page: usize,
    total: usize,
) {
    let y = PAGE_H - 52.0;
    draw(
        surface,
        &font.font,
        &Op::Rule {
            x1: LEFT,
            x2: RIGHT,
            y,
            width: 0.4,
            color: GREY,
        },
    );
    let baseline = y + 16.0;
    let left = format!("案号：{}　验证码：{}", o.content.case_number, o.verify_code);
    let right = format!("第 {page} 页　共 {total} 页");
    let right_x = RIGHT - m.width(&right, SMALL);
    for (x, text) in [(LEFT, left), (right_x, right)] {
        draw(
            surface,
            &font.font,
            &Op::Text {
                x,
                baseline,
                text,
                style: SMALL_STYLE,
            },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing.

fn color(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: color(c).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: color(c).into(),
        width,
        ..Stroke::default()
    }
}

fn text(surface: &mut Surface, font: &Font, x: f32, baseline: f32, s: &str, st: Style) {
    surface.set_fill(Some(fill(st.color)));
    surface.set_stroke(st.bold.then(|| stroke(st.color, st.size * 0.035)));
    surface.draw_text(
        Point::from_xy(x, baseline),
        font.clone(),
        st.size,
        s,
        false,
        TextDirection::LeftToRight,
    );
    surface.set_stroke(None);
}

fn circle(cx: f32, cy: f32, r: f32) -> Option<Path> {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    let mut pb = PathBuilder::new();
    pb.move_to(cx + r, cy);
    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    pb.close();
    pb.finish()
}

fn star(cx: f32, cy: f32, r: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for i in 0..10u8 {
        let radius = if i.is_multiple_of(2) { r } else { r * 0.382 };
        let a = std::f32::consts::PI / 5.0 * f32::from(i);
        let (x, y) = (cx + radius * a.sin(), cy - radius * a.cos());
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    pb.close();
    pb.finish()
}

fn draw(surface: &mut Surface, font: &Font, op: &Op) {
    match op {
        Op::Text {
            x,
            baseline,
            text: s,
            style: st,
        } => text(surface, font, *x, *baseline, s, *st),
        Op::Rule {
            x1,
            x2,
            y,
            width,
            color: c,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y);
            pb.line_to(*x2, *y);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(*c, *width)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Qr {
            x,
            y,
            side,
            modules,
            count,
        } => draw_qr(surface, *x, *y, *side, modules, *count),
        Op::Seal { cx, cy, r, name } => draw_seal(surface, font, *cx, *cy, *r, name),
    }
}

/// White square with a 4-module quiet zone, dark modules as black rectangles (horizontal runs
/// merged, so a viewer shows no seams between neighbours).
fn draw_qr(surface: &mut Surface, x: f32, y: f32, side: f32, modules: &[bool], count: usize) {
    if count == 0 {
        return;
    }
    let unit = side / (count + 8) as f32;
    surface.set_stroke(None);
    if let Some(bg) = Rect::from_xywh(x, y, side, side).and_then(|r| {
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        pb.finish()
    }) {
        surface.set_fill(Some(fill((255, 255, 255))));
        surface.draw_path(&bg);
    }
    let mut pb = PathBuilder::new();
    for (row, line) in modules.chunks(count).enumerate() {
        let mut col = 0;
        while col < count {
            if !line[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < count && line[col] {
                col += 1;
            }
            if let Some(r) = Rect::from_xywh(
                x + (start + 4) as f32 * unit,
                y + (row + 4) as f32 * unit,
                (col - start) as f32 * unit,
                unit,
            ) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill(BLACK)));
        surface.draw_path(&path);
    }
}

/// A round red seal: ring, star, the bureau's name along the top arc and 鉴定专用章 below the
/// star. Drawn with the multiply blend mode so the text under it stays readable, like ink.
fn draw_seal(surface: &mut Surface, font: &Font, cx: f32, cy: f32, r: f32, name: &str) {
    surface.push_blend_mode(BlendMode::Multiply);
    if let Some(ring) = circle(cx, cy, r) {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(SEAL_RED, r * 0.06)));
        surface.draw_path(&ring);
        surface.set_stroke(None);
    }
    if let Some(s) = star(cx, cy, r * 0.27) {
        surface.set_fill(Some(fill(SEAL_RED)));
        surface.draw_path(&s);
    }
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    if !chars.is_empty() {
        let text_r = r * 0.74;
        let n = chars.len() as f32;
        // At most 250° of arc; characters shrink when the name is long.
        let step = (r * 0.3 / text_r).min(250f32.to_radians() / n);
        let size = (step * text_r * 0.92).min(r * 0.27);
        let first = -step * (n - 1.0) / 2.0;
        let st = style(size, SEAL_RED, true);
        for (i, c) in chars.iter().enumerate() {
            let a = first + step * i as f32;
            let (sin, cos) = a.sin_cos();
            let (px, py) = (cx + text_r * sin, cy - text_r * cos);
            // Rotate the glyph so its top points away from the centre.
            surface.push_transform(&Transform::from_row(cos, sin, -sin, cos, px, py));
            let glyph = c.to_string();
            text(
                surface,
                font,
                -size / 2.0,
                size * CENTER_TO_BASELINE,
                &glyph,
                st,
            );
            surface.pop();
        }
    }
    let label = "鉴定专用章";
    let size = r * 0.19;
    // Full-width glyphs: five em wide.
    text(
        surface,
        font,
        cx - 2.5 * size,
        cy + r * 0.52,
        label,
        style(size, SEAL_RED, true),
    );
    surface.pop();
}

// ---------------------------------------------------------------------------------------------
// Reading the code back, and the QR code for the web page.

/// The verification code written into a PDF made by render_opinion (it is in the document
/// information as `jianding-verify:CODE`, uncompressed), or None.
pub fn find_verify_code(pdf: &[u8]) -> Option<String> {
    let prefix = VERIFY_PREFIX.as_bytes();
    let mut from = 0;
    while let Some(pos) = pdf[from..]
        .windows(prefix.len())
        .position(|w| w == prefix)
        .map(|p| p + from)
    {
        let start = pos + prefix.len();
        let code: String = pdf[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
            .map(|&b| b as char)
            .collect();
        if !code.is_empty() {
            return Some(code);
        }
        from = start;
    }
    None
}

/// The QR code of `text` as an inline SVG string (for the HTML page): dark modules black on
/// white, with a 4-module quiet zone, `role="img"` and `aria-label` = `label`. Size it with CSS;
/// its intrinsic size is 4 px per module. A text too long for a QR code gives an empty SVG with
/// the same role and label.
pub fn qr_svg(text: &str, label: &str) -> String {
    let attrs = format!(r#"<svg role="img" aria-label="{}""#, escape_attr(label));
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .quiet_zone(true)
                .module_dimensions(4, 4)
                .dark_color(qrcode::render::svg::Color("#000000"))
                .light_color(qrcode::render::svg::Color("#ffffff"))
                .build();
            // Drop the XML declaration (not allowed inline in HTML) and add the attributes.
            let svg = match svg.find("<svg") {
                Some(i) => &svg[i..],
                None => svg.as_str(),
            };
            svg.replacen("<svg", &attrs, 1)
        }
        Err(_) => format!(r#"{attrs} xmlns="http://www.w3.org/2000/svg"></svg>"#),
    }
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ExpertId;
    use crate::domain::opinion::{
        ActivityLine, ExpertSignature, Finding, MeetingLine, Member, OpinionContent, Seal,
    };
    use chrono::TimeZone;
    use std::process::Command;
    use std::sync::OnceLock;

    const DIGEST: &str = "3f7a9c0e5b2d4816a0c3e9f17b6d25408e1f3a7c9b0d2e4f6a8c1e3b5d7f9a0c";

    fn font() -> &'static PdfFont {
        static FONT: OnceLock<PdfFont> = OnceLock::new();
        FONT.get_or_init(|| {
            PdfFont::from_env_or_default()
                .expect("a CJK font: `make tools` installs fonts-noto-cjk")
        })
    }

    fn at(h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, h, min, 0).unwrap()
    }

    fn signature(id: i64, name: &str, dissent: Option<&str>, t: DateTime<Utc>) -> ExpertSignature {
        ExpertSignature {
            expert: ExpertId(id),
            name: name.into(),
            dissent: dissent.map(str::to_string),
            signed_at: t,
            algorithm: "ed25519".into(),
            key_id: format!("expert-{id}-k1"),
            public_key: "ab".repeat(32),
            signature: "cd".repeat(64),
        }
    }

    fn opinion() -> SealedOpinion {
        let reasons = [
            "一、从培训目的看，该项目以培养学员的艺术兴趣与审美素养为主要目标，招生简章、课程方案均未提及提高学科考试成绩，\
             也未承诺升学、提分等结果。家长访谈中，受访家长均表示报名原因为孩子喜欢绘画。",
            "二、从培训内容看，课程包括素描基础、色彩构成、创意手工和作品赏析四个模块，教学内容不涉及国家课程标准规定的\
             学科知识点，所用教材为机构自编美术教材（2025 年版），未使用学科类教辅资料。",
            "三、从培训方式看，课堂观摩显示教学以示范、创作和作品点评为主，每班不超过 15 人，没有讲授学科知识、布置书面作业或组织测验的情形。\
             Teaching notes (English, as submitted): observation-based, no tests, no homework.",
            "四、从评价方式看，机构以作品集和展览评价学员，不进行排名，不公布成绩。",
        ]
        .join("\n");
        let reasons = [reasons.as_str(); 3].join("\n");
        let content = OpinionContent {
            meeting_waived: None,
            particulars: Some(crate::domain::opinion::Particulars {
                uscc: "52652301MA1079191T".into(),
                licence_no: "教民165230170000123号".into(),
                address: "昌吉市延安北路198号".into(),
                grades: "3、4 年级".into(),
                hours: 48,
                delivery: "线下".into(),
                declared_category: "非学科类".into(),
                basis: vec!["《中小学综合实践活动课程指导纲要》（教材〔2017〕4号）".into()],
            }),
            meeting: Some(MeetingLine {
                time: "2026-04-08 14:30".into(),
                place: "昌吉市教育局三楼会议室".into(),
                online: false,
                attendees: vec!["王建华".into(), "李敏".into(), "赵磊".into()],
                others: "县教育局经办人张伟".into(),
            }),
            case_number: "昌教鉴〔2026〕017号".into(),
            institution: "昌吉市启明星艺术培训学校有限公司".into(),
            item: "少儿创意美术（启蒙班、提高班）".into(),
            stage: "小学".into(),
            county: "昌吉市".into(),
            rubric_version: 2,
            materials: vec![
                "办学许可证及营业执照（资质材料）".into(),
                "课程方案与教学计划（课程材料）".into(),
                "自编教材《少儿创意美术》（教材）".into(),
                "招生简章及宣传页（宣传材料）".into(),
            ],
            activities: vec![
                ActivityLine {
                    date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    kind: "书面审查".into(),
                    place: "市教育局会议室".into(),
                    summary: "审查申请材料四份，材料齐全。".into(),
                },
                ActivityLine {
                    date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
                    kind: "课堂观摩".into(),
                    place: "机构二楼 203 教室".into(),
                    summary: "观摩提高班一节课（45 分钟），教师示范水彩技法，学员自主创作。".into(),
                },
            ],
            findings: vec![
                Finding {
                    dimension: "purpose".into(),
                    name: "培训目的".into(),
                    counts: [0, 3, 0],
                    text: "以兴趣培养和审美素养为目标，未以提高学科成绩为目的。".into(),
                },
                Finding {
                    dimension: "content".into(),
                    name: "培训内容".into(),
                    counts: [1, 2, 0],
                    text:
                        "内容为美术创作与赏析；其中“透视原理”一课涉及初中数学中的相似三角形知识，\
                           但仅作直观介绍，不作计算要求。"
                            .into(),
                },
                Finding {
                    dimension: "method".into(),
                    name: "培训方式".into(),
                    counts: [0, 2, 1],
                    text: "以示范与创作为主，无书面作业和测验。".into(),
                },
            ],
            negative_list_hits: vec![],
            conclusion: Conclusion::NonSubject,
            reasons,
            preschool_prohibited: false,
            supervision_flag: true,
            members: vec![
                Member {
                    expert: ExpertId(11),
                    name: "王建华".into(),
                    lead: true,
                    verdict: ExpertVerdict::NonSubject,
                    dissents: false,
                    employer: "昌吉市第一中学".into(),
                    title: "副高级".into(),
                },
                Member {
                    expert: ExpertId(12),
                    name: "李晓梅".into(),
                    lead: false,
                    verdict: ExpertVerdict::NonSubject,
                    dissents: false,
                    employer: String::new(),
                    title: String::new(),
                },
                Member {
                    expert: ExpertId(13),
                    name: "阿依古丽·买买提".into(),
                    lead: false,
                    verdict: ExpertVerdict::Subject,
                    dissents: true,
                    employer: String::new(),
                    title: String::new(),
                },
            ],
            revision: 1,
        };
        SealedOpinion {
            format: crate::domain::opinion::FORMAT.into(),
            verify_code: "K7QF-29XM".into(),
            content,
            digest: DIGEST.into(),
            signatures: vec![
                signature(11, "王建华", None, at(7, 40)),
                signature(12, "李晓梅", None, at(7, 52)),
                signature(
                    13,
                    "阿依古丽·买买提",
                    Some("“透视原理”一课系统讲授相似三角形，属于学科知识，本人认为该部分内容应按学科类认定。"),
                    at(8, 5),
                ),
            ],
            seal: Seal {
                bureau: "652301".into(),
                bureau_name: "昌吉市教育局".into(),
                sealed_by: "张国强".into(),
                sealed_at: at(8, 30),
                algorithm: "ed25519".into(),
                key_id: "bureau-652301-k1".into(),
                public_key: "ef".repeat(32),
                signature: "01".repeat(64),
            },
        }
    }

    /// Text of a PDF by poppler's pdftotext (pages separated by form feeds).
    fn pdftotext(pdf: &[u8], name: &str) -> String {
        let path = std::env::temp_dir().join(format!("jianding-{name}-{}.pdf", std::process::id()));
        std::fs::write(&path, pdf).unwrap();
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output();
        // JIANDING_KEEP_PDF=1 keeps the file in the temp directory, to look at.
        if std::env::var_os("JIANDING_KEEP_PDF").is_none() {
            let _ = std::fs::remove_file(&path);
        }
        let out = match out {
            Ok(out) => out,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                panic!("pdftotext is missing: `make tools` installs poppler-utils")
            }
            Err(e) => panic!("pdftotext: {e}"),
        };
        assert!(
            out.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn the_pdf_is_small_multi_page_and_its_chinese_text_extracts() {
        let o = opinion();
        let pdf = render_opinion(&o, "http://jd.example.cn/verify?code=K7QF-29XM", font()).unwrap();
        println!("opinion PDF: {} bytes", pdf.len());
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 1_000_000, "PDF is {} bytes", pdf.len());

        let text = pdftotext(&pdf, "opinion");
        // pdftotext may put spaces between glyph runs; compare without them.
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for needle in [
            "校外培训服务类别鉴定意见书",
            "昌吉市启明星艺术培训学校有限公司",
            "少儿创意美术",
            "昌教鉴〔2026〕017号",
            "非学科类",
            "王建华",
            "阿依古丽·买买提",
            "K7QF-29XM",
            "2026年11月29日16:05",
            "2026年11月24日",
            "S1人N2人U0人",
            // (pdftotext may read the seal's ring text into the dissent's wrapped line.)
            "不同意见：“透视原理”一课系统讲授相似三角形",
            "认为该部分内容应按学科类认定",
            "列为重点监管对象",
            "昌吉市教育局",
            "鉴定专用章",
            "鉴定会时间：2026-04-0814:30；地点：昌吉市教育局三楼会议室",
            "昌吉州中小学生校外培训服务类别鉴定意见书",
            "统一社会信用代码：52652301MA1079191T",
            "教民165230170000123号",
            "昌吉市延安北路198号",
            "总课时48",
            "机构二楼203教室",
            "申报类别：非学科类",
            "教材〔2017〕4号",
            "王建华（组长）",
            "昌吉市第一中学副高级",
            "参加人员：王建华、李敏、赵磊；其他参会人员：县教育局经办人张伟",
            DIGEST,
        ] {
            assert!(
                flat.contains(needle),
                "{needle:?} not in the extracted text:\n{text}"
            );
        }
        assert!(!flat.contains("学前儿童学科类培训属禁止行为"));
        let pages = text.matches('\u{c}').count();
        assert!(pages >= 2, "expected 2+ pages, got {pages}");
        assert!(flat.contains(&format!("第1页共{pages}页")));
        assert_eq!(find_verify_code(&pdf).as_deref(), Some("K7QF-29XM"));
    }

    #[test]
    fn the_preschool_prohibition_and_subject_conclusion_are_printed() {
        let mut o = opinion();
        o.content.conclusion = Conclusion::Subject;
        o.content.stage = "学前".into();
        o.content.preschool_prohibited = true;
        o.content.supervision_flag = false;
        o.content.reasons = "课堂以识字和计算练习为主，属于学科类培训。".into();
        let pdf = render_opinion(&o, "http://jd.example.cn/verify?code=K7QF-29XM", font()).unwrap();
        let flat: String = pdftotext(&pdf, "preschool")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(flat.contains("属于：学科类"));
        assert!(flat.contains("学前儿童学科类培训属禁止行为"));
        assert!(!flat.contains("列为重点监管对象"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let o = opinion();
        let url = "http://jd.example.cn/verify?code=K7QF-29XM";
        assert_eq!(
            render_opinion(&o, url, font()).unwrap(),
            render_opinion(&o, url, font()).unwrap()
        );
    }

    #[test]
    fn a_code_that_cannot_be_found_again_is_refused() {
        let mut o = opinion();
        o.verify_code = "K7QF 29XM".into();
        assert!(render_opinion(&o, "http://x/verify", font()).is_err());
        o.verify_code = String::new();
        assert!(render_opinion(&o, "http://x/verify", font()).is_err());
    }

    #[test]
    fn the_verify_code_is_found_only_when_present() {
        assert_eq!(find_verify_code(b"%PDF-1.7 no code here"), None);
        assert_eq!(
            find_verify_code(b"(jianding-verify:) (jianding-verify:AB-12)"),
            Some("AB-12".into())
        );
        assert_eq!(
            find_verify_code(b"/Subject (jianding-verify:Z9)"),
            Some("Z9".into())
        );
    }

    #[test]
    fn lines_are_wrapped_by_measured_width() {
        let m = Measure::new(font()).unwrap();
        // A CJK glyph is one em wide; an ASCII digit much less.
        assert!((m.width("鉴定", 10.0) - 20.0).abs() < 0.01);
        assert!(m.width("11", 10.0) < 15.0);

        let text = "经审查，该项目以培养学员的艺术兴趣与审美素养为主要目标。Observation based teaching, \
                    no tests and no homework at all; 3f7a9c0e5b2d4816a0c3e9f17b6d25408e1f3a7c9b0d2e4f6a8c1e3b5d7f9a0c。";
        let width = 120.0;
        let lines = wrap(&m, text, 10.0, width - 20.0, width);
        assert!(lines.len() > 4);
        for (i, line) in lines.iter().enumerate() {
            let limit = if i == 0 { width - 20.0 } else { width };
            let w = m.width(line, 10.0);
            let hang = line
                .chars()
                .last()
                .map(|c| m.char_width(c, 10.0))
                .unwrap_or(0.0);
            assert!(w <= limit + hang + 0.01, "line {i} {line:?} is {w} wide");
            assert!(
                !no_line_start(&line.chars().next().unwrap().to_string()),
                "{line:?}"
            );
        }
        // Nothing is lost but the spaces at the breaks.
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&lines.concat()), strip(text));
        // Latin words are not cut unless longer than a line.
        for word in ["Observation", "based", "teaching,", "tests", "homework"] {
            assert!(
                lines.iter().any(|l| l.contains(word)),
                "{word} was cut: {lines:?}"
            );
        }
        // The digest, wider than a line, is cut between characters.
        assert!(!lines.iter().any(|l| l.contains(DIGEST)));
    }

    #[test]
    fn times_are_printed_in_china_time() {
        assert_eq!(zh_time(at(8, 5)), "2026年11月29日 16:05");
        assert_eq!(
            zh_time(Utc.with_ymd_and_hms(2026, 3, 4, 17, 0, 0).unwrap()),
            "2026年3月5日 01:00"
        );
        assert_eq!(zh_number(1), "一");
        assert_eq!(zh_number(10), "十");
        assert_eq!(zh_number(14), "十四");
        assert_eq!(zh_number(30), "三十");
    }

    #[test]
    fn the_qr_svg_is_inline_and_labelled() {
        let svg = qr_svg(
            "http://jd.example.cn/verify?code=K7QF-29XM",
            "核验二维码 \"K7QF\"",
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-label="核验二维码 &quot;K7QF&quot;""#));
        assert!(svg.contains(r##"fill="#000000""##) && svg.contains(r##"fill="#ffffff""##));
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
    }

    #[test]
    fn fonts_are_checked_and_specs_parsed() {
        assert_eq!(parse_font_spec("/a/b.ttc#2"), ("/a/b.ttc", 2));
        assert_eq!(parse_font_spec("/a/b.otf"), ("/a/b.otf", 0));
        assert_eq!(parse_font_spec("/a/#x.otf"), ("/a/#x.otf", 0));
        let err = PdfFont::load(FsPath::new("/nonexistent/font.ttc"), 0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let err = PdfFont::from_bytes(Arc::new(b"not a font".to_vec()), 0).unwrap_err();
        assert!(err.contains("face 0"), "{err}");
        fn shared<T: Send + Sync>(_: &T) {}
        shared(font());
    }
}
