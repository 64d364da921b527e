//! The verification code and its QR code: drawn into the PDF, written into its document
//! information so it can be found in an uploaded file, and shown on the web page.

use super::*;

/// Prefix of the verification code in the document information.
pub(super) const VERIFY_PREFIX: &str = "jianding-verify:";

pub(super) fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// White square with a 4-module quiet zone, dark modules as black rectangles (horizontal runs
/// merged, so a viewer shows no seams between neighbours).
pub(super) fn draw_qr(
    surface: &mut Surface,
    x: f32,
    y: f32,
    side: f32,
    modules: &[bool],
    count: usize,
) {
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

pub(super) fn escape_attr(s: &str) -> String {
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
