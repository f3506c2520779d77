//! The city report's figures as [`Table`]s: the HTML shows exactly these cells and the CSV
//! files hold exactly these cells, in the trainer review's formats (`table::cells`).

use crate::model::{Catalog, ItemKind};
use crate::text::Lang;

use super::super::table::cells::{
    count, dec, headers, kind, local, percent, ratio, share, text, NONE,
};
use super::super::{builtin_label, caption_key, ratings_vs_measured_table, Labels, Table};
use super::{CityReport, ClassFigures, Interval, Tally};

/// Most comments of anonymous evaluations listed per module (the count says how many there are).
pub const MAX_COMMENTS: usize = 30;
/// Most weaker choices listed per scenario.
pub const MAX_WEAKER: usize = 5;

/// The report's own label keys (texts in `locales/*.json`); the trainer review's keys are
/// used too.
pub const CITY_KEYS: &[&str] = &[
    "city_title",
    "city_classes",
    "city_class",
    "city_no_class",
    "city_rank",
    "city_module",
    "city_scenario",
    "city_month",
    "city_completion_ci",
    "city_pass_ci",
    "city_gain_ci",
    "city_ci_low",
    "city_ci_high",
    "city_verdicts",
    "city_passed",
    "city_pass_rate",
    "city_gain_pairs",
    "city_mean_gain",
    "city_evaluations",
    "city_self_ratings",
    "city_comment_count",
    "city_statements",
    "city_lines_unreadable",
    "city_used",
    "city_duplicates",
    "city_voided",
    "city_foreign",
    "city_joins",
    "city_enrolled",
    "city_not_started",
    "city_no_registration",
    "city_conflicting",
    "city_unknown_content",
    "city_outside_filter",
    "city_untrusted_authority",
    "city_untrusted_result",
    "city_unknown_version",
    "city_does_not_fit",
    "city_outside_period",
    "city_ending_share",
    "city_weaker_share",
    "city_question",
    "city_flagged",
    "caption_city_overview",
    "caption_city_data",
    "caption_city_classes_completion",
    "caption_city_classes_gain",
    "caption_city_trends",
    "caption_city_modules",
    "caption_city_prepost",
    "caption_city_evaluations",
    "caption_city_evaluation_comments",
    "caption_city_scenarios",
    "caption_city_endings",
    "caption_city_weaker_choices",
    "caption_city_competencies",
    "caption_city_items_flagged",
];

fn lookup(key: &str) -> String {
    let (vi, en) = (builtin_label(key, Lang::Vi), builtin_label(key, Lang::En));
    if vi == en {
        vi.to_owned()
    } else {
        format!("{vi} / {en}")
    }
}

/// The report's labels: every header and fixed word in Vietnamese with its English after a
/// slash; content texts in Vietnamese; times in Việt Nam (UTC+7).
pub fn city_labels(catalog: Option<&Catalog>) -> Labels<'_> {
    Labels {
        lang: Lang::Vi,
        utc_offset_min: 420,
        text: &lookup,
        catalog,
    }
}

/// The caption of a table (`caption:{id}`).
pub fn caption(id: &str) -> String {
    lookup(&caption_key(id))
}

fn interval_cells(i: Option<Interval>, f: impl Fn(f64) -> String) -> [String; 2] {
    match i {
        Some(i) => [f(i.low), f(i.high)],
        None => [NONE.to_owned(), NONE.to_owned()],
    }
}

fn share_of(x: f64) -> String {
    share(Some(x))
}

fn gain_of(x: f64) -> String {
    dec(Some(x), 2)
}

/// A number inside a text (a range): its sign as the minus sign (U+2212), so the text does
/// not start like a formula (which the CSV and the page would show escaped, `'-0.33 – 0.65`).
fn minus(x: String) -> String {
    match x.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => x,
    }
}

fn measure(l: &Labels<'_>, key: &str, value: String) -> Vec<String> {
    vec![text(l, key), value]
}

fn class_name(l: &Labels<'_>, c: &ClassFigures) -> String {
    c.code.clone().unwrap_or_else(|| text(l, "city_no_class"))
}

/// The sort key of a lower bound: higher first, no interval last.
fn by_low(i: Option<Interval>) -> f64 {
    i.map_or(f64::NEG_INFINITY, |i| i.low)
}

fn tally_cells(t: &Tally) -> Vec<String> {
    let (rate, ci) = t.completion();
    let [lo, hi] = interval_cells(ci, share_of);
    let (pass, pci) = t.pass();
    let [plo, phi] = interval_cells(pci, share_of);
    vec![
        count(t.learners),
        count(t.attempts),
        count(t.completed),
        share(rate),
        lo,
        hi,
        count(t.verdicts),
        count(t.passed),
        share(pass),
        plo,
        phi,
    ]
}

const TALLY_KEYS: [&str; 11] = [
    "review_col_learners",
    "review_col_attempts",
    "review_col_completed",
    "review_col_completion_rate",
    "city_ci_low",
    "city_ci_high",
    "city_verdicts",
    "city_passed",
    "city_pass_rate",
    "city_ci_low",
    "city_ci_high",
];

impl CityReport {
    /// Every table of the report, in the order the HTML shows them.
    pub fn tables(&self, l: &Labels<'_>, unreadable_lines: usize) -> Vec<Table> {
        let mut out = vec![self.overview(l), self.data(l, unreadable_lines)];
        out.extend(self.class_tables(l));
        out.push(self.trends(l));
        out.extend(self.module_tables(l));
        out.extend(self.scenario_tables(l));
        let mut comp = ratings_vs_measured_table(&self.competencies, l);
        comp.id = "city-competencies".into();
        out.push(comp);
        out.push(self.items_flagged(l));
        out
    }

    fn overview(&self, l: &Labels<'_>) -> Table {
        let t = &self.total;
        let (rate, ci) = t.completion();
        let (pass, pci) = t.pass();
        let range = |i: Option<Interval>| {
            i.map_or_else(
                || NONE.to_owned(),
                |i| format!("{} – {}", share_of(i.low), share_of(i.high)),
            )
        };
        let g = &self.gains.g;
        Table {
            id: "city-overview".into(),
            headers: headers(l, &["review_col_measure", "review_col_value"]),
            rows: vec![
                measure(l, "city_classes", count(self.classes.len())),
                measure(l, "city_enrolled", count(self.enrolled)),
                measure(l, "city_not_started", count(self.not_started)),
                measure(l, "review_col_learners", count(t.learners)),
                measure(l, "review_col_attempts", count(t.attempts)),
                measure(l, "review_col_completed", count(t.completed)),
                measure(l, "review_col_completion_rate", share(rate)),
                measure(l, "city_completion_ci", range(ci)),
                measure(l, "city_verdicts", count(t.verdicts)),
                measure(l, "city_passed", count(t.passed)),
                measure(l, "city_pass_rate", share(pass)),
                measure(l, "city_pass_ci", range(pci)),
                measure(l, "city_gain_pairs", count(g.n)),
                measure(l, "city_mean_gain", dec(g.mean(), 2)),
                measure(
                    l,
                    "city_gain_ci",
                    g.t_interval().map_or_else(
                        || NONE.to_owned(),
                        |i| format!("{} – {}", minus(gain_of(i.low)), minus(gain_of(i.high))),
                    ),
                ),
                measure(
                    l,
                    "review_gain_of_means",
                    dec(self.gains.gain_of_means(), 2),
                ),
                measure(l, "city_evaluations", count(self.evaluations)),
                measure(l, "city_self_ratings", count(self.self_ratings)),
            ],
        }
    }

    fn data(&self, l: &Labels<'_>, unreadable_lines: usize) -> Table {
        let c = &self.counts;
        Table {
            id: "city-data".into(),
            headers: headers(l, &["review_col_measure", "review_col_value"]),
            rows: vec![
                measure(l, "city_lines_unreadable", count(unreadable_lines)),
                measure(l, "city_statements", count(c.statements)),
                measure(l, "city_used", count(c.used)),
                measure(l, "city_duplicates", count(c.duplicates)),
                measure(l, "city_voided", count(c.voided)),
                measure(l, "city_foreign", count(c.foreign)),
                measure(l, "city_joins", count(c.joins)),
                measure(l, "city_no_registration", count(c.no_registration)),
                measure(l, "city_conflicting", count(c.conflicting)),
                measure(l, "city_unknown_content", count(c.unknown_content)),
                measure(l, "city_outside_filter", count(c.outside_filter)),
                measure(l, "city_untrusted_authority", count(c.untrusted_authority)),
                measure(l, "city_unknown_version", count(c.unknown_version)),
                measure(l, "city_does_not_fit", count(c.does_not_fit)),
                measure(l, "city_untrusted_result", count(c.untrusted_result)),
                measure(l, "city_outside_period", count(c.attempts_outside_period)),
            ],
        }
    }

    /// Classes ranked by completion (Wilson lower bound) and by gain (t lower bound).
    pub fn ranked_by_completion(&self) -> Vec<&ClassFigures> {
        let mut list: Vec<&ClassFigures> = self.classes.iter().collect();
        list.sort_by(|a, b| {
            let (ra, ia) = a.tally.completion();
            let (rb, ib) = b.tally.completion();
            by_low(ib)
                .total_cmp(&by_low(ia))
                .then(rb.unwrap_or(-1.0).total_cmp(&ra.unwrap_or(-1.0)))
                .then_with(|| a.code.cmp(&b.code))
        });
        list
    }

    pub fn ranked_by_gain(&self) -> Vec<&ClassFigures> {
        let mut list: Vec<&ClassFigures> =
            self.classes.iter().filter(|c| c.gains.g.n > 0).collect();
        list.sort_by(|a, b| {
            by_low(b.gains.g.t_interval())
                .total_cmp(&by_low(a.gains.g.t_interval()))
                .then(
                    b.gains
                        .g
                        .mean()
                        .unwrap_or(-9.0)
                        .total_cmp(&a.gains.g.mean().unwrap_or(-9.0)),
                )
                .then_with(|| a.code.cmp(&b.code))
        });
        list
    }

    fn class_tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let completion = Table {
            id: "city-classes-completion".into(),
            headers: headers(
                l,
                &[
                    "city_rank",
                    "city_class",
                    "city_enrolled",
                    "city_not_started",
                    "review_col_learners",
                    "review_col_attempts",
                    "review_col_completed",
                    "review_col_completion_rate",
                    "city_ci_low",
                    "city_ci_high",
                ],
            ),
            rows: self
                .ranked_by_completion()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut row = vec![
                        count(i + 1),
                        class_name(l, c),
                        count(c.enrolled),
                        count(c.not_started),
                    ];
                    row.extend(tally_cells(&c.tally).into_iter().take(6));
                    row
                })
                .collect(),
        };
        let gain = Table {
            id: "city-classes-gain".into(),
            headers: headers(
                l,
                &[
                    "city_rank",
                    "city_class",
                    "city_gain_pairs",
                    "review_mean_pre",
                    "review_mean_post",
                    "city_mean_gain",
                    "city_ci_low",
                    "city_ci_high",
                    "review_gain_of_means",
                ],
            ),
            rows: self
                .ranked_by_gain()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let g = &c.gains;
                    let [lo, hi] = interval_cells(g.g.t_interval(), gain_of);
                    vec![
                        count(i + 1),
                        class_name(l, c),
                        count(g.g.n),
                        percent(g.pre.mean()),
                        percent(g.post.mean()),
                        dec(g.g.mean(), 2),
                        lo,
                        hi,
                        dec(g.gain_of_means(), 2),
                    ]
                })
                .collect(),
        };
        vec![completion, gain]
    }

    fn trends(&self, l: &Labels<'_>) -> Table {
        let mut keys = vec!["city_month"];
        keys.extend(TALLY_KEYS);
        Table {
            id: "city-trends".into(),
            headers: headers(l, &keys),
            rows: self
                .months
                .iter()
                .map(|m| {
                    let mut row = vec![m.month.clone()];
                    row.extend(tally_cells(&m.tally));
                    row
                })
                .collect(),
        }
    }

    fn module_tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let mut keys = vec!["city_module", "review_col_title"];
        keys.extend(TALLY_KEYS);
        let modules = Table {
            id: "city-modules".into(),
            headers: headers(l, &keys),
            rows: self
                .modules
                .iter()
                .map(|m| {
                    let mut row = vec![m.module.id.clone(), local(l, &m.module.title)];
                    row.extend(tally_cells(&m.tally));
                    row
                })
                .collect(),
        };
        let prepost = Table {
            id: "city-prepost".into(),
            headers: headers(
                l,
                &[
                    "city_module",
                    "review_prepost_learners",
                    "review_prepost_n",
                    "review_mean_pre",
                    "review_mean_post",
                    "city_mean_gain",
                    "city_ci_low",
                    "city_ci_high",
                    "review_gain_of_means",
                ],
            ),
            rows: self
                .modules
                .iter()
                .filter(|m| m.gains.pretest_learners > 0)
                .map(|m| {
                    let g = &m.gains;
                    let [lo, hi] = interval_cells(g.g.t_interval(), gain_of);
                    vec![
                        m.module.id.clone(),
                        count(g.pretest_learners),
                        count(g.g.n),
                        percent(g.pre.mean()),
                        percent(g.post.mean()),
                        dec(g.g.mean(), 2),
                        lo,
                        hi,
                        dec(g.gain_of_means(), 2),
                    ]
                })
                .collect(),
        };
        let mut eval_rows = Vec::new();
        let mut comment_rows = Vec::new();
        for m in self
            .modules
            .iter()
            .filter(|m| m.evaluations.evaluations > 0)
        {
            let e = &m.evaluations;
            for q in &e.questions {
                let mut row = vec![
                    m.module.id.clone(),
                    text(l, &format!("review_eval_{}", q.question)),
                    count(e.evaluations),
                    count(e.anonymous),
                    count(q.n),
                    dec(q.mean, 1),
                ];
                row.extend(q.counts.iter().map(|c| count(*c)));
                eval_rows.push(row);
            }
            for t in e
                .texts
                .iter()
                .filter(|t| t.learner.is_none())
                .take(MAX_COMMENTS)
            {
                comment_rows.push(vec![
                    m.module.id.clone(),
                    t.intended_use.clone(),
                    t.comment.clone().unwrap_or_else(|| NONE.to_owned()),
                ]);
            }
        }
        let evaluations = Table {
            id: "city-evaluations".into(),
            headers: headers(
                l,
                &[
                    "city_module",
                    "city_question",
                    "review_evaluations",
                    "review_evaluations_anonymous",
                    "review_col_n",
                    "review_col_mean_rating",
                    "review_likert_1",
                    "review_likert_2",
                    "review_likert_3",
                    "review_likert_4",
                    "review_likert_5",
                ],
            ),
            rows: eval_rows,
        };
        let comments = Table {
            id: "city-evaluation-comments".into(),
            headers: headers(
                l,
                &[
                    "city_module",
                    "review_col_intended_use",
                    "review_col_comment",
                ],
            ),
            rows: comment_rows,
        };
        vec![modules, prepost, evaluations, comments]
    }

    fn scenario_tables(&self, l: &Labels<'_>) -> Vec<Table> {
        let scenarios = Table {
            id: "city-scenarios".into(),
            headers: headers(
                l,
                &[
                    "city_scenario",
                    "review_col_title",
                    "review_col_learners",
                    "review_col_attempts",
                    "review_col_completed",
                    "review_col_completion_rate",
                    "city_ci_low",
                    "city_ci_high",
                    "review_col_good",
                    "review_col_mixed",
                    "review_col_bad",
                ],
            ),
            rows: self
                .scenarios
                .iter()
                .map(|s| {
                    let r = &s.review;
                    let [lo, hi] = interval_cells(wilson_of(r.completed, r.attempts), share_of);
                    let of = |k: crate::model::EndingKind| {
                        r.endings
                            .iter()
                            .filter(|e| e.kind == Some(k))
                            .map(|e| e.count)
                            .sum::<usize>()
                    };
                    vec![
                        s.scenario.id.clone(),
                        local(l, &s.scenario.title),
                        count(r.learners),
                        count(r.attempts),
                        count(r.completed),
                        ratio(r.completed, r.attempts),
                        lo,
                        hi,
                        count(of(crate::model::EndingKind::Good)),
                        count(of(crate::model::EndingKind::Mixed)),
                        count(of(crate::model::EndingKind::Bad)),
                    ]
                })
                .collect(),
        };
        let mut ending_rows = Vec::new();
        let mut weaker_rows = Vec::new();
        for s in &self.scenarios {
            let r = &s.review;
            for e in &r.endings {
                ending_rows.push(vec![
                    s.scenario.id.clone(),
                    e.node.clone(),
                    kind(l, e.kind),
                    local(l, &e.title),
                    count(e.count),
                    ratio(e.count, r.completed),
                ]);
            }
            for w in r.sub_optimal.iter().take(MAX_WEAKER) {
                weaker_rows.push(vec![
                    s.scenario.id.clone(),
                    w.node.clone(),
                    w.choice.clone(),
                    local(l, &w.text),
                    count(w.taken),
                    share(Some(w.share)),
                    local(l, &w.feedback),
                ]);
            }
        }
        let endings = Table {
            id: "city-endings".into(),
            headers: headers(
                l,
                &[
                    "city_scenario",
                    "review_col_ending",
                    "review_col_kind",
                    "review_col_title",
                    "review_col_attempts",
                    "city_ending_share",
                ],
            ),
            rows: ending_rows,
        };
        let weaker = Table {
            id: "city-weaker-choices".into(),
            headers: headers(
                l,
                &[
                    "city_scenario",
                    "review_col_node",
                    "review_col_choice",
                    "review_col_choice_text",
                    "review_col_times",
                    "city_weaker_share",
                    "review_col_feedback",
                ],
            ),
            rows: weaker_rows,
        };
        vec![scenarios, endings, weaker]
    }

    fn items_flagged(&self, l: &Labels<'_>) -> Table {
        let mut rows = Vec::new();
        for m in &self.modules {
            for i in m.items.items.iter().filter(|i| !i.flags.is_empty()) {
                rows.push(vec![
                    m.module.id.clone(),
                    i.item.clone(),
                    text(l, &format!("review_item_{}", item_kind(i.kind))),
                    local(l, &i.prompt),
                    count(i.n),
                    dec(i.facility, 2),
                    dec(i.point_biserial, 3),
                    dec(i.upper_lower, 3),
                    i.flags
                        .iter()
                        .map(|f| text(l, f.key()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]);
            }
        }
        Table {
            id: "city-items-flagged".into(),
            headers: headers(
                l,
                &[
                    "city_module",
                    "review_col_item",
                    "review_col_item_kind",
                    "review_col_prompt",
                    "review_col_n",
                    "review_col_facility",
                    "review_col_point_biserial",
                    "review_col_upper_lower",
                    "review_col_flags",
                ],
            ),
            rows,
        }
    }
}

fn wilson_of(part: usize, whole: usize) -> Option<Interval> {
    super::wilson(part, whole)
}

fn item_kind(k: ItemKind) -> &'static str {
    k.as_str()
}
