//! Twee 3 import: a scenario drafted in Twine becomes a scenario TOML the compiler accepts.
//!
//! The convention for what Twine has no notion of (scenario metadata, consequences, feedback,
//! scores, branches on scores, endings) is documented in `docs/twee-import.md`. In short:
//!
//! ```text
//! :: StoryMeta                      TOML: id, field, title, summary, duration_min, …
//! :: Mở đầu {"position":"100,100"}
//! The situation (Markdown), then one link per line, each followed by its annotations:
//! [[Hướng dẫn một lần, đầy đủ->Chờ bổ sung]]
//! > consequence: …
//! > feedback: …
//! > scores: giao_tiep +2, phap_luat +1
//! > when giao_tiep >= 3: [[Kết thúc tốt]]
//! :: Kết thúc tốt [ending-good]
//! What happened in the end.
//! > title: Giải quyết đúng và nhanh
//! ```
//!
//! Errors carry the Twee file's line numbers. What is only a content error (an unknown
//! competency in `scores`, a score outside `delta_range`) is left to the compiler, which
//! reports it on the produced TOML.
//!
//! The import runs in four steps: `passages` splits the source, `story` reads the
//! special passages and the metadata, `nodes` turns the other passages into nodes (each
//! annotation, link and branch read by `lines`), then `write` writes the TOML. This file
//! chains them and holds the diagnostics' context (`Cx`).

mod lines;
mod nodes;
mod passages;
mod story;
mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use toml::Spanned;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::validate::parse_condition;
use super::{Diagnostic, Rule};

use lines::*;
use nodes::*;
use passages::*;
use story::*;
use write::*;

pub use nodes::slug;

/// The passage holding the scenario's metadata (TOML).
pub const META_PASSAGE: &str = "StoryMeta";

/// What a conversion produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TweeImport {
    /// The scenario id (from `StoryMeta`): the TOML file must be named `<id>.toml`.
    pub scenario_id: String,
    /// The scenario TOML.
    pub toml: String,
    /// Passage name -> node id, in the order of the Twee file.
    pub nodes: Vec<(String, String)>,
}

/// Converts a Twee 3 source. `path` names the file in diagnostics.
pub fn import_twee(path: &Path, src: &str) -> Result<TweeImport, Vec<Diagnostic>> {
    let src: String = src.replace("\r\n", "\n").nfc().collect();
    let mut cx = Cx {
        path,
        diags: Vec::new(),
    };
    let passages = split_passages(&src, &mut cx);
    let story = Story::read(&passages, &mut cx);
    let meta = story
        .meta
        .map(|m| read_meta(m, story.title.clone(), &mut cx));
    let nodes = read_nodes(&story.nodes, &meta, &mut cx);
    let start = story.start(&mut cx);
    let (Some(meta), Some(start)) = (meta.flatten(), start) else {
        if cx.diags.is_empty() {
            cx.at(1, "", Rule::Structure, "nothing to convert");
        }
        return Err(cx.diags);
    };
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    let ids = Ids::new(&story.nodes);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let toml = write_scenario(&file_name, &meta, ids.of(&start.name), &nodes, &ids);
    Ok(TweeImport {
        scenario_id: meta.id.clone(),
        toml,
        nodes: story
            .nodes
            .iter()
            .map(|p| (p.name.clone(), ids.of(&p.name).to_owned()))
            .collect(),
    })
}

/// Where diagnostics go: the Twee file and the findings so far.
pub(super) struct Cx<'a> {
    pub(super) path: &'a Path,
    pub(super) diags: Vec<Diagnostic>,
}

impl Cx<'_> {
    pub(super) fn at(&mut self, line: usize, field: &str, rule: Rule, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: self.path.to_owned(),
            line: Some(line),
            field: field.to_owned(),
            rule,
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards node ids: Vietnamese marks and đ are dropped, not turned into dashes or lost
    // letters, so ids stay readable.
    #[test]
    fn passage_names_become_ascii_ids() {
        assert_eq!(slug("Mở đầu"), "mo-dau");
        assert_eq!(slug("  Kết thúc: TỐT!  "), "ket-thuc-tot");
        assert_eq!(slug("Đơn 2 (bản sao)"), "don-2-ban-sao");
        assert_eq!(slug("Ngưỡng cửa"), "nguong-cua");
        assert_eq!(slug("***"), "");
    }

    // Guards the four link forms of Twine 2 and the bullet list form.
    #[test]
    fn link_forms() {
        let l = link_line;
        assert_eq!(l("[[Đi tiếp]]"), Some(("Đi tiếp".into(), "Đi tiếp".into())));
        assert_eq!(
            l("[[Hỏi lại->Chờ]]"),
            Some(("Hỏi lại".into(), "Chờ".into()))
        );
        assert_eq!(
            l("[[Chờ<-Hỏi lại]]"),
            Some(("Hỏi lại".into(), "Chờ".into()))
        );
        assert_eq!(
            l("- [[Hỏi lại|Chờ]]"),
            Some(("Hỏi lại".into(), "Chờ".into()))
        );
        assert_eq!(l("a -> b ->[[x->y]]"), None);
        assert_eq!(l("Xem [[Chờ]] ngay"), None);
    }

    // Guards macro detection against false alarms on ordinary Vietnamese prose.
    #[test]
    fn story_format_code_is_detected_but_prose_is_not() {
        for code in [
            "<<if $diem gt 2>>",
            "(if: $x)[y]",
            "(Link-Goto: \"a\", \"b\")",
            "Điểm: $diem",
            "{back link}",
            "[if visits > 1]",
            "<% if (x) { %>",
        ] {
            assert!(unsupported(code).is_some(), "{code}");
        }
        for prose in [
            "Lệ phí 50.000 đồng (xem: bảng phí niêm yết).",
            "Anh nói (rất nhỏ): “Chị ơi…”",
            "Giá $5 cho một bản sao",
            "Điểm a) và b) của quy trình",
        ] {
            assert!(unsupported(prose).is_none(), "{prose}");
        }
    }

    // Guards the string writers: whatever the text, the TOML reads back to it (a multi-line
    // string gains the newline before its closing quotes; the compiler trims texts).
    #[test]
    fn strings_round_trip_through_toml() {
        for s in [
            "Chị “Lan” nói: \"Dạ\" \\ xong",
            "Dòng 1\nDòng 2 \"\"\" ba dấu\n> trích dẫn\n\"",
            "tab\there",
        ] {
            let multi = if s.contains('\n') {
                format!("{s}\n")
            } else {
                s.to_owned()
            };
            for (written, expected) in [
                (basic_string(s), s.to_owned()),
                (multiline_string(s), multi),
            ] {
                let doc = format!("v = {written}\n");
                let t: toml::Table = toml::from_str(&doc).expect(&doc);
                assert_eq!(t["v"].as_str(), Some(expected.as_str()), "{doc}");
            }
        }
    }

    // Guards score parsing: signs, the `=` form, and a clear error otherwise.
    #[test]
    fn scores() {
        assert_eq!(
            parse_scores("giao_tiep +2, phap_luat -1,dao_duc = 0"),
            Ok(vec![
                ("giao_tiep".into(), 2),
                ("phap_luat".into(), -1),
                ("dao_duc".into(), 0)
            ])
        );
        assert!(parse_scores("giao_tiep hai").is_err());
        assert!(parse_scores("giao_tiep +1, giao_tiep +2").is_err());
    }
}
