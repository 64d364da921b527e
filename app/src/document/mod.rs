//! The printed documents (书面文书) as A4 PDFs: made once, at the step that issues them, and kept
//! by the store as bytes; this module makes them and touches no database. Today the sealed
//! opinion (鉴定意见书, [`render_opinion`]); the notices and forms of the procedure are laid out
//! with the same pieces.
//!
//! - [`font`]: the CJK font, loaded once and subset into each document.
//! - [`layout`]: page geometry, measuring and wrapping, pages of drawing operations.
//! - [`draw`]: drawing the operations onto a page.
//! - [`seal`] and [`qr`]: the bureau's seal, the verification QR code and reading the code back.
//! - [`opinion`]: what the opinion says, in which order.
//!
//! # Layout choices
//!
//! * One font, one face: a CJK OpenType face (by default Noto Serif CJK SC from Debian's
//!   `fonts-noto-cjk`, see [`font::PdfFont`]). krilla embeds only the glyphs used (a subset) and
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
//!   [`qr::find_verify_code`] can find it in an uploaded file without a PDF parser.

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

pub mod draw;
pub mod font;
pub mod layout;
pub mod opinion;
pub mod qr;
pub mod seal;
#[cfg(test)]
mod tests;

use draw::*;
use layout::*;
use qr::*;
use seal::*;

pub use font::PdfFont;
pub use opinion::render_opinion;
pub use qr::{find_verify_code, qr_svg};
