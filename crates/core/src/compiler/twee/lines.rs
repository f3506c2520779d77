//! One line of a passage: an annotation (`> key: value`), a link, scores, a branch on
//! scores, or Twine syntax the import does not support.

use super::*;

/// `> key: value`, where the key is lowercase ASCII with dots (`feedback.en`).
pub(super) fn annotation(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix('>')?.trim_start();
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
    is_key.then(|| (key, rest[colon + 1..].trim()))
}

/// `giao_tiep +2, phap_luat -1` (also `giao_tiep = 2`).
pub(super) fn parse_scores(value: &str) -> Result<Vec<(String, i64)>, String> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let parts: Vec<&str> = item
            .split(|c: char| c.is_whitespace() || c == '=' || c == ':')
            .filter(|s| !s.is_empty())
            .collect();
        let (name, delta) = match parts.as_slice() {
            [name, delta] => (*name, delta.parse::<i64>().ok()),
            _ => (item, None),
        };
        let Some(delta) = delta else {
            return Err(format!(
                "cannot read the score `{item}`: write `competency +N` or `competency -N`, \
                 separated by commas"
            ));
        };
        if out.iter().any(|(n, _)| n == name) {
            return Err(format!("`{name}` is scored twice"));
        }
        out.push((name.to_owned(), delta));
    }
    Ok(out)
}

/// `giao_tiep >= 3: [[Kết thúc tốt]]` -> (condition, target passage).
pub(super) fn read_branch(
    when: &str,
    names: &HashSet<&str>,
) -> Result<(String, String), (Rule, String)> {
    let syntax = || {
        (
            Rule::Parse,
            "write a branch as `> when giao_tiep >= 3: [[Passage]]`".to_owned(),
        )
    };
    let open = when.find("[[").ok_or_else(syntax)?;
    let condition = when[..open].trim().strip_suffix(':').ok_or_else(syntax)?;
    let (_, target) = link_line(&when[open..]).ok_or_else(syntax)?;
    if !names.contains(target.as_str()) {
        return Err((
            Rule::MissingTarget,
            format!("the branch points to a missing passage `{target}`"),
        ));
    }
    Ok((condition.trim().to_owned(), target))
}

/// A line holding only a link (optionally as a list item) -> (text, target).
pub(super) fn link_line(line: &str) -> Option<(String, String)> {
    let mut s = line.trim();
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = s.strip_prefix(bullet) {
            s = rest.trim_start();
        }
    }
    let inner = s.strip_prefix("[[")?.strip_suffix("]]")?;
    if inner.contains("[[") || inner.contains("]]") {
        return None;
    }
    let (text, target) = if let Some(i) = inner.rfind("->") {
        (&inner[..i], &inner[i + 2..])
    } else if let Some(i) = inner.find("<-") {
        (&inner[i + 2..], &inner[..i])
    } else if let Some(i) = inner.rfind('|') {
        (&inner[..i], &inner[i + 1..])
    } else {
        (inner, inner)
    };
    let (text, target) = (text.trim(), target.trim());
    if target.is_empty() || text.is_empty() {
        return None;
    }
    Some((text.to_owned(), target.to_owned()))
}

/// Story-format code the portal's player cannot run.
pub(super) fn unsupported(line: &str) -> Option<String> {
    // Harlowe's macros that hold state or logic (names compared without `-`/`_` and case).
    const HARLOWE: &str = "if unless elseif else set put move goto link linkgoto linkreveal \
        linkrepeat linkrevealgoto linkundo click clickgoto display print either cond a array dm \
        datamap ds dataset history visited random live stop show hide replace append prepend \
        for loop alert prompt";
    let advice = "the portal's player runs no story-format code: write each alternative as its \
                  own passage and link, and branch on scores with `> when …: [[…]]`";
    if let Some(i) = line.find("<<") {
        if line[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        {
            return Some(format!("a SugarCube macro `<<…>>`: {advice}"));
        }
    }
    if line.contains("<%") {
        return Some(format!("Snowman code `<% … %>`: {advice}"));
    }
    let bytes = line.as_bytes();
    for (i, c) in line.char_indices() {
        let next = |k: usize| line[i + k..].chars().next();
        match c {
            '$' if next(1).is_some_and(|n| n.is_ascii_alphabetic() || n == '_') => {
                let var: String = line[i..]
                    .chars()
                    .take_while(|c| *c == '$' || c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                return Some(format!(
                    "a story variable `{var}`: {advice} (scores are the only state)"
                ));
            }
            '(' => {
                let word: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic() || *c == '-' || *c == '_')
                    .collect();
                let after = i + 1 + word.len();
                let normal: String = word
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                if bytes.get(after) == Some(&b':')
                    && HARLOWE.split_whitespace().any(|m| m == normal)
                {
                    return Some(format!("a Harlowe macro `({word}:…)`: {advice}"));
                }
            }
            '{' if next(1).is_some_and(|n| n.is_ascii_alphabetic()) && line[i..].contains('}') => {
                return Some(format!("a Chapbook insert `{{…}}`: {advice}"));
            }
            _ => {}
        }
    }
    let t = line.trim();
    for modifier in [
        "[if ",
        "[unless ",
        "[else]",
        "[continue]",
        "[after ",
        "[append]",
    ] {
        if t.starts_with(modifier) && !t.starts_with("[[") {
            return Some(format!("a Chapbook modifier `{t}`: {advice}"));
        }
    }
    None
}
