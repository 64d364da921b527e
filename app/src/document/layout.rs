//! Page geometry, measuring and wrapping by the font's glyph advances, and the layout of a
//! document into pages of drawing operations (so that every footer knows the page count).

use super::*;

// ---------------------------------------------------------------------------------------------
// Page geometry (PDF points, origin top left, y downwards as in krilla).

pub(super) const PAGE_W: f32 = 595.0;
pub(super) const PAGE_H: f32 = 842.0;
pub(super) const LEFT: f32 = 64.0;
pub(super) const RIGHT: f32 = PAGE_W - 64.0;
pub(super) const CONTENT_W: f32 = RIGHT - LEFT;
pub(super) const TOP: f32 = 62.0;
/// Lowest y a body line may reach; the footer lives below.
pub(super) const BOTTOM: f32 = PAGE_H - 74.0;
/// Line height as a multiple of the font size.
pub(super) const LEADING: f32 = 1.62;
/// Distance from the centre of an em box to the baseline, as a multiple of the font size
/// (CJK faces: ascender 0.88, descender 0.12).
pub(super) const CENTER_TO_BASELINE: f32 = 0.38;

pub(super) const BODY: f32 = 11.0;
pub(super) const SMALL: f32 = 9.5;
pub(super) const HEADING: f32 = 13.0;
pub(super) const TITLE: f32 = 22.0;
pub(super) const SEAL_R: f32 = 54.0;
/// Height of the block holding the seal, the bureau's name and the sealing time.
pub(super) const SEAL_BLOCK_H: f32 = 2.0 * SEAL_R + 10.0;
/// Space between the last signature and the seal, so that the seal's ring never touches the
/// text above it.
pub(super) const SEAL_GAP: f32 = 26.0;
pub(super) const QR_SIDE: f32 = 112.0;

pub(super) type Rgb = (u8, u8, u8);
pub(super) const BLACK: Rgb = (0, 0, 0);
pub(super) const GREY: Rgb = (90, 90, 90);
pub(super) const RED: Rgb = (200, 16, 30);
pub(super) const SEAL_RED: Rgb = (220, 30, 40);

#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub(super) size: f32,
    pub(super) color: Rgb,
    pub(super) bold: bool,
}

pub(super) const fn style(size: f32, color: Rgb, bold: bool) -> Style {
    Style { size, color, bold }
}

pub(super) const BODY_STYLE: Style = style(BODY, BLACK, false);
pub(super) const SMALL_STYLE: Style = style(SMALL, GREY, false);
pub(super) const HEADING_STYLE: Style = style(HEADING, BLACK, true);

// ---------------------------------------------------------------------------------------------
// Measuring and wrapping.

/// Advance widths from the font's own metrics (`hmtx`), in points at a given size.
pub(super) struct Measure<'a> {
    pub(super) charmap: Charmap<'a>,
    pub(super) metrics: GlyphMetrics<'a>,
    pub(super) units_per_em: f32,
}

impl<'a> Measure<'a> {
    pub(super) fn new(font: &'a PdfFont) -> Result<Self, String> {
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

    pub(super) fn char_width(&self, c: char, size: f32) -> f32 {
        let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
        self.metrics.advance_width(glyph).unwrap_or(0.0) * size / self.units_per_em
    }

    pub(super) fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.char_width(c, size)).sum()
    }
}

/// Characters after which a line may break anywhere (CJK, fullwidth forms and punctuation).
pub(super) fn breaks_anywhere(c: char) -> bool {
    c >= '\u{2E80}'
}

/// Closing punctuation: never at the start of a line.
pub(super) fn no_line_start(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(c), None) if "，。、；：！？）》」』】〕〉”’…·,.;:!?)]}%".contains(c)
    )
}

/// Opening punctuation: never at the end of a line.
pub(super) fn no_line_end(c: char) -> bool {
    "（《「『【〔〈“‘([{".contains(c)
}

/// Splits a line of text into unbreakable pieces: one CJK character, one space, or a run of
/// other characters (a Latin word, a number, a URL).
pub(super) fn tokens(text: &str) -> Vec<&str> {
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
pub(super) fn wrap(m: &Measure, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
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

pub(super) enum Op {
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

pub(super) struct Layout<'a> {
    pub(super) m: &'a Measure<'a>,
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) current: Vec<Op>,
    /// Top of the next line.
    pub(super) y: f32,
}

impl<'a> Layout<'a> {
    pub(super) fn new(m: &'a Measure<'a>) -> Self {
        Layout {
            m,
            pages: Vec::new(),
            current: Vec::new(),
            y: TOP,
        }
    }

    pub(super) fn finish(mut self) -> Vec<Vec<Op>> {
        self.pages.push(self.current);
        self.pages
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.current));
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit on this one (or this one is empty).
    pub(super) fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && !self.current.is_empty() {
            self.new_page();
        }
    }

    pub(super) fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// One line made of pieces `(x, text, style)` sharing a baseline.
    pub(super) fn row(&mut self, pieces: Vec<(f32, String, Style)>) {
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

    pub(super) fn line(&mut self, x: f32, text: String, style: Style) {
        self.row(vec![(x, text, style)]);
    }

    pub(super) fn centered(&mut self, text: &str, style: Style) {
        let w = self.m.width(text, style.size);
        self.line((PAGE_W - w) / 2.0, text.to_string(), style);
    }

    pub(super) fn rule(&mut self, width: f32, color: Rgb) {
        self.current.push(Op::Rule {
            x1: LEFT,
            x2: RIGHT,
            y: self.y,
            width,
            color,
        });
    }

    /// A section heading, kept on the same page as the two lines after it.
    pub(super) fn heading(&mut self, text: &str) {
        self.gap(8.0);
        self.ensure(HEADING * LEADING + 2.0 * BODY * LEADING);
        self.line(LEFT, text.to_string(), HEADING_STYLE);
        self.gap(2.0);
    }

    /// Paragraphs (one per line of `text`) starting at `indent`, the first line of each
    /// further indented by `first_indent`.
    pub(super) fn paragraphs(&mut self, text: &str, style: Style, indent: f32, first_indent: f32) {
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
    pub(super) fn labelled(&mut self, indent: f32, label: &str, text: &str, style: Style) {
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
    pub(super) fn block(&mut self, h: f32) -> f32 {
        self.ensure(h);
        let top = self.y;
        self.y += h;
        top
    }
}

/// Tabs and control characters out, runs of spaces kept as they are.
pub(super) fn clean(s: &str) -> String {
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
pub(super) fn zh_time(t: DateTime<Utc>) -> String {
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

pub(super) fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 1 → 一, 12 → 十二, 20 → 二十 (beyond 99: Arabic digits).
pub(super) fn zh_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let units = |u: usize| if u == 0 { "" } else { D[u] };
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", units(n - 10)),
        20..=99 => format!("{}十{}", D[n / 10], units(n - n / 10 * 10)),
        _ => n.to_string(),
    }
}
