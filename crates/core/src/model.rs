//! Compiled content, as written by the content compiler and fetched by the browser.
//!
//! Every module and scenario carries a `version` (a hash of its compiled form) so that an
//! attempt is tied to exactly what the learner took.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::LocalText;

/// Format number of the compiled JSON. Bump when the shape below changes incompatibly.
pub const CONTENT_FORMAT: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    Module,
    Scenario,
}

impl ContentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Module => "module",
            ContentKind::Scenario => "scenario",
        }
    }
}

/// The list the catalog page shows: small, fetched first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub format: u32,
    pub fields: Vec<Field>,
    pub competencies: Vec<Competency>,
    pub entries: Vec<CatalogEntry>,
}

impl Catalog {
    pub fn entry(&self, kind: ContentKind, id: &str) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| e.kind == kind && e.id == id)
    }

    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies.iter().find(|c| c.id == id)
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub id: String,
    pub name: LocalText,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Competency {
    pub id: String,
    pub name: LocalText,
    pub description: LocalText,
    /// Descriptors of levels 1..=5.
    pub levels: Vec<LocalText>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub kind: ContentKind,
    pub id: String,
    pub field: String,
    pub title: LocalText,
    pub summary: LocalText,
    pub duration_min: u32,
    pub version: String,
    pub competencies: Vec<String>,
    /// Path of the compiled file, relative to the content root.
    pub file: String,
}

/// What trainers and reviewers need to know about a module or scenario and learners do not:
/// the legal documents it rests on and when it was last checked. Compiled into `meta.json`
/// beside the catalog, which only the trainer area and the authoring preview fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentMeta {
    pub kind: ContentKind,
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
    /// `YYYY-MM-DD`; None: never reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<String>,
}

/// `meta.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaFile {
    pub format: u32,
    pub entries: Vec<ContentMeta>,
}

/// A compiled module or scenario: `{"kind":"module"|"scenario", …the fields…}`, `kind`
/// first (as serde writes a tag, and as the compiler has always written it).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Content {
    Module(Module),
    Scenario(Scenario),
}

/// Reads `kind`, then hands the rest of the same map to the module's or scenario's own
/// deserializer. serde's derived form of an internally tagged enum would first copy the whole
/// document into a buffer and deserialize the model from that: a second copy of every content
/// type's deserializer in the wasm, and a second pass over the largest JSON the app reads.
impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContentVisitor;
        impl<'de> serde::de::Visitor<'de> for ContentVisitor {
            type Value = Content;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a module or a scenario, `kind` first")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Content, A::Error> {
                let first: Option<String> = map.next_key()?;
                if first.as_deref() != Some("kind") {
                    return Err(serde::de::Error::custom(
                        "`kind` must be the first field of a module or scenario",
                    ));
                }
                let kind: ContentKind = map.next_value()?;
                let rest = serde::de::value::MapAccessDeserializer::new(map);
                match kind {
                    ContentKind::Module => Module::deserialize(rest).map(Content::Module),
                    ContentKind::Scenario => Scenario::deserialize(rest).map(Content::Scenario),
                }
            }
        }
        deserializer.deserialize_map(ContentVisitor)
    }
}

impl Content {
    pub fn kind(&self) -> ContentKind {
        match self {
            Content::Module(_) => ContentKind::Module,
            Content::Scenario(_) => ContentKind::Scenario,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Content::Module(m) => &m.id,
            Content::Scenario(s) => &s.id,
        }
    }

    pub fn version(&self) -> &str {
        match self {
            Content::Module(m) => &m.version,
            Content::Scenario(s) => &s.version,
        }
    }

    pub fn title(&self) -> &LocalText {
        match self {
            Content::Module(m) => &m.title,
            Content::Scenario(s) => &s.title,
        }
    }

    /// The version this content should carry: the first 16 hex digits of the SHA-256 of its
    /// compiled JSON with the version left empty. The compiler stamps it; the app recomputes
    /// it to refuse content that was changed after compiling (an imported records file).
    pub fn computed_version(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut blank = self.clone();
        match &mut blank {
            Content::Module(m) => m.version.clear(),
            Content::Scenario(s) => s.version.clear(),
        }
        let json = serde_json::to_vec(&blank).unwrap_or_default();
        let digest = Sha256::digest(&json);
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub id: String,
    pub version: String,
    pub field: String,
    pub title: LocalText,
    pub summary: LocalText,
    pub duration_min: u32,
    pub competencies: Vec<String>,
    pub lessons: Vec<Lesson>,
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: String,
    pub title: LocalText,
    /// Sanitised HTML rendered from Markdown at compile time.
    pub body_html: LocalText,
    pub practice: Item,
}

/// The knowledge check that ends a module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Points needed to pass, out of the items one attempt is given (all items, or `draw`).
    pub pass_points: u32,
    /// When set, the items are a question pool: each attempt (pre-test or knowledge check)
    /// draws this many of them. The compiler requires a pool of at least twice `draw` items,
    /// all worth the same points, so a pre-test and a post-test can be disjoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<u32>,
    pub items: Vec<Item>,
}

impl Check {
    /// Points available in one attempt: the whole check, or `draw` items of the pool.
    pub fn max_points(&self) -> u32 {
        match self.draw {
            Some(n) => self.items.first().map_or(0, |i| i.points) * n,
            None => self.items.iter().map(|i| i.points).sum(),
        }
    }

    /// Items one attempt is given.
    pub fn items_per_attempt(&self) -> usize {
        self.draw.map_or(self.items.len(), |n| n as usize)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub prompt: LocalText,
    /// Empty for true/false items.
    pub options: Vec<ItemOption>,
    pub answer: Answer,
    pub explanation: LocalText,
    pub points: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Single,
    Multiple,
    TrueFalse,
    Ordering,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Single => "single",
            ItemKind::Multiple => "multiple",
            ItemKind::TrueFalse => "true_false",
            ItemKind::Ordering => "ordering",
        }
    }
}

impl Item {
    pub fn kind(&self) -> ItemKind {
        self.answer.kind()
    }

    /// Whether `response` is fully correct (items are scored all-or-nothing).
    pub fn is_correct(&self, response: &Answer) -> bool {
        match (&self.answer, response) {
            (Answer::Single(a), Answer::Single(r)) => a == r,
            (Answer::TrueFalse(a), Answer::TrueFalse(r)) => a == r,
            (Answer::Ordering(a), Answer::Ordering(r)) => a == r,
            (Answer::Multiple(a), Answer::Multiple(r)) => {
                let mut a = a.clone();
                let mut r = r.clone();
                a.sort();
                a.dedup();
                r.sort();
                r.dedup();
                a == r
            }
            _ => false,
        }
    }

    /// Whether `response` has the right shape for this item and names only its options.
    pub fn accepts(&self, response: &Answer) -> bool {
        if response.kind() != self.kind() {
            return false;
        }
        let known = |id: &String| self.options.iter().any(|o| &o.id == id);
        match response {
            Answer::Single(id) => known(id),
            Answer::TrueFalse(_) => true,
            Answer::Multiple(ids) => !ids.is_empty() && ids.iter().all(known),
            Answer::Ordering(ids) => {
                let mut sorted = ids.clone();
                sorted.sort();
                sorted.dedup();
                ids.len() == self.options.len()
                    && sorted.len() == ids.len()
                    && ids.iter().all(known)
            }
        }
    }

    pub fn option(&self, id: &str) -> Option<&ItemOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemOption {
    pub id: String,
    pub text: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<LocalText>,
    /// Kept at its written place when the options are shuffled for an attempt.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixed: bool,
}

/// The correct answer of an item, and equally the shape of a learner's response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Single(String),
    Multiple(Vec<String>),
    TrueFalse(bool),
    Ordering(Vec<String>),
}

impl Answer {
    pub fn kind(&self) -> ItemKind {
        match self {
            Answer::Single(_) => ItemKind::Single,
            Answer::Multiple(_) => ItemKind::Multiple,
            Answer::TrueFalse(_) => ItemKind::TrueFalse,
            Answer::Ordering(_) => ItemKind::Ordering,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub version: String,
    pub field: String,
    pub title: LocalText,
    pub summary: LocalText,
    pub duration_min: u32,
    pub competencies: Vec<String>,
    pub delta_range: (i32, i32),
    pub start: String,
    pub nodes: Vec<Node>,
}

impl Scenario {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn endings(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.ending.is_some())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    /// Sanitised HTML rendered from Markdown at compile time.
    pub text_html: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending: Option<Ending>,
}

impl Node {
    pub fn choice(&self, id: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.id == id)
    }

    /// The choice with the highest total score (first one on ties).
    pub fn best_choice(&self) -> Option<&Choice> {
        self.choices
            .iter()
            .reduce(|best, c| if c.total() > best.total() { c } else { best })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub text: LocalText,
    pub to: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Branch>,
    pub consequence: LocalText,
    pub feedback: LocalText,
    pub scores: BTreeMap<String, i32>,
    /// Someone is hurt, a citizen wronged or the law broken by this choice; the compiler
    /// refuses a scenario where a good ending is reachable through it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub harm: bool,
}

impl Choice {
    pub fn total(&self) -> i32 {
        self.scores.values().sum()
    }

    pub fn score(&self, competency: &str) -> i32 {
        self.scores.get(competency).copied().unwrap_or(0)
    }

    /// Every node this choice can lead to.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.branches
            .iter()
            .map(|b| b.to.as_str())
            .chain(std::iter::once(self.to.as_str()))
    }
}

/// A conditional route of a choice, taken when its condition holds on the accumulated scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    pub when: Condition,
    pub to: String,
}

/// A conjunction of comparisons on accumulated scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub all: Vec<Comparison>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// A competency id, or `total` for the sum of all competencies.
    pub subject: String,
    pub op: CompareOp,
    pub value: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareOp {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
}

impl CompareOp {
    pub fn holds(self, left: i32, right: i32) -> bool {
        match self {
            CompareOp::Ge => left >= right,
            CompareOp::Le => left <= right,
            CompareOp::Gt => left > right,
            CompareOp::Lt => left < right,
            CompareOp::Eq => left == right,
        }
    }

    pub fn parse(token: &str) -> Option<Self> {
        Some(match token {
            ">=" => CompareOp::Ge,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            "<" => CompareOp::Lt,
            "==" => CompareOp::Eq,
            _ => return None,
        })
    }
}

/// Subject name that stands for the sum of all competency scores in a condition.
pub const TOTAL_SUBJECT: &str = "total";

impl Condition {
    pub fn holds(&self, scores: &BTreeMap<String, i32>) -> bool {
        self.all.iter().all(|c| {
            let left = if c.subject == TOTAL_SUBJECT {
                scores.values().sum()
            } else {
                scores.get(&c.subject).copied().unwrap_or(0)
            };
            c.op.holds(left, c.value)
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ending {
    pub kind: EndingKind,
    pub title: LocalText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndingKind {
    Good,
    Mixed,
    Bad,
}

impl EndingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndingKind::Good => "good",
            EndingKind::Mixed => "mixed",
            EndingKind::Bad => "bad",
        }
    }
}
