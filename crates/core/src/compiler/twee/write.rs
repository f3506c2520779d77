//! Writing the scenario TOML: the metadata and the nodes, in the order of the Twee file.

use super::*;

pub(super) fn write_scenario(
    file_name: &str,
    meta: &Meta,
    start: &str,
    nodes: &[NodeOut],
    ids: &Ids,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Converted from {file_name} by `boiduong-content import-twee`.\n\
         # Twine passage -> node id:\n"
    ));
    for n in nodes {
        out.push_str(&format!(
            "#   {} -> {}\n",
            basic_string(&n.name),
            ids.of(&n.name)
        ));
    }
    out.push('\n');
    for (key, value) in &meta.entries {
        out.push_str(&format!("{key} = {}\n", toml_value(value)));
    }
    out.push_str(&format!("start = {}\n", basic_string(start)));
    for n in nodes {
        out.push_str("\n# ");
        out.push_str(&"-".repeat(75));
        out.push_str("\n[[node]]\n");
        out.push_str(&format!("id = {}\n", basic_string(ids.of(&n.name))));
        out.push_str(&format!("text = {}\n", multiline_string(&n.text)));
        for (i, c) in n.choices.iter().enumerate() {
            let id = c.id.clone().unwrap_or_else(|| choice_id(i));
            out.push_str("\n[[node.choice]]\n");
            out.push_str(&format!("id = {}\n", basic_string(&id)));
            out.push_str(&format!("text = {}\n", text_value(&c.text)));
            out.push_str(&format!("to = {}\n", basic_string(ids.of(&c.target))));
            if let Some(t) = &c.consequence {
                out.push_str(&format!("consequence = {}\n", text_value(t)));
            }
            if let Some(t) = &c.feedback {
                out.push_str(&format!("feedback = {}\n", text_value(t)));
            }
            if !c.scores.is_empty() {
                let scores: Vec<String> = c
                    .scores
                    .iter()
                    .map(|(k, v)| format!("{} = {v}", key(k)))
                    .collect();
                out.push_str(&format!("scores = {{ {} }}\n", scores.join(", ")));
            }
            for (condition, target) in &c.branches {
                out.push_str("\n[[node.choice.branch]]\n");
                out.push_str(&format!("when = {}\n", basic_string(condition)));
                out.push_str(&format!("to = {}\n", basic_string(ids.of(target))));
            }
        }
        if let Some((kind, title)) = &n.ending {
            out.push_str("\n[node.ending]\n");
            out.push_str(&format!("kind = \"{}\"\n", kind.as_str()));
            out.push_str(&format!("title = {}\n", text_value(title)));
        }
    }
    out
}

/// `a`, `b`, … `z`, then `c27`, `c28`, …
pub(super) fn choice_id(i: usize) -> String {
    match u8::try_from(i).ok().filter(|i| *i < 26) {
        Some(i) => char::from(b'a' + i).to_string(),
        None => format!("c{}", i + 1),
    }
}

pub(super) fn text_value(t: &Text) -> String {
    match &t.en {
        None => basic_string(&t.vi),
        Some(en) => format!(
            "{{ vi = {}, en = {} }}",
            basic_string(&t.vi),
            basic_string(en)
        ),
    }
}

pub(super) fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        basic_string(k)
    }
}

pub(super) fn toml_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => basic_string(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => format!(
            "[{}]",
            a.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        toml::Value::Table(t) => {
            // `vi` before `en`, as everywhere in the content.
            let mut keys: Vec<&String> = t.keys().collect();
            keys.sort_by_key(|k| (k.as_str() != "vi", k.as_str() != "en", k.as_str()));
            let items: Vec<String> = keys
                .iter()
                .map(|k| format!("{} = {}", key(k), toml_value(&t[k.as_str()])))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

pub(super) fn escape_char(c: char, out: &mut String) {
    match c {
        '\\' => out.push_str("\\\\"),
        '"' => out.push_str("\\\""),
        '\n' => out.push_str("\\n"),
        '\t' => out.push('\t'),
        c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        c => out.push(c),
    }
}

/// A TOML basic string (`"…"`), escaped.
pub(super) fn basic_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        escape_char(c, &mut out);
    }
    out.push('"');
    out
}

/// A TOML multi-line basic string (`"""` on its own lines), for Markdown texts.
pub(super) fn multiline_string(s: &str) -> String {
    if !s.contains('\n') {
        return basic_string(s);
    }
    let mut out = String::from("\"\"\"\n");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            // A quote is escaped only where it could start or close a `"""`.
            '"' if chars.peek() == Some(&'"') => out.push_str("\\\""),
            '"' => out.push('"'),
            c => escape_char(c, &mut out),
        }
    }
    out.push_str("\n\"\"\"");
    out
}
