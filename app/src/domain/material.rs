//! The application's materials (申报材料): their kinds and the checklist an application must
//! meet. Every application needs 培训课程方案, 教学大纲 *or* 教学计划, 课时教案, 评价方案 and 宣传材料
//! ([`required_materials`]); 教材/教辅/进度安排 are asked for by the panel when it needs them.

use super::error::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Materials (申报材料)
// ---------------------------------------------------------------------------------------------

coded! {
    /// Type of an uploaded material (材料类型).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MaterialKind("material") {
        /// 培训课程方案
        CoursePlan = "course_plan",
        /// 教材
        Textbook = "textbook",
        /// 教辅
        Supplementary = "supplementary",
        /// 教学大纲
        Syllabus = "syllabus",
        /// 教学计划
        TeachingPlan = "teaching_plan",
        /// 进度安排
        Schedule = "schedule",
        /// 课时教案
        LessonPlan = "lesson_plan",
        /// 评价方案
        EvaluationPlan = "evaluation_plan",
        /// 宣传材料
        Promotional = "promotional",
        /// 其他
        Other = "other",
        /// 复审新证据: filed with a re-review application (not part of the application's checklist).
        RereviewEvidence = "rereview_evidence",
    }
}

impl MaterialKind {
    /// The kinds an application's checklist offers (the form's upload slots).
    pub const APPLICATION: [MaterialKind; 10] = [
        MaterialKind::CoursePlan,
        MaterialKind::Textbook,
        MaterialKind::Supplementary,
        MaterialKind::Syllabus,
        MaterialKind::TeachingPlan,
        MaterialKind::Schedule,
        MaterialKind::LessonPlan,
        MaterialKind::EvaluationPlan,
        MaterialKind::Promotional,
        MaterialKind::Other,
    ];
}

/// One line of the material checklist (材料清单): satisfied by a material of any of the kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialRequirement {
    /// Translation key of the checklist line.
    pub key: &'static str,
    pub any_of: &'static [MaterialKind],
}

const REQUIRED: [MaterialRequirement; 5] = [
    MaterialRequirement {
        key: "material.req.course_plan",
        any_of: &[MaterialKind::CoursePlan],
    },
    MaterialRequirement {
        key: "material.req.syllabus_or_plan",
        any_of: &[MaterialKind::Syllabus, MaterialKind::TeachingPlan],
    },
    MaterialRequirement {
        key: "material.req.lesson_plan",
        any_of: &[MaterialKind::LessonPlan],
    },
    MaterialRequirement {
        key: "material.req.evaluation_plan",
        any_of: &[MaterialKind::EvaluationPlan],
    },
    MaterialRequirement {
        key: "material.req.promotional",
        any_of: &[MaterialKind::Promotional],
    },
];

/// The checklist every application must satisfy before it can be submitted.
pub fn required_materials() -> &'static [MaterialRequirement] {
    &REQUIRED
}

/// The checklist lines not satisfied by the materials present.
pub fn missing_materials(present: &[MaterialKind]) -> Vec<&'static MaterialRequirement> {
    REQUIRED
        .iter()
        .filter(|r| !r.any_of.iter().any(|k| present.contains(k)))
        .collect()
}

/// Field errors (`materials`) for the missing checklist lines.
pub fn validate_materials(present: &[MaterialKind]) -> FieldErrors {
    let mut errs = FieldErrors::new();
    for r in missing_materials(present) {
        errs.push(FieldError::new("materials", "err.material_missing").arg("material", r.key));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materials() {
        use MaterialKind::*;
        assert_eq!(missing_materials(&[]).len(), 5);
        let full = [
            CoursePlan,
            TeachingPlan,
            LessonPlan,
            EvaluationPlan,
            Promotional,
        ];
        assert!(missing_materials(&full).is_empty());
        assert!(validate_materials(&full).is_empty());
        let alt = [
            CoursePlan,
            Syllabus,
            LessonPlan,
            EvaluationPlan,
            Promotional,
            Other,
        ];
        assert!(missing_materials(&alt).is_empty());
        let m = missing_materials(&[CoursePlan, Textbook, LessonPlan]);
        let keys: Vec<&str> = m.iter().map(|r| r.key).collect();
        assert_eq!(
            keys,
            [
                "material.req.syllabus_or_plan",
                "material.req.evaluation_plan",
                "material.req.promotional"
            ]
        );
    }
}
