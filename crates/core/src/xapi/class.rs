//! A class (lớp) as an xAPI activity, `{base}/classes/{code}`: in the `grouping` of every
//! statement of a learner who has a class code, and the object of the one `joined` statement
//! a learner posts when they sign in with that code. The trainer reads a class through it
//! (see `review::refresh`): its roster is the `joined` statements whose object is the class
//! (the `verb` + `activity` filters every LRS backend honours).

use super::{
    activity, derived_id, is_absolute_iri, normalize_uuid, timestamp, typed, verb, verbs, Account,
    Activity, Agent, Context, ContextActivities, Extensions, LanguageMap, Statement,
    StatementContext, StatementSlot, XapiError,
};
use crate::text::Lang;
use crate::urls::percent_encode as seg;
use serde_json::Value;

/// Longest class code accepted.
pub const CLASS_CODE_MAX: usize = 40;

/// Why a class code is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassCodeError {
    Empty,
    TooLong,
    /// A character other than a letter A-Z, a digit, `-`, `_` or `.`.
    Character(char),
}

impl std::fmt::Display for ClassCodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClassCodeError::Empty => write!(f, "the class code is empty"),
            ClassCodeError::TooLong => {
                write!(
                    f,
                    "the class code is longer than {CLASS_CODE_MAX} characters"
                )
            }
            ClassCodeError::Character(c) => write!(
                f,
                "the class code holds `{c}`: only letters A-Z, digits, `-`, `_` and `.`"
            ),
        }
    }
}

/// A class code as typed, in the one form classes are named by (activity id, cache, roster):
/// trimmed, ASCII upper case; letters A-Z, digits, `-`, `_`, `.`; 1 to 40 characters.
pub fn class_code(typed: &str) -> Result<String, ClassCodeError> {
    let code = typed.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(ClassCodeError::Empty);
    }
    if let Some(c) = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(ClassCodeError::Character(c));
    }
    if code.chars().count() > CLASS_CODE_MAX {
        return Err(ClassCodeError::TooLong);
    }
    Ok(code)
}

/// The class activity id `{base}/classes/{CODE}` (`code` as [`class_code`] writes it; an
/// older, unchecked code is upper-cased and percent-encoded the same way).
pub fn class_id(base: &str, code: &str) -> String {
    format!(
        "{}/classes/{}",
        base.trim_end_matches('/'),
        seg(&code.trim().to_ascii_uppercase())
    )
}

/// The activity type of a class: `{base}/activity-types/class`.
pub fn class_type(base: &str) -> String {
    format!("{}/activity-types/class", base.trim_end_matches('/'))
}

/// The registration of a class's anonymous evaluations: a UUID derived from the class
/// activity id alone, so it names the class (as their `class-code` extension does) and
/// nobody in it; the trainer reads them with the `registration` filter.
pub fn class_registration(base: &str, code: &str) -> String {
    derived_id(&StatementSlot {
        registration: &class_id(base, code),
        seq: u32::MAX,
        index: 0,
        verb: verbs::JOINED,
    })
}

/// The class activity of `ctx`'s learner, typed and named; `None` without a class code.
pub fn class_activity(ctx: &StatementContext) -> Option<Activity> {
    let code = ctx.class_code.trim();
    if code.is_empty() {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    let mut name = LanguageMap::new();
    name.insert(Lang::Vi.as_str().to_owned(), format!("Lớp {upper}"));
    name.insert(Lang::En.as_str().to_owned(), format!("Class {upper}"));
    Some(activity(
        class_id(&ctx.base, code),
        typed(&class_type(&ctx.base), Some(name), None),
    ))
}

/// The statement of a learner joining their class: `joined` the class activity (grouping the
/// class too, like every statement of theirs), with the class code, platform and language of
/// `ctx`. `id` is the statement's id (a fresh UUID: each sign-in that joins posts its own; the
/// roster counts a learner once).
pub fn joined_statement(
    ctx: &StatementContext,
    id: &str,
    at_ms: i64,
) -> Result<Statement, XapiError> {
    let base = ctx.base.trim_end_matches('/');
    if !is_absolute_iri(base) {
        return Err(XapiError::Base(ctx.base.clone()));
    }
    if !is_absolute_iri(&ctx.learner.home_page) {
        return Err(XapiError::HomePage(ctx.learner.home_page.clone()));
    }
    let code = class_code(&ctx.class_code).map_err(|e| XapiError::Invalid(e.to_string()))?;
    let class = class_activity(ctx).ok_or_else(|| XapiError::Invalid("no class code".into()))?;
    let id = normalize_uuid(id).ok_or_else(|| XapiError::StatementId(id.to_owned()))?;
    let mut extensions = Extensions::new();
    extensions.insert(ctx.extension(super::ext::CLASS_CODE), Value::from(code));
    Ok(Statement {
        id,
        actor: Agent {
            object_type: "Agent".into(),
            name: Some(ctx.learner.name.clone()),
            account: Account {
                home_page: ctx.learner.home_page.clone(),
                name: ctx.learner.account_name.clone(),
            },
        },
        verb: verb(verbs::JOINED),
        object: class.clone(),
        result: None,
        context: Context {
            registration: None,
            context_activities: ContextActivities {
                parent: Vec::new(),
                grouping: vec![class],
                category: vec![activity(
                    ctx.profile_id(),
                    typed(super::activity_types::PROFILE, None, None),
                )],
            },
            revision: None,
            platform: Some(ctx.platform.clone()),
            language: Some(ctx.language.as_str().to_owned()),
            extensions,
        },
        timestamp: timestamp(at_ms)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xapi::Learner;

    fn ctx(code: &str) -> StatementContext {
        StatementContext {
            base: "https://b.example/xapi/".into(),
            learner: Learner {
                name: "Nguyễn Văn An".into(),
                home_page: "https://lrs.example".into(),
                account_name: "hv01".into(),
            },
            class_code: code.into(),
            platform: "Boiduong (web)".into(),
            language: Lang::Vi,
        }
    }

    // Guards the one form of a class code: trimmed and upper-cased, refused with the reason
    // when empty, too long or holding a character an activity id would have to escape.
    #[test]
    fn class_codes_are_checked() {
        assert_eq!(class_code(" qlnn-2027_03.a "), Ok("QLNN-2027_03.A".into()));
        assert_eq!(class_code("  "), Err(ClassCodeError::Empty));
        assert_eq!(class_code("lớp 1"), Err(ClassCodeError::Character('ớ')));
        assert_eq!(class_code("A B"), Err(ClassCodeError::Character(' ')));
        assert_eq!(class_code(&"K".repeat(41)), Err(ClassCodeError::TooLong));
        assert_eq!(class_code(&"K".repeat(40)).map(|c| c.len()), Ok(40));
    }

    // Guards the class activity: one id per class whatever the case typed, named and typed,
    // absent without a code; its registration is the class's alone.
    #[test]
    fn class_activity_and_registration() {
        let a = class_activity(&ctx("qlnn-2026-01")).expect("class");
        assert_eq!(a.id, "https://b.example/xapi/classes/QLNN-2026-01");
        assert_eq!(
            a.definition.kind,
            "https://b.example/xapi/activity-types/class"
        );
        assert_eq!(
            a.definition
                .name
                .as_ref()
                .and_then(|n| n.get("vi"))
                .map(String::as_str),
            Some("Lớp QLNN-2026-01")
        );
        assert!(class_activity(&ctx(" ")).is_none());
        let r = class_registration("https://b.example/xapi", "QLNN-2026-01");
        assert_eq!(
            r,
            class_registration("https://b.example/xapi/", "qlnn-2026-01")
        );
        assert_ne!(
            r,
            class_registration("https://b.example/xapi", "QLNN-2026-02")
        );
        assert!(normalize_uuid(&r).is_some_and(|n| n == r));
    }

    // Guards the joined statement: the learner joined the class activity, which also groups
    // it; a bad class code or id is refused, not posted.
    #[test]
    fn joined_statement_names_the_class() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let s = joined_statement(&ctx("qlnn-2026-01"), id, 1_795_835_045_123).expect("joined");
        let json = serde_json::to_value(&s).expect("json");
        assert_eq!(json["verb"]["id"], verbs::JOINED);
        assert_eq!(
            json["object"]["id"],
            "https://b.example/xapi/classes/QLNN-2026-01"
        );
        assert_eq!(
            json["context"]["contextActivities"]["grouping"][0]["id"],
            "https://b.example/xapi/classes/QLNN-2026-01"
        );
        assert_eq!(json["actor"]["account"]["name"], "hv01");
        assert_eq!(
            json["context"]["extensions"]["https://b.example/xapi/extensions/class-code"],
            "QLNN-2026-01"
        );
        assert_eq!(json["timestamp"], "2026-11-28T03:04:05.123Z");
        assert!(matches!(
            joined_statement(&ctx("lớp 1"), id, 0),
            Err(XapiError::Invalid(_))
        ));
        assert!(matches!(
            joined_statement(&ctx(""), id, 0),
            Err(XapiError::Invalid(_))
        ));
        assert!(matches!(
            joined_statement(&ctx("K1"), "nope", 0),
            Err(XapiError::StatementId(_))
        ));
    }
}
