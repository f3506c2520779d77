//! Splitting a Twee source into passages (`:: Name [tags] {metadata}` headers and their lines).

use super::*;

pub(super) struct Passage<'s> {
    pub(super) name: String,
    pub(super) tags: Vec<String>,
    /// Line of the `::` header.
    pub(super) line: usize,
    /// (line number, text) of each content line, trailing blank lines dropped.
    pub(super) body: Vec<(usize, &'s str)>,
}

impl Passage<'_> {
    pub(super) fn field(&self) -> String {
        format!("passage `{}`", self.name)
    }

    pub(super) fn text(&self) -> String {
        self.body
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }
}

pub(super) fn split_passages<'s>(src: &'s str, cx: &mut Cx) -> Vec<Passage<'s>> {
    let mut passages: Vec<Passage<'s>> = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let n = i + 1;
        if let Some(header) = line.strip_prefix("::") {
            match parse_header(header) {
                Ok((name, tags)) => passages.push(Passage {
                    name,
                    tags,
                    line: n,
                    body: Vec::new(),
                }),
                Err(msg) => cx.at(n, "", Rule::Parse, msg),
            }
        } else if let Some(p) = passages.last_mut() {
            // Twee 3 escapes a content line that starts with `::` as `\::`.
            let line = line
                .strip_prefix('\\')
                .filter(|l| l.starts_with("::"))
                .unwrap_or(line);
            p.body.push((n, line));
        }
    }
    for p in &mut passages {
        while p.body.last().is_some_and(|(_, l)| l.trim().is_empty()) {
            p.body.pop();
        }
    }
    let mut seen = HashSet::new();
    for p in &passages {
        if !seen.insert(p.name.clone()) {
            cx.at(
                p.line,
                &p.field(),
                Rule::DuplicateId,
                format!("a second passage named `{}`", p.name),
            );
        }
    }
    passages
}

/// `Name [tag tag] {"position":"…"}` with `\[`, `\]`, `\{`, `\}` and `\\` escapes.
pub(super) fn parse_header(header: &str) -> Result<(String, Vec<String>), String> {
    let mut name = String::new();
    let mut chars = header.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '\\' => {
                chars.next();
                if let Some(e) = chars.next() {
                    name.push(e);
                }
            }
            '[' | '{' => break,
            _ => {
                name.push(c);
                chars.next();
            }
        }
    }
    let name = name.trim().to_owned();
    if name.is_empty() {
        return Err("a passage header `::` without a name".into());
    }
    let mut tags = Vec::new();
    if chars.peek() == Some(&'[') {
        chars.next();
        let mut block = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(e) = chars.next() {
                        block.push(e);
                    }
                }
                ']' => {
                    closed = true;
                    break;
                }
                _ => block.push(c),
            }
        }
        if !closed {
            return Err(format!(
                "the tags of passage `{name}` lack their closing `]`"
            ));
        }
        tags = block.split_whitespace().map(str::to_owned).collect();
    }
    // The metadata block (`{"position":…}`) is Twine's map layout: not needed here.
    Ok((name, tags))
}
