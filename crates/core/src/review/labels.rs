//! How the review's tables are worded: [`Labels`] (the language, the trainer's time zone, the
//! text of each label key, competency names), the label keys the tables ask for
//! ([`LABEL_KEYS`]), table captions by id, and the built-in texts the native tools use, read
//! from `locales/*.json` (the portal's one translation source).

use crate::model::{Catalog, EndingKind};
use crate::text::{Lang, LocalText};

/// How to word and format the tables.
#[derive(Clone, Copy)]
pub struct Labels<'a> {
    /// Language of content texts (titles, choices, feedback, competency names).
    pub lang: Lang,
    /// Offset of the trainer's local time, for date-times (Việt Nam: 420).
    pub utc_offset_min: i32,
    /// Text of a label key ([`LABEL_KEYS`]); the app passes its translation function.
    pub text: &'a dyn Fn(&str) -> String,
    /// Competency names; ids are shown without it.
    pub catalog: Option<&'a Catalog>,
}

fn builtin_vi(key: &str) -> String {
    builtin_label(key, Lang::Vi).to_owned()
}

fn builtin_en(key: &str) -> String {
    builtin_label(key, Lang::En).to_owned()
}

impl Labels<'static> {
    /// The built-in Vietnamese or English texts of [`LABEL_KEYS`], Việt Nam time, no catalog.
    pub fn builtin(lang: Lang) -> Labels<'static> {
        Labels {
            lang,
            utc_offset_min: 420,
            text: match lang {
                Lang::Vi => &builtin_vi,
                Lang::En => &builtin_en,
            },
            catalog: None,
        }
    }
}

impl Labels<'_> {
    pub(super) fn t(&self, key: &str) -> String {
        (self.text)(key)
    }

    pub(super) fn local(&self, text: &LocalText) -> String {
        text.get(self.lang).to_owned()
    }

    pub(super) fn competency(&self, id: &str) -> String {
        self.catalog
            .and_then(|c| c.competency(id))
            .map_or_else(|| id.to_owned(), |c| self.local(&c.name))
    }

    pub(super) fn kind(&self, kind: Option<EndingKind>) -> String {
        match kind {
            Some(k) => self.t(&format!("review_kind_{}", k.as_str())),
            None => super::table::NONE.to_owned(),
        }
    }

    pub(super) fn yes_no(&self, b: bool) -> String {
        self.t(if b { "review_yes" } else { "review_no" })
    }

    pub(super) fn headers(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| self.t(k)).collect()
    }
}

/// Every label key the tables ask for: their texts are in `locales/vi.json` and
/// `locales/en.json`, the portal's one translation source (`tests/locales.rs` checks that
/// both have each key and that the tables ask for no other).
pub const LABEL_KEYS: &[&str] = &[
    "review_col_measure",
    "review_col_value",
    "review_col_account",
    "review_col_name",
    "review_col_last_synced",
    "review_col_reason",
    "review_col_statements",
    "review_col_content",
    "review_col_part",
    "review_col_field",
    "review_col_claimed",
    "review_col_recomputed",
    "review_col_statement_id",
    "review_reason_no_authority",
    "review_reason_authority_not_actor",
    "review_reason_unknown_version",
    "review_reason_does_not_fit",
    "review_set_aside_total",
    "review_claims_statements",
    "review_field_success",
    "review_field_score",
    "review_field_verdict",
    "review_field_next_node",
    "review_field_deltas",
    "review_field_completion",
    "review_field_ending",
    "review_field_ending_kind",
    "review_field_competency_scores",
    "review_field_competency_levels",
    "review_col_attempts",
    "review_col_completed",
    "review_col_learners",
    "review_col_completion_rate",
    "review_col_other_versions",
    "review_col_loop_attempts",
    "review_col_ending",
    "review_col_kind",
    "review_col_title",
    "review_col_share",
    "review_col_score_range",
    "review_col_node",
    "review_col_reached_attempts",
    "review_col_reached_learners",
    "review_col_answers",
    "review_col_median_time",
    "review_col_drop_offs",
    "review_col_revisits",
    "review_col_layer",
    "review_col_order",
    "review_col_choice",
    "review_col_choice_text",
    "review_col_leads_to",
    "review_col_times",
    "review_col_best",
    "review_col_feedback",
    "review_col_competency",
    "review_col_mean_level",
    "review_col_mean_score",
    "review_col_n",
    "review_col_attempt",
    "review_col_good",
    "review_col_mixed",
    "review_col_bad",
    "review_col_mean_total",
    "review_col_improved",
    "review_col_started",
    "review_col_total",
    "review_col_duration",
    "review_col_steps",
    "review_col_step",
    "review_col_at",
    "review_col_deltas",
    "review_col_sub_optimal",
    "review_col_level",
    "review_col_score",
    "review_col_class_level",
    "review_col_class_score",
    "review_col_item",
    "review_col_prompt",
    "review_col_item_kind",
    "review_col_facility",
    "review_col_point_biserial",
    "review_col_upper_lower",
    "review_col_flags",
    "review_col_option",
    "review_col_response",
    "review_col_key",
    "review_col_upper",
    "review_col_lower",
    "review_first",
    "review_best",
    "review_kind_good",
    "review_kind_mixed",
    "review_kind_bad",
    "review_yes",
    "review_no",
    "review_flag_too_easy",
    "review_flag_too_hard",
    "review_flag_misleading",
    "review_item_single",
    "review_item_multiple",
    "review_item_true_false",
    "review_item_ordering",
    "review_attempts_used",
    "review_max_points",
    "review_col_pretest",
    "review_col_posttest",
    "review_col_gain",
    "review_col_pretests",
    "review_prepost_learners",
    "review_prepost_n",
    "review_mean_pre",
    "review_mean_post",
    "review_mean_gain",
    "review_gain_of_means",
    "review_col_statement",
    "review_col_mean_rating",
    "review_likert_1",
    "review_likert_2",
    "review_likert_3",
    "review_likert_4",
    "review_likert_5",
    "review_eval_usefulness",
    "review_eval_clarity",
    "review_eval_relevance",
    "review_evaluations",
    "review_evaluations_anonymous",
    "review_col_respondent",
    "review_col_intended_use",
    "review_col_comment",
    "review_anonymous",
    "review_col_self_mean",
    "review_col_self_n",
    "review_col_before",
    "review_col_before_n",
    "review_col_after",
    "review_col_after_n",
    "review_col_measured",
    "review_col_measured_n",
    "review_col_difference",
    "review_col_paired_n",
    "review_col_options_shown",
    "review_col_chosen_placed",
    "review_col_first_count",
    "review_col_first_share",
    "review_col_first_chance",
    "review_col_mean_place",
    "review_col_mean_place_chance",
    "review_col_order_unknown",
    "review_col_place_shown",
    "review_col_order_shown",
    "review_order_unknown",
];

/// The text of a label key in `locales/{lang}.json` (the key itself when unknown): the
/// native tools' labels (CSV, the city report, tests); the app passes its own table.
pub fn builtin_label(key: &str, lang: Lang) -> &str {
    crate::locales::text(lang, key).unwrap_or(key)
}

/// The ids of the tables the trainer's pages show with a caption ([`caption_key`]).
pub const TABLE_IDS: &[&str] = &[
    "class-learners",
    "scenario-summary",
    "scenario-endings",
    "scenario-scores",
    "scenario-nodes",
    "scenario-choices",
    "scenario-sub-optimal",
    "scenario-competencies",
    "scenario-first-best",
    "learner-attempts",
    "learner-path",
    "learner-competencies",
    "items-summary",
    "items",
    "item-options",
    "item-responses",
    "prepost-summary",
    "prepost-learners",
    "evaluation-overview",
    "evaluation-questions",
    "evaluation-texts",
    "trust-summary",
    "trust-set-aside",
    "trust-claims",
    "selfrating-measured",
    "scenario-position-bias",
    "item-position-bias",
];

/// The key of a table's caption: `caption_` and the table id with `-` as `_`.
pub fn caption_key(id: &str) -> String {
    format!("caption_{}", id.replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the label keys: unique, each with a text in both locale files, read from there;
    // an unknown key falls back to the key itself.
    #[test]
    fn label_keys() {
        let mut keys: Vec<&str> = LABEL_KEYS.to_vec();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        for key in LABEL_KEYS.iter().chain(&["review_yes"]) {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(builtin_label(key, lang), *key, "{key} in {lang:?}");
            }
        }
        assert_eq!(builtin_label("review_yes", Lang::Vi), "Có");
        assert_eq!(builtin_label("nope", Lang::En), "nope");
        assert_eq!(
            caption_key("scenario-sub-optimal"),
            "caption_scenario_sub_optimal"
        );
    }
}
