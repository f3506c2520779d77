//! Text for statements: language maps from content texts, and the sanitised HTML the
//! compiler renders reduced to plain text (tags dropped, entities decoded).

use super::types::LanguageMap;
use crate::text::{Lang, LocalText};

pub(super) fn lang_map(text: &LocalText) -> LanguageMap {
    let mut map = LanguageMap::new();
    map.insert(Lang::Vi.as_str().to_owned(), text.vi.clone());
    if let Some(en) = text.en.as_ref().filter(|e| !e.trim().is_empty()) {
        map.insert(Lang::En.as_str().to_owned(), en.clone());
    }
    map
}

pub(super) fn html_lang_map(text: &LocalText) -> LanguageMap {
    lang_map(&LocalText {
        vi: plain_text(&text.vi),
        en: text.en.as_deref().map(plain_text),
    })
}

/// Sanitised HTML (as the compiler renders it) -> plain text for a description: tags dropped
/// (block tags become spaces), entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    const BLOCK: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "tr",
        "td",
        "th",
        "table",
    ];
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = after;
            raw.push('<');
            break;
        };
        let tag = after[..close]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if BLOCK.contains(&tag.as_str()) {
            raw.push(' ');
        }
        rest = &after[close + 1..];
    }
    raw.push_str(rest);
    let decoded = decode_entities(&raw);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards plain_text on entities and broken markup (never panics, never drops text).
    #[test]
    fn plain_text_edge_cases() {
        assert_eq!(
            plain_text("a &lt;b&gt; &#7909; &#x1EE5; &unknown; & c"),
            "a <b> ụ ụ &unknown; & c"
        );
        assert_eq!(plain_text("x <unclosed"), "x <unclosed");
        assert_eq!(plain_text("<p>one</p><p>two</p>"), "one two");
        assert_eq!(plain_text("hồ<em>sơ</em>"), "hồsơ");
    }
}
