//! Statements for self-assessment records that are not attempt logs: competency self-ratings
//! (only with the learner's consent) and module evaluations (possibly anonymous).
//!
//! Each record is its own registration (its UUID); statement ids are [`derived_id`]s over
//! (registration, 0, index), so re-sending a record gives the same ids and bodies.

use serde_json::Value;

use super::{
    activity, activity_types, ext, ext_key, is_absolute_iri, lang_map, normalize_uuid, timestamp,
    typed, verb, verbs, Account, Activity, ActivityDefinition, Agent, Context, ContextActivities,
    Extensions, InteractionComponent, Statement, StatementContext, StatementResult, StatementSlot,
    XapiError,
};
use crate::model::{Catalog, CatalogEntry, ContentKind};
use crate::self_assessment::evaluation::Question;
use crate::self_assessment::{Consent, Evaluation, Profile, SelfRating};
use crate::text::LocalText;

/// One statement before the parts common to the record are added.
struct Part {
    object: Activity,
    response: String,
}

struct Record<'a> {
    ctx: &'a StatementContext,
    registration: String,
    /// No platform or language in the statements, and the class's registration rather than
    /// the record's (an anonymous evaluation): the record's still derives the statement ids.
    anonymous: bool,
    actor: Agent,
    parent: Vec<Activity>,
    grouping: Vec<Activity>,
    extensions: Extensions,
    at_ms: i64,
}

impl Record<'_> {
    fn statements(
        self,
        parts: Vec<Part>,
        ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
    ) -> Result<Vec<Statement>, XapiError> {
        let at = timestamp(self.at_ms)?;
        let category = vec![activity(
            self.ctx.profile_id(),
            typed(activity_types::PROFILE, None, None),
        )];
        let mut grouping = self.grouping.clone();
        grouping.extend(super::class_activity(self.ctx));
        // An anonymous evaluation names its class only (the class's own registration, the
        // trainer's `registration` filter), never the learner's record.
        let registration = if self.anonymous {
            (!self.ctx.class_code.trim().is_empty())
                .then(|| super::class_registration(&self.ctx.base, &self.ctx.class_code))
        } else {
            Some(self.registration.clone())
        };
        let mut out = Vec::with_capacity(parts.len());
        for (index, part) in parts.into_iter().enumerate() {
            let slot = StatementSlot {
                registration: &self.registration,
                seq: 0,
                index: index as u32,
                verb: verbs::ANSWERED,
            };
            let given = ids(&slot);
            let id = normalize_uuid(&given).ok_or(XapiError::StatementId(given))?;
            out.push(Statement {
                id,
                actor: self.actor.clone(),
                verb: verb(verbs::ANSWERED),
                object: part.object,
                result: Some(StatementResult {
                    response: Some(part.response),
                    ..StatementResult::default()
                }),
                context: Context {
                    registration: registration.clone(),
                    context_activities: ContextActivities {
                        parent: self.parent.clone(),
                        grouping: grouping.clone(),
                        category: category.clone(),
                    },
                    revision: None,
                    platform: (!self.anonymous).then(|| self.ctx.platform.clone()),
                    language: (!self.anonymous).then(|| self.ctx.language.as_str().to_owned()),
                    extensions: self.extensions.clone(),
                },
                timestamp: at.clone(),
            });
        }
        Ok(out)
    }
}

fn check_ctx(ctx: &StatementContext) -> Result<(), XapiError> {
    if !is_absolute_iri(ctx.base()) {
        return Err(XapiError::Base(ctx.base.clone()));
    }
    if !is_absolute_iri(&ctx.learner.home_page) {
        return Err(XapiError::HomePage(ctx.learner.home_page.clone()));
    }
    Ok(())
}

fn learner(ctx: &StatementContext) -> Agent {
    Agent {
        object_type: "Agent".into(),
        name: Some(ctx.learner.name.clone()),
        account: Account {
            home_page: ctx.learner.home_page.clone(),
            name: ctx.learner.account_name.clone(),
        },
    }
}

fn class_code(ctx: &StatementContext) -> Extensions {
    let mut e = Extensions::new();
    if !ctx.class_code.trim().is_empty() {
        e.insert(
            ext_key(ctx, ext::CLASS_CODE),
            Value::from(ctx.class_code.trim()),
        );
    }
    e
}

fn module_activity(ctx: &StatementContext, entry: &CatalogEntry) -> Activity {
    activity(
        ctx.module_id(&entry.id),
        typed(
            activity_types::MODULE,
            Some(lang_map(&entry.title)),
            Some(lang_map(&entry.summary)),
        ),
    )
}

fn field_activity(ctx: &StatementContext, field: &str) -> Activity {
    activity(ctx.field_id(field), typed(&ctx.field_type(), None, None))
}

fn likert(
    id: String,
    name: LocalText,
    description: Option<LocalText>,
    scale: Vec<LocalText>,
) -> Activity {
    activity(
        id,
        ActivityDefinition {
            name: Some(lang_map(&name)),
            description: description.as_ref().map(lang_map),
            kind: activity_types::INTERACTION.into(),
            interaction_type: Some("likert".into()),
            // A self-assessment or an opinion has no correct answer: no pattern.
            correct_responses_pattern: None,
            choices: None,
            scale: Some(
                scale
                    .iter()
                    .enumerate()
                    .map(|(i, d)| InteractionComponent {
                        id: (i + 1).to_string(),
                        description: lang_map(d),
                    })
                    .collect(),
            ),
        },
    )
}

/// The statements of a self-rating: one `answered` per rated competency, a `likert`
/// interaction whose scale is the framework's five level descriptors. None at all unless the
/// learner consents to share self-ratings; the position only when they share their profile.
pub fn self_rating_statements(
    rating: &SelfRating,
    catalog: &Catalog,
    consent: &Consent,
    profile: Option<&Profile>,
    ctx: &StatementContext,
    ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
) -> Result<Vec<Statement>, XapiError> {
    if !consent.share_self_ratings {
        return Ok(Vec::new());
    }
    rating
        .validate(catalog)
        .map_err(|e| XapiError::Invalid(e.to_string()))?;
    check_ctx(ctx)?;
    let registration =
        normalize_uuid(&rating.id).ok_or_else(|| XapiError::Registration(rating.id.clone()))?;
    let mut extensions = class_code(ctx);
    let (mut parent, mut grouping) = (Vec::new(), Vec::new());
    if let Some(link) = &rating.module {
        if let Some(entry) = catalog.entry(ContentKind::Module, &link.module) {
            parent.push(module_activity(ctx, entry));
            grouping.push(field_activity(ctx, &entry.field));
        }
        extensions.insert(
            ext_key(ctx, ext::RATING_PHASE),
            Value::from(link.phase.as_str()),
        );
        if let Some(attempt) = &link.attempt_id {
            extensions.insert(
                ext_key(ctx, ext::MODULE_ATTEMPT),
                Value::from(normalize_uuid(attempt).unwrap_or_else(|| attempt.clone())),
            );
        }
    }
    if consent.share_profile {
        if let Some(position) = profile.and_then(|p| p.position.as_ref()) {
            extensions.insert(ext_key(ctx, ext::POSITION), Value::from(position.clone()));
        }
    }
    let parts = rating
        .ratings
        .iter()
        .filter_map(|(id, level)| {
            let c = catalog.competency(id)?;
            let name = LocalText {
                vi: format!("Tự đánh giá: {}", c.name.vi),
                en: c.name.en.as_ref().map(|en| format!("Self-rating: {en}")),
            };
            Some(Part {
                object: likert(
                    ctx.self_rating_id(id),
                    name,
                    Some(c.description.clone()),
                    c.levels.clone(),
                ),
                response: level.to_string(),
            })
        })
        .collect();
    Record {
        ctx,
        registration,
        anonymous: false,
        actor: learner(ctx),
        parent,
        grouping,
        extensions,
        at_ms: rating.at_ms,
    }
    .statements(parts, ids)
}

fn question_text(q: Question) -> LocalText {
    match q {
        Question::Usefulness => LocalText::both(
            "Học phần hữu ích cho công việc của tôi.",
            "The module is useful for my work.",
        ),
        Question::Clarity => LocalText::both(
            "Nội dung được trình bày rõ ràng, dễ hiểu.",
            "The content is clear and easy to follow.",
        ),
        Question::Relevance => LocalText::both(
            "Nội dung sát với nhiệm vụ ở vị trí của tôi.",
            "The content matches the tasks of my position.",
        ),
    }
}

fn agreement_scale() -> Vec<LocalText> {
    vec![
        LocalText::both("Hoàn toàn không đồng ý", "Strongly disagree"),
        LocalText::both("Không đồng ý", "Disagree"),
        LocalText::both("Phân vân", "Neutral"),
        LocalText::both("Đồng ý", "Agree"),
        LocalText::both("Hoàn toàn đồng ý", "Strongly agree"),
    ]
}

fn fill_in(id: String, name: LocalText) -> Activity {
    activity(
        id,
        ActivityDefinition {
            name: Some(lang_map(&name)),
            kind: activity_types::INTERACTION.into(),
            interaction_type: Some("fill-in".into()),
            ..ActivityDefinition::default()
        },
    )
}

/// The statements of a module evaluation: `answered` on three `likert` questions, a `fill-in`
/// for what the learner will do differently and one for the comment (when there is one). An
/// anonymous evaluation's actor is an account agent without a name whose account name is the
/// evaluation's own random UUID, its timestamp is cut to the day (00:00 UTC), and its context
/// has no registration, platform or language, so that it links to no learner and to none of
/// their attempts; the class code stays (the form says so), so the trainer can still
/// aggregate per class. (How it travels matters too: see `sync`'s anonymous records.)
pub fn evaluation_statements(
    evaluation: &Evaluation,
    module: &CatalogEntry,
    ctx: &StatementContext,
    ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
) -> Result<Vec<Statement>, XapiError> {
    evaluation.validate().map_err(|errors| {
        XapiError::Invalid(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    if module.kind != ContentKind::Module || module.id != evaluation.module {
        return Err(XapiError::Invalid(format!(
            "the evaluation is of `{}`, not of `{}`",
            evaluation.module, module.id
        )));
    }
    check_ctx(ctx)?;
    let registration = normalize_uuid(&evaluation.id)
        .ok_or_else(|| XapiError::Registration(evaluation.id.clone()))?;
    let (actor, at_ms) = if evaluation.anonymous {
        (
            Agent {
                object_type: "Agent".into(),
                name: None,
                account: Account {
                    home_page: ctx.learner.home_page.clone(),
                    name: registration.clone(),
                },
            },
            evaluation.at_ms.div_euclid(86_400_000) * 86_400_000,
        )
    } else {
        (learner(ctx), evaluation.at_ms)
    };
    let form = activity(
        ctx.evaluation_form_id(&module.id),
        typed(
            activity_types::SURVEY,
            Some(lang_map(&LocalText {
                vi: format!("Đánh giá học phần: {}", module.title.vi),
                en: module
                    .title
                    .en
                    .as_ref()
                    .map(|t| format!("Module evaluation: {t}")),
            })),
            None,
        ),
    );
    let mut parts: Vec<Part> = Question::ALL
        .into_iter()
        .map(|q| Part {
            object: likert(
                ctx.evaluation_id(&module.id, q.as_str()),
                question_text(q),
                None,
                agreement_scale(),
            ),
            response: evaluation.answer(q).to_string(),
        })
        .collect();
    parts.push(Part {
        object: fill_in(
            ctx.evaluation_id(&module.id, "intended-use"),
            LocalText::both(
                "Sau học phần này, tôi sẽ làm khác đi điều gì?",
                "What will I do differently after this module?",
            ),
        ),
        response: evaluation.intended_use.trim().to_owned(),
    });
    if let Some(comment) = evaluation.comment() {
        parts.push(Part {
            object: fill_in(
                ctx.evaluation_id(&module.id, "comment"),
                LocalText::both("Góp ý khác", "Other comments"),
            ),
            response: comment.to_owned(),
        });
    }
    Record {
        ctx,
        registration,
        anonymous: evaluation.anonymous,
        actor,
        parent: vec![form],
        grouping: vec![
            module_activity(ctx, module),
            field_activity(ctx, &module.field),
        ],
        extensions: class_code(ctx),
        at_ms,
    }
    .statements(parts, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::self_assessment::rating::{ModuleLink, Phase};
    use crate::self_assessment::tests::{catalog, evaluation};
    use crate::text::Lang;
    use crate::xapi::{derived_id, Learner};

    fn ctx() -> StatementContext {
        StatementContext {
            base: "https://boiduong.example/xapi".into(),
            learner: Learner {
                name: "Nguyễn Thị Hồng".into(),
                home_page: "https://boiduong.example".into(),
                account_name: "hong.nt".into(),
            },
            class_code: "QLNN-2026-01".into(),
            platform: "Boiduong 0.1.0 (web)".into(),
            language: Lang::Vi,
        }
    }

    fn rating() -> SelfRating {
        SelfRating {
            id: "3b241101-e2bb-4255-8caf-4136c566a962".into(),
            learner_id: "l".into(),
            module: Some(ModuleLink {
                module: "tiep-nhan".into(),
                phase: Phase::Before,
                attempt_id: Some("0F8FAD5B-D9CB-469F-A165-70867728950E".into()),
            }),
            ratings: [("giao_tiep".to_owned(), 4u8), ("dao_duc".to_owned(), 2)].into(),
            at_ms: 1_795_835_045_123,
        }
    }

    fn profile() -> Profile {
        Profile {
            position: Some("cong-chuc-chuyen-mon-xa".into()),
            ..Profile::new(0)
        }
    }

    // Guards consent: without it a self-rating produces no statement at all; the position
    // travels only with `share_profile`.
    #[test]
    fn self_ratings_follow_consent() {
        let none = Consent::default();
        let st = self_rating_statements(
            &rating(),
            &catalog(),
            &none,
            Some(&profile()),
            &ctx(),
            &mut derived_id,
        )
        .expect("ok");
        assert!(st.is_empty());
        let ratings_only = Consent {
            share_self_ratings: true,
            share_profile: false,
        };
        let st = self_rating_statements(
            &rating(),
            &catalog(),
            &ratings_only,
            Some(&profile()),
            &ctx(),
            &mut derived_id,
        )
        .expect("ok");
        assert_eq!(st.len(), 2);
        let position = ctx().extension(ext::POSITION);
        assert!(st
            .iter()
            .all(|s| !s.context.extensions.contains_key(&position)));
        let json = serde_json::to_string(&st).expect("json");
        assert!(!json.contains("cong-chuc-chuyen-mon-xa"));
        let both = Consent {
            share_self_ratings: true,
            share_profile: true,
        };
        let st = self_rating_statements(
            &rating(),
            &catalog(),
            &both,
            Some(&profile()),
            &ctx(),
            &mut derived_id,
        )
        .expect("ok");
        assert!(st.iter().all(|s| s.context.extensions.get(&position)
            == Some(&Value::from("cong-chuc-chuyen-mon-xa"))));
    }

    // Guards the self-rating statement's shape: a likert interaction with the five level
    // descriptors as its scale, no correct answer, the response the level, and the module,
    // phase and attempt as context.
    #[test]
    fn self_rating_is_a_likert_interaction() {
        let consent = Consent {
            share_self_ratings: true,
            share_profile: false,
        };
        let st = self_rating_statements(
            &rating(),
            &catalog(),
            &consent,
            None,
            &ctx(),
            &mut derived_id,
        )
        .expect("ok");
        let gt = st
            .iter()
            .find(|s| s.object.id.ends_with("/competencies/giao_tiep/self-rating"))
            .expect("giao_tiep");
        let def = &gt.object.definition;
        assert_eq!(def.interaction_type.as_deref(), Some("likert"));
        assert!(def.correct_responses_pattern.is_none());
        let scale = def.scale.as_ref().expect("scale");
        assert_eq!(scale.len(), 5);
        assert_eq!(scale[0].id, "1");
        assert_eq!(scale[4].description["vi"], "Mức 5");
        assert_eq!(
            gt.result.as_ref().and_then(|r| r.response.as_deref()),
            Some("4")
        );
        assert_eq!(
            gt.context.registration.as_deref(),
            Some("3b241101-e2bb-4255-8caf-4136c566a962")
        );
        assert_eq!(
            gt.context.context_activities.parent[0].id,
            "https://boiduong.example/xapi/modules/tiep-nhan"
        );
        let e = &gt.context.extensions;
        assert_eq!(
            e.get(&ctx().extension(ext::RATING_PHASE)),
            Some(&Value::from("before"))
        );
        assert_eq!(
            e.get(&ctx().extension(ext::MODULE_ATTEMPT)),
            Some(&Value::from("0f8fad5b-d9cb-469f-a165-70867728950e"))
        );
        assert!(gt.context.revision.is_none());
        // a rating out of range is refused, not sent
        let mut bad = rating();
        bad.ratings.insert("phap_luat".into(), 9);
        assert!(matches!(
            self_rating_statements(&bad, &catalog(), &consent, None, &ctx(), &mut derived_id),
            Err(XapiError::Invalid(_))
        ));
    }

    // Guards anonymity: an anonymous evaluation's actor has no name and an account named by
    // the evaluation's own UUID, its time is cut to the day, the class code stays; a named one
    // carries the learner.
    #[test]
    fn anonymous_evaluation_links_to_no_learner() {
        let cat = catalog();
        let entry = cat.entry(ContentKind::Module, "tiep-nhan").expect("entry");
        let mut e = evaluation();
        e.at_ms = 1_795_835_045_123;
        let named = evaluation_statements(&e, entry, &ctx(), &mut derived_id).expect("named");
        assert_eq!(named.len(), 5);
        assert_eq!(named[0].actor.name.as_deref(), Some("Nguyễn Thị Hồng"));
        assert_eq!(named[0].timestamp, "2026-11-28T03:04:05.123Z");
        e.anonymous = true;
        let anon = evaluation_statements(&e, entry, &ctx(), &mut derived_id).expect("anonymous");
        let json = serde_json::to_string(&anon).expect("json");
        assert!(!json.contains("hong.nt") && !json.contains("Nguyễn Thị Hồng"));
        assert!(anon.iter().all(|s| s.actor.name.is_none()
            && s.actor.account.name == e.id
            && s.timestamp == "2026-11-28T00:00:00.000Z"));
        // nothing in the context names a record, a device's version or a language: the
        // registration is the class's, the same for every learner of the class
        let class_reg = crate::xapi::class_registration(&ctx().base, "QLNN-2026-01");
        assert!(anon
            .iter()
            .all(|s| s.context.registration.as_deref() == Some(&class_reg)
                && s.context.platform.is_none()
                && s.context.language.is_none()));
        assert_ne!(class_reg, e.id);
        assert!(!json.contains("\"language\""));
        let mut classless = ctx();
        classless.class_code = String::new();
        let none = evaluation_statements(&e, entry, &classless, &mut derived_id).expect("none");
        assert!(none.iter().all(|s| s.context.registration.is_none()));
        assert!(!json.contains("Boiduong 0.1.0"));
        assert!(named.iter().all(
            |s| s.context.registration.is_some() && s.context.language.as_deref() == Some("vi")
        ));
        assert!(json.contains("QLNN-2026-01"));
        let kinds: Vec<&str> = anon
            .iter()
            .filter_map(|s| s.object.definition.interaction_type.as_deref())
            .collect();
        assert_eq!(kinds, ["likert", "likert", "likert", "fill-in", "fill-in"]);
        assert_eq!(
            anon[3].result.as_ref().and_then(|r| r.response.as_deref()),
            Some(e.intended_use.as_str())
        );
        // no comment, no comment statement; an invalid evaluation is not sent
        e.comment = None;
        assert_eq!(
            evaluation_statements(&e, entry, &ctx(), &mut derived_id)
                .expect("ok")
                .len(),
            4
        );
        e.usefulness = 0;
        assert!(matches!(
            evaluation_statements(&e, entry, &ctx(), &mut derived_id),
            Err(XapiError::Invalid(_))
        ));
    }
}
