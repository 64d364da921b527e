//! The bureau's seal: a red ring with a star and the bureau's name around it.

use super::*;

pub(super) fn circle(cx: f32, cy: f32, r: f32) -> Option<Path> {
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

pub(super) fn star(cx: f32, cy: f32, r: f32) -> Option<Path> {
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

/// A round red seal: ring, star, the bureau's name along the top arc and 鉴定专用章 below the
/// star. Drawn with the multiply blend mode so the text under it stays readable, like ink.
pub(super) fn draw_seal(surface: &mut Surface, font: &Font, cx: f32, cy: f32, r: f32, name: &str) {
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
