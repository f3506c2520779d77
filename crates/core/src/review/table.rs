//! Every view as tables of display-ready cells, and their CSV export.
//!
//! The UI renders exactly [`Table::rows`] and exports exactly [`Table::to_csv`], so the
//! export equals the screen by construction. Formats, the same on screen and in the file:
//!
//! | value | format | example |
//! |---|---|---|
//! | count | integer | `12` |
//! | rate, share, test score | one decimal, space, `%` | `83.3 %` |
//! | normalised gain | two decimals | `0.45`, `-0.20` |
//! | mean level (0–5), mean rating (1–5), mean score | one decimal | `3.4`, `-0.5` |
//! | mean place shown (1-based) | two decimals | `1.75` |
//! | facility | two decimals | `0.83` |
//! | discrimination (point-biserial, upper-lower) | three decimals | `0.612` |
//! | time span | `m:ss`, `h:mm:ss` (rounded to the second, no unit words) | `1:05` |
//! | date-time | `YYYY-MM-DD HH:MM` at [`Labels::utc_offset_min`] | `2026-11-28 13:04` |
//! | no value | em dash | `—` |
//!
//! Decimals use a point in every language (the CSV opens the same everywhere).
//!
//! Header texts and the few fixed words in cells (ending kinds, yes/no, flags) are
//! localised through [`Labels::text`], called with the keys in [`LABEL_KEYS`]; content
//! texts (titles, choices, feedback) come from the content in [`Labels::lang`].

use crate::model::{ItemKind, Module};

use super::assess::{EvaluationSummary, PrePost, RatingVsMeasuredRow};
use super::class::Class;
use super::items::ItemAnalysis;
pub use super::labels::{builtin_label, caption_key, Labels, LABEL_KEYS, TABLE_IDS};
use super::position::PositionBias;
use super::scenario::{LearnerReview, ScenarioReview};
use super::time::{format_clock, format_local_minute};
use super::trust::{ClaimValue, Trust};

/// A view as display-ready text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Stable id (`scenario-endings`, …): for `data-testid` and the CSV file name.
    pub id: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// UTF-8 CSV with a byte-order mark (so spreadsheet programs read Vietnamese right),
    /// RFC 4180: fields with `,`, `"`, CR or LF quoted, `"` doubled, CRLF after every record.
    /// Every cell goes through [`csv_safe`] first (the screen shows the same text).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let cell = csv_safe(cell);
                if cell.contains([',', '"', '\r', '\n']) {
                    out.push('"');
                    out.push_str(&cell.replace('"', "\"\""));
                    out.push('"');
                } else {
                    out.push_str(&cell);
                }
            }
            out.push_str("\r\n");
        }
        out
    }
}

/// A cell as the screen shows it and the CSV holds it: a cell that is not a number and starts
/// like a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading apostrophe, so a
/// spreadsheet shows it as text instead of running it (`-1+HYPERLINK(…)` included). Numbers in
/// the table's own formats (`12`, `-0.250`, `+2`, `83.3 %`) are left as they are.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A number as the tables write it: an optional sign, digits, an optional decimal part, and
/// an optional ` %`.
fn is_number(cell: &str) -> bool {
    let body = cell.strip_suffix(" %").unwrap_or(cell);
    let body = body.strip_prefix(['+', '-']).unwrap_or(body);
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// The cell of no value.
pub(super) const NONE: &str = "—";

fn count(n: usize) -> String {
    n.to_string()
}

/// `places` decimals, never `-0.0`.
fn dec(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_owned()
    } else {
        s
    }
}

fn opt_dec(x: Option<f64>, places: usize) -> String {
    x.map_or_else(|| NONE.to_owned(), |x| dec(x, places))
}

/// A percentage already on 0–100.
fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| NONE.to_owned(), |x| format!("{} %", dec(x, 1)))
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| NONE.to_owned(), |x| format!("{} %", dec(x * 100.0, 1)))
}

fn ratio(part: usize, whole: usize) -> String {
    pct((whole > 0).then(|| part as f64 / whole as f64))
}

fn clock(ms: Option<i64>) -> String {
    ms.map_or_else(|| NONE.to_owned(), format_clock)
}

fn signed(x: f64) -> String {
    let r = x.round();
    if r > 0.0 {
        format!("+{r}")
    } else {
        dec(r, 0)
    }
}

impl Class {
    /// `class-learners`: one row per learner.
    pub fn tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let rows = self
            .learners
            .iter()
            .map(|learner| {
                // pre-tests are not attempts of the module (shown with the module's pre/post)
                let attempts: Vec<_> = learner
                    .attempts
                    .iter()
                    .map(|i| &self.attempts[*i])
                    .filter(|a| !a.pretest)
                    .collect();
                let done = attempts.iter().filter(|a| a.is_completed()).count();
                vec![
                    learner.account.name.clone(),
                    learner.name.clone(),
                    format_local_minute(learner.last_synced_ms, l.utc_offset_min),
                    count(attempts.len()),
                    count(done),
                ]
            })
            .collect();
        vec![Table {
            id: "class-learners".into(),
            headers: l.headers(&[
                "review_col_account",
                "review_col_name",
                "review_col_last_synced",
                "review_col_attempts",
                "review_col_completed",
            ]),
            rows,
        }]
    }
}

/// A number as short as it reads: whole numbers without decimals, others with two.
fn number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        dec(x, 0)
    } else {
        dec(x, 2)
    }
}

impl Trust {
    /// `trust-summary` (statements set aside; statements whose claimed result differs),
    /// `trust-set-aside` (statements set aside, by reason) and `trust-claims`
    /// (every claimed result that differs from the recomputed one: learner, content, item or
    /// node, what, claimed, recomputed, when, statement id).
    pub fn tables(&self, class: &Class, l: &Labels<'_>) -> Vec<Table> {
        let summary = Table {
            id: "trust-summary".into(),
            headers: l.headers(&["review_col_measure", "review_col_value"]),
            rows: vec![
                vec![l.t("review_set_aside_total"), count(self.set_aside.len())],
                vec![
                    l.t("review_claims_statements"),
                    count(self.claiming_statements()),
                ],
            ],
        };
        let set_aside = Table {
            id: "trust-set-aside".into(),
            headers: l.headers(&["review_col_reason", "review_col_statements"]),
            rows: self
                .by_reason()
                .into_iter()
                .map(|(r, n)| vec![l.t(&format!("review_reason_{}", r.as_str())), count(n)])
                .collect(),
        };
        let value = |v: &ClaimValue| match v {
            ClaimValue::Absent => NONE.to_owned(),
            ClaimValue::Bool(b) => l.yes_no(*b),
            ClaimValue::Score { raw, max } => format!(
                "{}/{}",
                raw.map_or_else(|| NONE.to_owned(), number),
                max.map_or_else(|| NONE.to_owned(), number)
            ),
            ClaimValue::Text(t) => t.clone(),
            ClaimValue::Kind(k) => l.kind(Some(*k)),
            ClaimValue::Numbers(map) if map.is_empty() => NONE.to_owned(),
            ClaimValue::Numbers(map) => map
                .iter()
                .map(|(c, v)| format!("{} {}", l.competency(c), number(*v)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let rows = self
            .claims
            .iter()
            .map(|c| {
                let name = class
                    .learner(&c.account)
                    .map_or_else(|| c.account.name.clone(), |(_, x)| x.name.clone());
                let title = l
                    .catalog
                    .and_then(|cat| cat.entry(c.content.kind, &c.content.id))
                    .map_or_else(|| c.content.id.clone(), |e| l.local(&e.title));
                vec![
                    c.account.name.clone(),
                    name,
                    title,
                    c.part
                        .as_deref()
                        .map_or_else(|| NONE.to_owned(), str::to_owned),
                    l.t(&format!("review_field_{}", c.field.as_str())),
                    value(&c.claimed),
                    value(&c.recomputed),
                    format_local_minute(c.at_ms, l.utc_offset_min),
                    c.statement.clone().unwrap_or_else(|| NONE.to_owned()),
                ]
            })
            .collect();
        let claims = Table {
            id: "trust-claims".into(),
            headers: l.headers(&[
                "review_col_account",
                "review_col_name",
                "review_col_content",
                "review_col_part",
                "review_col_field",
                "review_col_claimed",
                "review_col_recomputed",
                "review_col_at",
                "review_col_statement_id",
            ]),
            rows,
        };
        vec![summary, set_aside, claims]
    }
}

impl ScenarioReview {
    /// `scenario-summary`, `scenario-endings`, `scenario-scores`, `scenario-nodes`,
    /// `scenario-choices`, `scenario-sub-optimal`, `scenario-competencies`,
    /// `scenario-first-best`.
    pub fn tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let mut out = Vec::new();
        let summary = [
            ("review_col_learners", count(self.learners)),
            ("review_col_attempts", count(self.attempts)),
            ("review_col_completed", count(self.completed)),
            ("review_col_completion_rate", pct(self.completion_rate)),
            ("review_col_loop_attempts", count(self.loops.attempts)),
            ("review_col_other_versions", count(self.other_versions)),
        ];
        out.push(Table {
            id: "scenario-summary".into(),
            headers: l.headers(&["review_col_measure", "review_col_value"]),
            rows: summary.into_iter().map(|(k, v)| vec![l.t(k), v]).collect(),
        });
        out.push(Table {
            id: "scenario-endings".into(),
            headers: l.headers(&[
                "review_col_ending",
                "review_col_kind",
                "review_col_title",
                "review_col_attempts",
                "review_col_share",
            ]),
            rows: self
                .endings
                .iter()
                .map(|e| {
                    vec![
                        e.node.clone(),
                        l.kind(e.kind),
                        l.local(&e.title),
                        count(e.count),
                        ratio(e.count, self.completed),
                    ]
                })
                .collect(),
        });
        out.push(Table {
            id: "scenario-scores".into(),
            headers: l.headers(&["review_col_score_range", "review_col_attempts"]),
            rows: self
                .scores
                .iter()
                .map(|b| {
                    let range = if b.from == b.to {
                        b.from.to_string()
                    } else {
                        format!("{} … {}", b.from, b.to)
                    };
                    vec![range, count(b.count)]
                })
                .collect(),
        });
        out.push(Table {
            id: "scenario-nodes".into(),
            headers: l.headers(&[
                "review_col_node",
                "review_col_kind",
                "review_col_reached_attempts",
                "review_col_reached_learners",
                "review_col_answers",
                "review_col_median_time",
                "review_col_drop_offs",
                "review_col_revisits",
            ]),
            rows: self
                .nodes
                .iter()
                .map(|n| {
                    vec![
                        n.node.clone(),
                        n.ending.map_or_else(String::new, |k| l.kind(Some(k))),
                        count(n.attempts),
                        count(n.learners),
                        count(n.answers),
                        clock(n.median_ms),
                        count(n.drop_offs),
                        count(n.revisits),
                    ]
                })
                .collect(),
        });
        let mut choice_rows = Vec::new();
        for n in &self.nodes {
            for c in &n.choices {
                let to =
                    c.to.iter()
                        .map(|(t, k)| format!("{t} ({k})"))
                        .collect::<Vec<_>>()
                        .join(", ");
                choice_rows.push(vec![
                    n.node.clone(),
                    c.choice.clone(),
                    l.local(&c.text),
                    l.yes_no(c.best),
                    count(c.taken),
                    ratio(c.taken, n.answers),
                    if to.is_empty() { NONE.to_owned() } else { to },
                ]);
            }
        }
        out.push(Table {
            id: "scenario-choices".into(),
            headers: l.headers(&[
                "review_col_node",
                "review_col_choice",
                "review_col_choice_text",
                "review_col_best",
                "review_col_times",
                "review_col_share",
                "review_col_leads_to",
            ]),
            rows: choice_rows,
        });
        out.push(Table {
            id: "scenario-sub-optimal".into(),
            headers: l.headers(&[
                "review_col_node",
                "review_col_choice",
                "review_col_choice_text",
                "review_col_times",
                "review_col_share",
                "review_col_feedback",
            ]),
            rows: self
                .sub_optimal
                .iter()
                .map(|s| {
                    vec![
                        s.node.clone(),
                        s.choice.clone(),
                        l.local(&s.text),
                        count(s.taken),
                        pct(Some(s.share)),
                        l.local(&s.feedback),
                    ]
                })
                .collect(),
        });
        out.push(Table {
            id: "scenario-competencies".into(),
            headers: l.headers(&[
                "review_col_competency",
                "review_col_mean_level",
                "review_col_mean_score",
                "review_col_n",
            ]),
            rows: self
                .competencies
                .iter()
                .map(|c| {
                    vec![
                        l.competency(&c.competency),
                        opt_dec(c.level, 1),
                        opt_dec(c.score, 1),
                        count(c.score_n),
                    ]
                })
                .collect(),
        });
        let fb = &self.first_best;
        let side = |key: &str, s: &super::scenario::FirstBestSide, improved: String| {
            vec![
                l.t(key),
                count(fb.learners),
                count(s.good),
                count(s.mixed),
                count(s.bad),
                opt_dec(s.mean_total, 1),
                improved,
            ]
        };
        out.push(Table {
            id: "scenario-first-best".into(),
            headers: l.headers(&[
                "review_col_attempt",
                "review_col_learners",
                "review_col_good",
                "review_col_mixed",
                "review_col_bad",
                "review_col_mean_total",
                "review_col_improved",
            ]),
            rows: vec![
                side("review_first", &fb.first, NONE.to_owned()),
                side("review_best", &fb.best, count(fb.improved)),
            ],
        });
        out
    }
}

impl LearnerReview {
    /// `learner-attempts`, `learner-path` (each decision, with the place and order the
    /// learner saw the choices in, or "unknown" and the written order), `learner-competencies`
    /// (each attempt's level and score beside the class mean).
    pub fn tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let attempts = Table {
            id: "learner-attempts".into(),
            headers: l.headers(&[
                "review_col_attempt",
                "review_col_started",
                "review_col_completed",
                "review_col_ending",
                "review_col_kind",
                "review_col_total",
                "review_col_duration",
                "review_col_steps",
            ]),
            rows: self
                .attempts
                .iter()
                .map(|a| {
                    vec![
                        count(a.number),
                        format_local_minute(a.started_ms, l.utc_offset_min),
                        l.yes_no(a.completed),
                        if a.ending_title.vi.is_empty() {
                            a.ending.clone().unwrap_or_else(|| NONE.to_owned())
                        } else {
                            l.local(&a.ending_title)
                        },
                        l.kind(a.ending_kind),
                        opt_dec(a.total, 0),
                        clock(a.duration_ms),
                        count(a.steps.len()),
                    ]
                })
                .collect(),
        };
        let mut path_rows = Vec::new();
        for a in &self.attempts {
            for (i, s) in a.steps.iter().enumerate() {
                let deltas = s
                    .deltas
                    .iter()
                    .map(|(c, d)| format!("{} {}", l.competency(c), signed(*d)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let order = match &s.shown_order {
                    Some(ids) => ids.join(", "),
                    None => format!(
                        "{} {}",
                        l.t("review_order_unknown"),
                        s.written_order.join(", ")
                    ),
                };
                path_rows.push(vec![
                    count(a.number),
                    count(i + 1),
                    s.node.clone(),
                    s.choice.clone(),
                    l.local(&s.text),
                    format_local_minute(s.at_ms, l.utc_offset_min),
                    clock(s.duration_ms),
                    deltas,
                    l.yes_no(s.sub_optimal),
                    s.shown_position
                        .map_or_else(|| NONE.to_owned(), |p| p.to_string()),
                    order,
                ]);
            }
        }
        let path = Table {
            id: "learner-path".into(),
            headers: l.headers(&[
                "review_col_attempt",
                "review_col_step",
                "review_col_node",
                "review_col_choice",
                "review_col_choice_text",
                "review_col_at",
                "review_col_duration",
                "review_col_deltas",
                "review_col_sub_optimal",
                "review_col_place_shown",
                "review_col_order_shown",
            ]),
            rows: path_rows,
        };
        let mut comp_rows = Vec::new();
        for avg in &self.class_average {
            for a in &self.attempts {
                let (_, level, score) = a
                    .competencies
                    .iter()
                    .find(|(c, _, _)| *c == avg.competency)
                    .cloned()
                    .unwrap_or_default();
                comp_rows.push(vec![
                    l.competency(&avg.competency),
                    count(a.number),
                    opt_dec(level, 1),
                    opt_dec(score, 0),
                    opt_dec(avg.level, 1),
                    opt_dec(avg.score, 1),
                ]);
            }
        }
        let competencies = Table {
            id: "learner-competencies".into(),
            headers: l.headers(&[
                "review_col_competency",
                "review_col_attempt",
                "review_col_level",
                "review_col_score",
                "review_col_class_level",
                "review_col_class_score",
            ]),
            rows: comp_rows,
        };
        vec![attempts, path, competencies]
    }
}

fn item_kind_key(kind: ItemKind) -> String {
    format!("review_item_{}", kind.as_str())
}

impl ItemAnalysis {
    /// `items-summary`, `items` (one row per item), `item-options` (per option), and
    /// `item-responses` (per whole response).
    pub fn tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let summary = Table {
            id: "items-summary".into(),
            headers: l.headers(&["review_col_measure", "review_col_value"]),
            rows: vec![
                vec![l.t("review_attempts_used"), count(self.attempts)],
                vec![l.t("review_col_mean_score"), opt_dec(self.mean_score, 1)],
                vec![l.t("review_max_points"), self.max_points.to_string()],
            ],
        };
        let items = Table {
            id: "items".into(),
            headers: l.headers(&[
                "review_col_item",
                "review_col_item_kind",
                "review_col_prompt",
                "review_col_n",
                "review_col_facility",
                "review_col_point_biserial",
                "review_col_upper_lower",
                "review_col_flags",
            ]),
            rows: self
                .items
                .iter()
                .map(|i| {
                    vec![
                        i.item.clone(),
                        l.t(&item_kind_key(i.kind)),
                        l.local(&i.prompt),
                        count(i.n),
                        opt_dec(i.facility, 2),
                        opt_dec(i.point_biserial, 3),
                        opt_dec(i.upper_lower, 3),
                        i.flags
                            .iter()
                            .map(|f| l.t(f.key()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]
                })
                .collect(),
        };
        let mut option_rows = Vec::new();
        let mut response_rows = Vec::new();
        for i in &self.items {
            for o in &i.options {
                let text = if i.kind == ItemKind::TrueFalse {
                    l.t(if o.option == "true" {
                        "review_yes"
                    } else {
                        "review_no"
                    })
                } else {
                    l.local(&o.text)
                };
                option_rows.push(vec![
                    i.item.clone(),
                    o.option.clone(),
                    text,
                    l.yes_no(o.key),
                    count(o.count),
                    ratio(o.count, i.n),
                    count(o.upper),
                    count(o.lower),
                ]);
            }
            for p in &i.patterns {
                response_rows.push(vec![
                    i.item.clone(),
                    p.response.clone(),
                    l.yes_no(p.correct),
                    count(p.count),
                    ratio(p.count, i.n),
                    count(p.upper),
                    count(p.lower),
                ]);
            }
        }
        let options = Table {
            id: "item-options".into(),
            headers: l.headers(&[
                "review_col_item",
                "review_col_option",
                "review_col_choice_text",
                "review_col_key",
                "review_col_times",
                "review_col_share",
                "review_col_upper",
                "review_col_lower",
            ]),
            rows: option_rows,
        };
        let responses = Table {
            id: "item-responses".into(),
            headers: l.headers(&[
                "review_col_item",
                "review_col_response",
                "review_col_key",
                "review_col_times",
                "review_col_share",
                "review_col_upper",
                "review_col_lower",
            ]),
            rows: response_rows,
        };
        vec![summary, items, options, responses]
    }
}

impl PrePost {
    /// `prepost-summary` (the class means over the learners with both tests) and
    /// `prepost-learners` (one row per learner who took the pre-test).
    pub fn tables(&self, class: &Class, l: &Labels<'_>) -> Vec<Table> {
        let summary = Table {
            id: "prepost-summary".into(),
            headers: l.headers(&["review_col_measure", "review_col_value"]),
            rows: vec![
                vec![l.t("review_prepost_learners"), count(self.rows.len())],
                vec![l.t("review_prepost_n"), count(self.n)],
                vec![l.t("review_mean_pre"), percent(self.mean_pre)],
                vec![l.t("review_mean_post"), percent(self.mean_post)],
                vec![l.t("review_mean_gain"), opt_dec(self.mean_gain, 2)],
                vec![l.t("review_gain_of_means"), opt_dec(self.gain_of_means, 2)],
            ],
        };
        let learners = Table {
            id: "prepost-learners".into(),
            headers: l.headers(&[
                "review_col_account",
                "review_col_name",
                "review_col_pretest",
                "review_col_posttest",
                "review_col_gain",
                "review_col_pretests",
            ]),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    let learner = &class.learners[r.learner];
                    vec![
                        learner.account.name.clone(),
                        learner.name.clone(),
                        percent(Some(r.pre)),
                        percent(r.post),
                        opt_dec(r.gain, 2),
                        count(r.pretests),
                    ]
                })
                .collect(),
        };
        vec![summary, learners]
    }
}

impl EvaluationSummary {
    /// `evaluation-overview` (how many, how many anonymous), `evaluation-questions` (per
    /// Likert question: n, mean, distribution) and `evaluation-texts` ("what I will do
    /// differently" and comments; anonymous ones say so, with no name).
    pub fn tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let overview = Table {
            id: "evaluation-overview".into(),
            headers: l.headers(&["review_col_measure", "review_col_value"]),
            rows: vec![
                vec![l.t("review_evaluations"), count(self.evaluations)],
                vec![l.t("review_evaluations_anonymous"), count(self.anonymous)],
            ],
        };
        let questions = Table {
            id: "evaluation-questions".into(),
            headers: l.headers(&[
                "review_col_statement",
                "review_col_n",
                "review_col_mean_rating",
                "review_likert_1",
                "review_likert_2",
                "review_likert_3",
                "review_likert_4",
                "review_likert_5",
            ]),
            rows: self
                .questions
                .iter()
                .map(|q| {
                    let mut row = vec![
                        l.t(&format!("review_eval_{}", q.question)),
                        count(q.n),
                        opt_dec(q.mean, 1),
                    ];
                    row.extend(q.counts.iter().map(|c| count(*c)));
                    row
                })
                .collect(),
        };
        let texts = Table {
            id: "evaluation-texts".into(),
            headers: l.headers(&[
                "review_col_respondent",
                "review_col_intended_use",
                "review_col_comment",
            ]),
            rows: self
                .texts
                .iter()
                .map(|t| {
                    vec![
                        match &t.learner {
                            Some((account, name)) => {
                                format!("{name} ({})", account.name)
                            }
                            None => l.t("review_anonymous"),
                        },
                        t.intended_use.clone(),
                        t.comment
                            .as_deref()
                            .map_or_else(|| NONE.to_owned(), str::to_owned),
                    ]
                })
                .collect(),
        };
        vec![overview, questions, texts]
    }
}

/// `selfrating-measured`: per competency, the class's self-ratings (latest, before, after a
/// module) beside the level its scenarios measured.
pub fn ratings_vs_measured_table(rows: &[RatingVsMeasuredRow], l: &Labels<'_>) -> Table {
    Table {
        id: "selfrating-measured".into(),
        headers: l.headers(&[
            "review_col_competency",
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
        ]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    l.competency(&r.competency),
                    opt_dec(r.self_mean, 1),
                    count(r.self_n),
                    opt_dec(r.before_mean, 1),
                    count(r.before_n),
                    opt_dec(r.after_mean, 1),
                    count(r.after_n),
                    opt_dec(r.measured_mean, 1),
                    count(r.measured_n),
                    opt_dec(r.difference, 1),
                    count(r.paired_n),
                ]
            })
            .collect(),
    }
}

/// The figures of one position-bias row, after its first cells.
fn position_cells(r: &PositionBias) -> Vec<String> {
    vec![
        count(r.options),
        count(r.chosen),
        count(r.first),
        pct(r.first_share()),
        pct(r.first_chance()),
        opt_dec(r.mean_place(), 2),
        opt_dec(r.mean_chance(), 2),
        count(r.unknown),
    ]
}

const POSITION_HEADERS: [&str; 8] = [
    "review_col_options_shown",
    "review_col_chosen_placed",
    "review_col_first_count",
    "review_col_first_share",
    "review_col_first_chance",
    "review_col_mean_place",
    "review_col_mean_place_chance",
    "review_col_order_unknown",
];

/// `item-position-bias`: per single or multiple choice item of `module`, the chosen options
/// by place shown against chance ([`super::item_position_bias`]).
pub fn item_position_table(rows: &[PositionBias], module: &Module, l: &Labels<'_>) -> Table {
    let mut headers = l.headers(&[
        "review_col_item",
        "review_col_item_kind",
        "review_col_prompt",
    ]);
    headers.extend(l.headers(&POSITION_HEADERS));
    let prompt = |id: &str| {
        module
            .lessons
            .iter()
            .map(|x| &x.practice)
            .chain(&module.check.items)
            .find(|i| i.id == id)
            .map_or_else(String::new, |i| l.local(&i.prompt))
    };
    Table {
        id: "item-position-bias".into(),
        headers,
        rows: rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    r.id.clone(),
                    r.kind.map_or_else(String::new, |k| l.t(&item_kind_key(k))),
                    prompt(&r.id),
                ];
                row.extend(position_cells(r));
                row
            })
            .collect(),
    }
}

/// `scenario-position-bias`: per decision node, the choices taken by place shown against
/// chance ([`super::node_position_bias`]).
pub fn node_position_table(rows: &[PositionBias], l: &Labels<'_>) -> Table {
    let mut headers = l.headers(&["review_col_node"]);
    headers.extend(l.headers(&POSITION_HEADERS));
    Table {
        id: "scenario-position-bias".into(),
        headers,
        rows: rows
            .iter()
            .map(|r| {
                let mut row = vec![r.id.clone()];
                row.extend(position_cells(r));
                row
            })
            .collect(),
    }
}

/// `scenario-layout`: the layout of [`super::flow_layout`] as a table (for checking it).
pub fn layout_table(layout: &[(String, usize, usize)], l: &Labels<'_>) -> Table {
    let rows = layout
        .iter()
        .map(|(node, layer, order)| vec![node.clone(), layer.to_string(), order.to_string()])
        .collect();
    Table {
        id: "scenario-layout".into(),
        headers: l.headers(&["review_col_node", "review_col_layer", "review_col_order"]),
        rows,
    }
}

/// The formats and label lookups above, for the crate's other reports: the city report
/// (`super::city`) builds its own tables, in the same formats, through these.
#[cfg(feature = "report")]
pub(super) mod cells {
    use super::Labels;
    use crate::model::EndingKind;
    use crate::text::LocalText;

    pub const NONE: &str = super::NONE;

    pub fn count(n: usize) -> String {
        super::count(n)
    }

    /// `places` decimals, or the em dash.
    pub fn dec(x: Option<f64>, places: usize) -> String {
        super::opt_dec(x, places)
    }

    /// A share 0–1 as a percentage with one decimal.
    pub fn share(x: Option<f64>) -> String {
        super::pct(x)
    }

    /// A score already on 0–100, with one decimal.
    pub fn percent(x: Option<f64>) -> String {
        super::percent(x)
    }

    pub fn ratio(part: usize, whole: usize) -> String {
        super::ratio(part, whole)
    }

    pub fn text(l: &Labels<'_>, key: &str) -> String {
        l.t(key)
    }

    pub fn headers(l: &Labels<'_>, keys: &[&str]) -> Vec<String> {
        l.headers(keys)
    }

    pub fn local(l: &Labels<'_>, text: &LocalText) -> String {
        l.local(text)
    }

    pub fn kind(l: &Labels<'_>, kind: Option<EndingKind>) -> String {
        l.kind(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the CSV contract the e2e checks: BOM, RFC 4180 quoting, CRLF, Vietnamese bytes.
    #[test]
    fn csv_bytes() {
        let t = Table {
            id: "t".into(),
            headers: vec!["Họ và tên".into(), "Tỷ lệ".into()],
            rows: vec![
                vec!["Nguyễn, Văn \"An\"".into(), "83.3 %".into()],
                vec!["dòng\r\nhai".into(), String::new()],
            ],
        };
        let csv = t.to_csv();
        assert_eq!(
            csv.as_bytes(),
            "\u{feff}Họ và tên,Tỷ lệ\r\n\"Nguyễn, Văn \"\"An\"\"\",83.3 %\r\n\"dòng\r\nhai\",\r\n"
                .as_bytes()
        );
        assert_eq!(&csv.as_bytes()[..3], &[0xEF, 0xBB, 0xBF]);
    }

    // Guards formula injection through any cell of an export (a name, a path, an ending, a
    // competency, a "leads to"): every cell that is not a number and starts like a formula is
    // text in the CSV, `-1+HYPERLINK(…)` included; the table's numbers stay numbers.
    #[test]
    fn every_cell_that_is_not_a_number_is_escaped_in_the_csv() {
        let hostile = [
            "=HYPERLINK(\"http://x\")",
            "+cmd",
            "-1+HYPERLINK(\"http://x\",\"y\")",
            "-",
            "@SUM(A1)",
            "\tlệnh",
            "\r=1",
        ];
        let numbers = ["12", "-5", "+2", "-0.250", "83.3 %", "0.45", "-100.0 %"];
        let t = Table {
            id: "t".into(),
            headers: vec!["=đầu".into(), "Số".into()],
            rows: hostile
                .iter()
                .zip(numbers.iter().cycle())
                .map(|(h, n)| vec![(*h).to_owned(), (*n).to_owned()])
                .collect(),
        };
        let csv = t.to_csv();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "'=đầu,Số");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\",12");
        assert_eq!(lines[2], "'+cmd,-5");
        assert_eq!(lines[3], "\"'-1+HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",+2");
        assert_eq!(lines[4], "'-,-0.250");
        assert_eq!(lines[5], "'@SUM(A1),83.3 %");
        assert_eq!(lines[6], "'\tlệnh,0.45");
        assert_eq!(lines[7], "\"'\r=1\",-100.0 %");
        for h in hostile {
            assert_eq!(csv_safe(h), format!("'{h}"), "{h:?}");
        }
        for n in numbers {
            assert_eq!(csv_safe(n), n, "{n:?}");
        }
        for plain in ["Lê Văn Tám", "—", "1:05", "2026-11-28 13:04", "'=x"] {
            assert_eq!(csv_safe(plain), plain, "{plain:?}");
        }
    }

    // Guards the number formats shared by screen and file.
    #[test]
    fn formats() {
        assert_eq!(pct(Some(5.0 / 6.0)), "83.3 %");
        assert_eq!(ratio(0, 0), "—");
        assert_eq!(dec(-0.04, 1), "0.0");
        assert_eq!(dec(-0.25, 3), "-0.250");
        assert_eq!(signed(2.0), "+2");
        assert_eq!(signed(-2.0), "-2");
        assert_eq!(signed(0.0), "0");
    }
}
