//! Generated content for benchmarks and the simulator's own tests: scenarios of any size
//! (layers of decision nodes, loops, branches, endings), modules with every item kind, and a
//! catalog naming what they train.

use crate::model::{
    Answer, Branch, Catalog, CatalogEntry, Check, Choice, CompareOp, Comparison, Competency,
    Condition, Content, ContentKind, Ending, EndingKind, Field, Item, ItemOption, Lesson, Module,
    Node, Scenario, TOTAL_SUBJECT,
};
use crate::rng::Rng;
use crate::text::LocalText;

/// The competencies generated content trains.
const COMPETENCIES: &[&str] = &["giao_tiep", "phap_luat", "dao_duc", "xu_ly_tinh_huong"];

fn text(vi: String) -> LocalText {
    LocalText::vi(vi)
}

/// A generated scenario of about `nodes` nodes for benchmarks: layers of 3–4 decision
/// nodes, 2–4 choices each leading to the next layer (sometimes skipping one), about one
/// choice in twelve looping back a layer or two, some score-conditioned branches, and
/// good/mixed/bad endings at the bottom plus a few early ones.
pub fn demo_scenario(index: usize, nodes: usize, seed: u64) -> Scenario {
    let mut r = Rng::derive(seed, &format!("demo-scenario/{index}"));
    let competencies: Vec<String> = COMPETENCIES
        .iter()
        .take(2 + index % 3)
        .map(|c| (*c).to_owned())
        .collect();
    // layout of ids: layers of decision nodes, then 3 bottom endings, plus early endings
    let decisions = nodes.saturating_sub(5).max(3);
    let mut layers: Vec<Vec<String>> = Vec::new();
    let mut made = 0;
    while made < decisions {
        let width = if layers.is_empty() { 1 } else { 3 + r.below(2) };
        let width = width.min(decisions - made);
        layers.push((made..made + width).map(|k| format!("n{k}")).collect());
        made += width;
    }
    let bottom = ["ket-tot", "ket-vua", "ket-xau"];
    let early = ["bo-cuoc", "khieu-nai"];
    let mut out_nodes = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        for id in layer {
            let n_choices = 2 + r.below(3);
            let mut choices = Vec::new();
            for c in 0..n_choices {
                let to = if li + 1 >= layers.len() {
                    bottom[r.below(bottom.len())].to_owned()
                } else if li >= 2 && r.chance(1.0 / 12.0) {
                    let back = &layers[li - 1 - r.below(2)];
                    back[r.below(back.len())].clone()
                } else if r.chance(0.04) {
                    early[r.below(early.len())].to_owned()
                } else {
                    let skip = usize::from(li + 2 < layers.len() && r.chance(0.15));
                    let next = &layers[li + 1 + skip];
                    next[r.below(next.len())].clone()
                };
                let mut scores = std::collections::BTreeMap::new();
                for k in &competencies {
                    if r.chance(0.6) {
                        scores.insert(k.clone(), r.range(-2, 2) as i32);
                    }
                }
                let mut branches = Vec::new();
                if li + 1 < layers.len() && r.chance(0.1) {
                    let next = &layers[li + 1];
                    branches.push(Branch {
                        when: Condition {
                            all: vec![Comparison {
                                subject: TOTAL_SUBJECT.into(),
                                op: CompareOp::Ge,
                                value: r.range(0, 4) as i32,
                            }],
                        },
                        to: next[r.below(next.len())].clone(),
                    });
                }
                choices.push(Choice {
                    id: format!("c{c}"),
                    text: text(format!("Phương án {c} tại {id}")),
                    to,
                    branches,
                    consequence: text("Hệ quả.".into()),
                    feedback: text(format!("Nhận xét về phương án {c} tại {id}.")),
                    scores,
                    harm: false,
                });
            }
            out_nodes.push(Node {
                id: id.clone(),
                text_html: text(format!("<p>Tình huống {id}</p>")),
                image: None,
                choices,
                ending: None,
            });
        }
    }
    for (id, kind) in bottom
        .iter()
        .zip([EndingKind::Good, EndingKind::Mixed, EndingKind::Bad])
        .chain(early.iter().zip([EndingKind::Bad, EndingKind::Mixed]))
    {
        out_nodes.push(Node {
            id: (*id).to_owned(),
            text_html: text(format!("<p>{id}</p>")),
            image: None,
            choices: Vec::new(),
            ending: Some(Ending {
                kind,
                title: text(format!("Kết thúc {id}")),
            }),
        });
    }
    Scenario {
        id: format!("tinh-huong-demo-{index}"),
        version: format!("demo{index}"),
        field: "mot-cua".into(),
        title: text(format!("Tình huống mô phỏng {index}")),
        summary: text("Sinh tự động cho đo hiệu năng.".into()),
        duration_min: 15,
        competencies,
        delta_range: (-2, 2),
        start: "n0".into(),
        nodes: out_nodes,
    }
}

/// A catalog for generated content: its modules and scenarios, and every competency they
/// train, with plain names and level descriptors.
pub fn demo_catalog(contents: &[Content]) -> Catalog {
    let mut ids: Vec<String> = COMPETENCIES.iter().map(|c| (*c).to_owned()).collect();
    let entries = contents
        .iter()
        .map(|c| {
            let (kind, field, competencies, summary, minutes) = match c {
                Content::Module(m) => (
                    ContentKind::Module,
                    &m.field,
                    &m.competencies,
                    &m.summary,
                    m.duration_min,
                ),
                Content::Scenario(s) => (
                    ContentKind::Scenario,
                    &s.field,
                    &s.competencies,
                    &s.summary,
                    s.duration_min,
                ),
            };
            ids.extend(competencies.iter().cloned());
            CatalogEntry {
                kind,
                id: c.id().to_owned(),
                field: field.clone(),
                title: c.title().clone(),
                summary: summary.clone(),
                duration_min: minutes,
                version: c.version().to_owned(),
                competencies: competencies.clone(),
                file: format!("{}.json", c.id()),
            }
        })
        .collect();
    ids.sort();
    ids.dedup();
    let mut fields: Vec<String> = contents
        .iter()
        .map(|c| match c {
            Content::Module(m) => m.field.clone(),
            Content::Scenario(s) => s.field.clone(),
        })
        .collect();
    fields.sort();
    fields.dedup();
    Catalog {
        format: 1,
        fields: fields
            .into_iter()
            .map(|id| Field {
                name: text(id.clone()),
                id,
            })
            .collect(),
        competencies: ids
            .into_iter()
            .map(|id| Competency {
                name: text(format!("Năng lực {id}")),
                description: text(format!("Năng lực {id}.")),
                levels: (1..=5).map(|k| text(format!("Mức {k}"))).collect(),
                id,
            })
            .collect(),
        entries,
    }
}

/// A generated module for benchmarks: `lessons` lessons and `items` check items of every
/// kind.
pub fn demo_module(index: usize, lessons: usize, items: usize, seed: u64) -> Module {
    let mut r = Rng::derive(seed, &format!("demo-module/{index}"));
    let options = |n: usize| -> Vec<ItemOption> {
        (0..n)
            .map(|k| ItemOption {
                id: ((b'a' + k as u8) as char).to_string(),
                text: text(format!("Phương án {k}")),
                feedback: None,
                fixed: false,
            })
            .collect()
    };
    let mut item = |id: String| {
        let (opts, answer) = match r.below(4) {
            0 => (
                options(4),
                Answer::Single(["a", "b", "c", "d"][r.below(4)].into()),
            ),
            1 => (options(4), Answer::Multiple(vec!["a".into(), "c".into()])),
            2 => (Vec::new(), Answer::TrueFalse(r.chance(0.5))),
            _ => (
                options(3),
                Answer::Ordering(vec!["b".into(), "a".into(), "c".into()]),
            ),
        };
        Item {
            prompt: text(format!("Câu hỏi {id}")),
            id,
            options: opts,
            answer,
            explanation: text("Giải thích.".into()),
            points: 1,
        }
    };
    let lessons = (0..lessons)
        .map(|k| Lesson {
            id: format!("bai-{k}"),
            title: text(format!("Bài {k}")),
            body_html: text("<p>Nội dung.</p>".into()),
            practice: item(format!("p{k}")),
        })
        .collect();
    let n_items = items;
    let items: Vec<Item> = (0..n_items).map(|k| item(format!("q{k}"))).collect();
    Module {
        id: format!("hoc-phan-demo-{index}"),
        version: format!("demo{index}"),
        field: "mot-cua".into(),
        title: text(format!("Học phần mô phỏng {index}")),
        summary: text("Sinh tự động cho đo hiệu năng.".into()),
        duration_min: 30,
        competencies: vec![COMPETENCIES[0].into()],
        lessons,
        check: Check {
            pass_points: (n_items as u32 * 7).div_ceil(10),
            draw: None,
            items,
        },
    }
}
