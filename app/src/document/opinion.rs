//! The sealed 鉴定意见书 (guide Annex 2) as a printable A4 PDF, and the QR code of its verification address.
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

use crate::domain::opinion::{Conclusion, SealedOpinion};
use crate::domain::sheet::ExpertVerdict;

use super::*;

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

pub(super) fn metadata(o: &SealedOpinion) -> Metadata {
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

pub(super) fn lay_out(l: &mut Layout, o: &SealedOpinion, verify_url: &str, qr: &QrCode) {
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

pub(super) fn footer(
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

pub(super) fn verdict_zh(v: ExpertVerdict) -> &'static str {
    match v {
        ExpertVerdict::Subject => Conclusion::Subject.zh(),
        ExpertVerdict::NonSubject => Conclusion::NonSubject.zh(),
        ExpertVerdict::Undetermined => Conclusion::Undetermined.zh(),
    }
}
