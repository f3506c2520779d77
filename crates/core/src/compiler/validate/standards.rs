//! Position standards (`standards.toml`): positions, their required competency levels,
//! qualifications and training, each with its basis.

use super::*;
use crate::self_assessment::levels::{Level, Qualification};
use crate::self_assessment::standards::{
    Basis, CompetencyRequirement, PositionStandard, Requirement, Standards, Training,
    STANDARDS_FORMAT,
};

/// Compiles `standards.toml` against the competency framework.
pub fn compile_standards(
    path: &Path,
    src: &str,
    framework: &Framework,
) -> Result<Standards, Vec<Diagnostic>> {
    let mut ctx = Ctx::new(path, src);
    let Some(src) = ctx.parse::<SrcStandards>() else {
        return Err(ctx.diags);
    };
    let source = ctx.text(&src.source, "source", true);
    let centre_note = src
        .centre_note
        .as_ref()
        .map(|n| ctx.text(n, "centre_note", true));
    ctx.unique(src.training.iter().map(|t| &t.id), "training");
    let trainings = src
        .training
        .iter()
        .map(|t| {
            let id = ctx.id(&t.id, "training");
            let path = format!("training `{id}`");
            let qualification = match Qualification::parse(t.qualification.get_ref()) {
                Some(q) => q,
                None => {
                    ctx.err(
                        &t.qualification,
                        format!("{path}.qualification"),
                        Rule::UnknownValue,
                        format!(
                            "unknown qualification `{}` (education, political_theory, \
                             state_management, foreign_language, it_skill)",
                            t.qualification.get_ref()
                        ),
                    );
                    Qualification::Education
                }
            };
            if qualification.rank(t.level.get_ref()).is_none() {
                ctx.err(
                    &t.level,
                    format!("{path}.level"),
                    Rule::UnknownValue,
                    format!(
                        "`{}` is not a level of {} ({})",
                        t.level.get_ref(),
                        qualification.as_str(),
                        qualification.ids()
                    ),
                );
            }
            Training {
                name: ctx.text(&t.name, &format!("{path}.name"), true),
                qualification,
                level: t.level.get_ref().clone(),
                id,
            }
        })
        .collect();
    if src.position.is_empty() {
        ctx.err(
            &src.source,
            "position",
            Rule::Structure,
            "the standards name at least one [[position]]",
        );
    }
    ctx.unique(src.position.iter().map(|p| &p.id), "position");
    let positions = src
        .position
        .iter()
        .map(|p| compile_position(&mut ctx, p, framework, centre_note.as_ref()))
        .collect();
    ctx.finish(Standards {
        format: STANDARDS_FORMAT,
        source,
        trainings,
        positions,
    })
}

fn compile_position(
    ctx: &mut Ctx,
    p: &SrcPosition,
    framework: &Framework,
    centre_note: Option<&LocalText>,
) -> PositionStandard {
    let id = ctx.id(&p.id, "position");
    let path = format!("position `{id}`");
    ctx.unique(p.competencies.iter().map(|c| &c.id), "competency");
    let competencies = p
        .competencies
        .iter()
        .map(|c| {
            let cpath = format!("{path}.competency `{}`", c.id.get_ref());
            if !framework.has_competency(c.id.get_ref()) {
                ctx.err(
                    &c.id,
                    &cpath,
                    Rule::UnknownCompetency,
                    format!(
                        "unknown competency `{}` (see competencies.toml)",
                        c.id.get_ref()
                    ),
                );
            }
            let level = *c.level.get_ref();
            if !(1..=5).contains(&level) {
                ctx.err(
                    &c.level,
                    format!("{cpath}.level"),
                    Rule::LevelRange,
                    format!("expected level {level} is outside 1..5 (the framework's levels)"),
                );
            }
            let basis = match &c.basis {
                Some(b) => basis(ctx, b, &cpath),
                None => Basis::Centre,
            };
            let note = note(ctx, &c.note, basis, centre_note, &c.id, &cpath);
            CompetencyRequirement {
                competency: c.id.get_ref().clone(),
                level: level.clamp(0, 255) as u8,
                basis,
                note,
            }
        })
        .collect();
    PositionStandard {
        name: ctx.text(&p.name, &format!("{path}.name"), true),
        description: p
            .description
            .as_ref()
            .map(|d| ctx.text(d, &format!("{path}.description"), true)),
        education: requirement(ctx, &p.education, &format!("{path}.education"), centre_note),
        political_theory: requirement(
            ctx,
            &p.political_theory,
            &format!("{path}.political_theory"),
            centre_note,
        ),
        state_management: requirement(
            ctx,
            &p.state_management,
            &format!("{path}.state_management"),
            centre_note,
        ),
        foreign_language: requirement(
            ctx,
            &p.foreign_language,
            &format!("{path}.foreign_language"),
            centre_note,
        ),
        it_skill: requirement(ctx, &p.it_skill, &format!("{path}.it_skill"), centre_note),
        competencies,
        id,
    }
}

fn basis(ctx: &mut Ctx, b: &Spanned<String>, path: &str) -> Basis {
    match b.get_ref().as_str() {
        "plan" => Basis::Plan,
        "centre" => Basis::Centre,
        other => {
            ctx.err(
                b,
                format!("{path}.basis"),
                Rule::UnknownValue,
                format!("unknown basis `{other}` (plan: the city plan states it; centre: the training centre sets it)"),
            );
            Basis::Centre
        }
    }
}

/// A requirement's note: its own, or the file's `centre_note` for a value the centre sets.
fn note<T>(
    ctx: &mut Ctx,
    own: &Option<Spanned<SrcText>>,
    basis: Basis,
    centre_note: Option<&LocalText>,
    at: &Spanned<T>,
    path: &str,
) -> Option<LocalText> {
    match own {
        Some(n) => Some(ctx.text(n, &format!("{path}.note"), true)),
        None if basis == Basis::Centre => {
            if centre_note.is_none() {
                ctx.err(
                    at,
                    path,
                    Rule::Structure,
                    "a value the centre sets needs a `note` for the learner (or a file-level `centre_note`)",
                );
            }
            centre_note.cloned()
        }
        None => None,
    }
}

fn requirement<L: Level>(
    ctx: &mut Ctx,
    src: &Option<Spanned<SrcRequirement>>,
    path: &str,
    centre_note: Option<&LocalText>,
) -> Requirement<L> {
    let Some(spanned) = src else {
        return Requirement::not_stated();
    };
    let r = spanned.get_ref();
    let basis = basis(ctx, &r.basis, path);
    let min = r.min.as_ref().and_then(|m| match L::parse(m.get_ref()) {
        Some(l) => Some(l),
        None => {
            ctx.err(
                m,
                format!("{path}.min"),
                Rule::UnknownValue,
                format!("unknown level `{}` (one of: {})", m.get_ref(), L::ids()),
            );
            None
        }
    });
    if basis == Basis::Plan && r.min.is_none() {
        ctx.err(
            spanned,
            path,
            Rule::Structure,
            "a requirement the plan states needs its `min` level",
        );
    }
    let note = note(ctx, &r.note, basis, centre_note, spanned, path);
    Requirement { min, basis, note }
}
