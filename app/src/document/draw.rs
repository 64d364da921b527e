//! Drawing a page's operations onto a krilla surface.

use super::*;

// ---------------------------------------------------------------------------------------------
// Drawing.

pub(super) fn color(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

pub(super) fn fill(c: Rgb) -> Fill {
    Fill {
        paint: color(c).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

pub(super) fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: color(c).into(),
        width,
        ..Stroke::default()
    }
}

pub(super) fn text(surface: &mut Surface, font: &Font, x: f32, baseline: f32, s: &str, st: Style) {
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

pub(super) fn draw(surface: &mut Surface, font: &Font, op: &Op) {
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
