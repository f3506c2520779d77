//! The special passages: `StoryTitle`, `StoryData` (the start passage) and `StoryMeta` (the
//! scenario's metadata as TOML); the other passages are the scenario's nodes.

use super::*;

pub(super) struct Story<'p, 's> {
    pub(super) title: Option<String>,
    pub(super) start_name: Option<(usize, String)>,
    pub(super) meta: Option<&'p Passage<'s>>,
    pub(super) nodes: Vec<&'p Passage<'s>>,
}

impl<'p, 's> Story<'p, 's> {
    pub(super) fn read(passages: &'p [Passage<'s>], cx: &mut Cx) -> Self {
        let mut story = Story {
            title: None,
            start_name: None,
            meta: None,
            nodes: Vec::new(),
        };
        for p in passages {
            match p.name.as_str() {
                "StoryTitle" => story.title = Some(p.text()).filter(|t| !t.is_empty()),
                "StoryData" => story.start_name = story_data_start(p, cx),
                META_PASSAGE => story.meta = Some(p),
                _ if p.tags.iter().any(|t| t == "script" || t == "stylesheet") => {}
                _ => story.nodes.push(p),
            }
        }
        if story.meta.is_none() {
            cx.at(
                1,
                "",
                Rule::Structure,
                format!(
                    "no `:: {META_PASSAGE}` passage: it gives the scenario's id, field, \
                     summary, duration_min, competencies and delta_range (docs/twee-import.md)"
                ),
            );
        }
        story
    }

    /// StoryData's `start`, or the passage named `Start` (Twee's default).
    pub(super) fn start(&self, cx: &mut Cx) -> Option<&'p Passage<'s>> {
        let (line, name) = self
            .start_name
            .clone()
            .unwrap_or_else(|| (1, "Start".to_owned()));
        let found = self.nodes.iter().find(|p| p.name == name).copied();
        if found.is_none() {
            cx.at(
                line,
                "StoryData.start",
                Rule::MissingTarget,
                format!("the start passage `{name}` does not exist (set \"start\" in StoryData)"),
            );
        }
        found
    }
}

pub(super) fn story_data_start(p: &Passage, cx: &mut Cx) -> Option<(usize, String)> {
    let text = p
        .body
        .iter()
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join("\n");
    let line = p.body.first().map_or(p.line, |(n, _)| *n);
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(data) => data
            .get("start")
            .and_then(|s| s.as_str())
            .map(|s| (line, s.trim().to_owned())),
        Err(e) => {
            cx.at(
                line + e.line().saturating_sub(1),
                "StoryData",
                Rule::Parse,
                format!("StoryData is not JSON: {e}"),
            );
            None
        }
    }
}

/// The scenario's header, from `StoryMeta`.
pub(super) struct Meta {
    pub(super) id: String,
    /// Key and value, in the order of content-format.md.
    pub(super) entries: Vec<(&'static str, toml::Value)>,
    pub(super) competencies: Vec<String>,
}

pub(super) const META_KEYS: [&str; 7] = [
    "id",
    "field",
    "title",
    "summary",
    "duration_min",
    "competencies",
    "delta_range",
];

pub(super) fn read_meta(p: &Passage, story_title: Option<String>, cx: &mut Cx) -> Option<Meta> {
    let first = p.body.first().map_or(p.line + 1, |(n, _)| *n);
    // Keep the passage's line numbers: blank lines before the first body line are not in it.
    let text = p
        .body
        .iter()
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join("\n");
    let line_of = |offset: usize| first + text[..offset.min(text.len())].matches('\n').count();
    let parsed = toml::from_str::<toml::Table>(&text).and_then(|table| {
        // The keys again, with their places, for the errors below.
        toml::from_str::<BTreeMap<Spanned<String>, serde::de::IgnoredAny>>(&text)
            .map(|keys| (table, keys))
    });
    let (mut table, keys) = match parsed {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map_or(first, |s| line_of(s.start));
            cx.at(line, META_PASSAGE, Rule::Parse, e.message());
            return None;
        }
    };
    let mut values: HashMap<&'static str, toml::Value> = HashMap::new();
    let mut ok = true;
    for key in keys.keys() {
        let value = table.remove(key.get_ref());
        match (META_KEYS.iter().find(|k| **k == key.get_ref()), value) {
            (Some(k), Some(value)) => {
                values.insert(k, value);
            }
            _ => {
                let hint = match key.get_ref().as_str() {
                    "start" => " (the start passage comes from StoryData's \"start\")",
                    _ => "",
                };
                cx.at(
                    line_of(key.span().start),
                    META_PASSAGE,
                    Rule::Structure,
                    format!(
                        "unknown key `{}`{hint}; {META_PASSAGE} holds {}",
                        key.get_ref(),
                        META_KEYS.join(", ")
                    ),
                );
                ok = false;
            }
        }
    }
    // The title's Vietnamese may come from StoryTitle.
    let title = match (values.remove("title"), story_title) {
        (Some(toml::Value::Table(mut t)), Some(st)) => {
            t.entry("vi").or_insert(toml::Value::String(st));
            Some(toml::Value::Table(t))
        }
        (Some(v), _) => Some(v),
        (None, st) => st.map(toml::Value::String),
    };
    if let Some(t) = title {
        values.insert("title", t);
    }
    let mut entries = Vec::new();
    for key in META_KEYS {
        match values.remove(key) {
            Some(v) => entries.push((key, v)),
            None => {
                cx.at(
                    p.line,
                    META_PASSAGE,
                    Rule::Structure,
                    format!("`{key}` is missing"),
                );
                ok = false;
            }
        }
    }
    let id = entries
        .iter()
        .find(|(k, _)| *k == "id")
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let competencies = entries
        .iter()
        .find(|(k, _)| *k == "competencies")
        .and_then(|(_, v)| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ok.then_some(Meta {
        id,
        entries,
        competencies,
    })
}
