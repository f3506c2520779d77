//! Twee 3 import: a Twine draft converts to a scenario the normal compiler accepts, and what
//! cannot be converted is reported on the Twee file's own lines.
#![cfg(feature = "compiler")]

use std::path::{Path, PathBuf};

use boiduong_core::compiler::report::{analyse, Severity};
use boiduong_core::compiler::twee::import_twee;
use boiduong_core::compiler::{compile_source, Diagnostic, Framework, Rule};
use boiduong_core::model::{Content, ContentKind, EndingKind, Scenario};
use boiduong_core::scenario::{ScenarioState, Step};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

const DRAFT: &str = "twee/khai-sinh-mat-giay-chung-sinh.twee";

/// Converts a Twee source and compiles the result as `<id>.toml` against the test framework.
fn convert_and_compile(src: &str) -> (Vec<(String, String)>, Scenario) {
    let path = fixtures().join(DRAFT);
    let converted = import_twee(&path, src).unwrap_or_else(|d| panic!("{}", lines(&d)));
    let framework = Framework::load(&fixtures().join("framework")).expect("framework");
    let toml_path = PathBuf::from(format!("{}.toml", converted.scenario_id));
    let content = compile_source(
        ContentKind::Scenario,
        &toml_path,
        &converted.toml,
        &framework,
    )
    .unwrap_or_else(|d| panic!("{}\n\n{}", lines(&d), converted.toml));
    let Content::Scenario(scenario) = content else {
        panic!("not a scenario");
    };
    (converted.nodes, scenario)
}

fn lines(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn play(s: &Scenario, choices: &[&str]) -> ScenarioState {
    let mut st = ScenarioState::new(s);
    for c in choices {
        let to = st.resolve(s, c).expect("valid choice");
        let step = Step {
            node: st.node.clone(),
            choice: (*c).into(),
            to,
            at_ms: 0,
        };
        st.apply(s, &step).expect("apply");
    }
    st
}

// Guards the whole conversion: passage names become ascii node ids, each link form becomes a
// choice with its consequence, feedback and scores, `> when` becomes a branch the engine
// follows, ending tags become endings, and the compiler accepts the result.
#[test]
fn a_twine_draft_becomes_a_scenario() {
    let src = std::fs::read_to_string(fixtures().join(DRAFT)).expect("read");
    let (mapping, s) = convert_and_compile(&src);
    let ids: Vec<(&str, &str)> = mapping
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("Mở đầu", "mo-dau"),
            ("Hỏi thêm", "hoi-them"),
            ("Về tay không", "ve-tay-khong"),
            ("Nhận tạm", "nhan-tam"),
            ("Kết thúc tốt", "ket-thuc-tot"),
            ("Kết thúc ổn", "ket-thuc-on"),
            ("Kết thúc xấu", "ket-thuc-xau"),
        ]
    );
    let node_ids: Vec<&str> = s.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        node_ids,
        mapping.iter().map(|m| m.1.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(s.id, "khai-sinh-mat-giay-chung-sinh");
    assert_eq!(s.start, "mo-dau");
    assert_eq!(s.title.vi, "Khai sinh khi mất giấy chứng sinh"); // from StoryTitle
    assert_eq!(
        s.title.en.as_deref(),
        Some("Registering a birth without the birth certificate")
    );
    assert_eq!(s.competencies, vec!["giao_tiep", "phap_luat"]);

    // `->`, `|` (as a list item) and `<-` links, in order
    let start = s.node("mo-dau").expect("start");
    assert!(start.text_html.vi.contains("<blockquote>"));
    let choices: Vec<(&str, &str, &str)> = start
        .choices
        .iter()
        .map(|c| (c.id.as_str(), c.text.vi.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(
        choices,
        vec![
            (
                "a",
                "Hỏi anh bé sinh ở đâu, lúc sinh có ai đi cùng",
                "hoi-them"
            ),
            (
                "b",
                "Từ chối vì hồ sơ thiếu giấy chứng sinh, hẹn khi nào có giấy thì anh quay lại",
                "ve-tay-khong"
            ),
            (
                "c",
                "Mời anh lên trước vì bồng con nhỏ, xin phép người đang chờ",
                "hoi-them"
            ),
        ]
    );
    let a = &start.choices[0];
    assert_eq!(
        a.text.en.as_deref(),
        Some("Ask where the baby was born and who was there")
    );
    // a `>` line without a key continues the consequence
    assert_eq!(
        a.consequence.vi,
        "Anh Tâm kể bé sinh ở Bệnh viện Hùng Vương; chị ruột của anh đi cùng từ lúc chuyển dạ \
         tới lúc xuất viện."
    );
    assert!(a.feedback.vi.starts_with("Hỏi đủ thông tin"));
    assert!(a
        .feedback
        .en
        .as_deref()
        .is_some_and(|e| e.contains("witness")));
    assert_eq!((a.score("giao_tiep"), a.score("phap_luat")), (2, 1));
    let b = &start.choices[1];
    assert_eq!((b.score("giao_tiep"), b.score("phap_luat")), (-2, -1));
    assert_eq!(
        b.feedback.vi,
        "Thiếu giấy chứng sinh không có nghĩa là không đăng ký khai sinh được. Từ chối mà \
         không hướng dẫn cách thay thế là bắt người dân đi lại nhiều lần."
    );

    // the branch on the accumulated score
    let guide = &s.node("hoi-them").expect("node").choices[0];
    assert_eq!(guide.to, "ket-thuc-on");
    assert_eq!(guide.branches.len(), 1);
    assert_eq!(guide.branches[0].to, "ket-thuc-tot");
    assert_eq!(play(&s, &["a", "a"]).node, "ket-thuc-tot"); // giao_tiep 2 + 1 = 3
    assert_eq!(play(&s, &["c", "a"]).node, "ket-thuc-on"); // 1 + 1 = 2

    let endings: Vec<(&str, EndingKind, &str)> = s
        .endings()
        .map(|n| {
            let e = n.ending.as_ref().expect("ending");
            (n.id.as_str(), e.kind, e.title.vi.as_str())
        })
        .collect();
    assert_eq!(
        endings,
        vec![
            ("ket-thuc-tot", EndingKind::Good, "Hỏi đúng, hướng dẫn đủ"),
            ("ket-thuc-on", EndingKind::Mixed, "Đúng nhưng chưa nhanh"),
            ("ket-thuc-xau", EndingKind::Bad, "Người dân phải đi lại"),
        ]
    );
    assert!(s
        .node("ket-thuc-tot")
        .is_some_and(|n| n.ending.as_ref().is_some_and(|e| e.title.en.is_some())));

    // and it meets the library's quality and trust bar (a dilemma at the start: the baby
    // first, or the queue's turn)
    let report = analyse(&s);
    assert_eq!(report.count(Severity::Error), 0, "{:#?}", report.findings);
    assert_eq!(report.count(Severity::Warning), 0, "{:#?}", report.findings);
}

// Guards Vietnamese text: a draft typed with decomposed marks (NFD) converts to NFC, and the
// passage names still match their links.
#[test]
fn decomposed_vietnamese_is_normalised() {
    use unicode_normalization::UnicodeNormalization;
    let src = std::fs::read_to_string(fixtures().join(DRAFT)).expect("read");
    let nfd: String = src.nfd().collect();
    assert_ne!(nfd, src);
    let (mapping, s) = convert_and_compile(&nfd);
    assert_eq!(mapping[0], ("Mở đầu".to_owned(), "mo-dau".to_owned()));
    assert_eq!(s.title.vi, "Khai sinh khi mất giấy chứng sinh");
    assert_eq!(s.title.vi.nfc().collect::<String>(), s.title.vi);
}

/// A small valid draft: the error tests below change one line of it.
const BASE: &str = r#":: StoryData
{"start": "Đầu"}

:: StoryMeta
id = "thu"
field = "mot-cua"
title = { vi = "Thử", en = "Test" }
summary = { vi = "Thử", en = "Test" }
duration_min = 1
competencies = ["giao_tiep", "phap_luat"]
delta_range = [-2, 2]

:: Đầu
Anh Tâm đến quầy.
[[Hướng dẫn->Tốt]]
> consequence: Anh Tâm cảm ơn.
> feedback: Hướng dẫn đầy đủ một lần.
> scores: giao_tiep +1
[[Từ chối->Xấu]]
> consequence: Anh Tâm bỏ về.
> feedback: Không hướng dẫn là sai.
> scores: phap_luat -1

:: Tốt [ending-good]
Xong.
> title: Tốt

:: Xấu [ending-bad]
Hỏng.
> title: Xấu
"#;

/// BASE with line `n` (1-based) replaced (or removed when `with` is None).
fn edit(n: usize, with: Option<&str>) -> String {
    let mut lines: Vec<&str> = BASE.lines().collect();
    match with {
        Some(w) => lines[n - 1] = w,
        None => {
            lines.remove(n - 1);
        }
    }
    lines.join("\n")
}

fn errors(src: &str) -> Vec<(Rule, Option<usize>)> {
    match import_twee(Path::new("draft.twee"), src) {
        Ok(c) => panic!("converted, but should fail:\n{}", c.toml),
        Err(d) => d.iter().map(|d| (d.rule, d.line)).collect(),
    }
}

// Guards that the error tests below fail because of their one edit.
#[test]
fn the_base_draft_converts() {
    let converted = import_twee(Path::new("draft.twee"), BASE).expect("converts");
    assert_eq!(converted.scenario_id, "thu");
    assert!(converted.toml.contains("to = \"tot\""));
}

// Guards against story-format code being dropped silently: the portal cannot run it, so the
// line that holds it is named.
#[test]
fn macros_and_variables_are_refused_on_their_line() {
    let harlowe = edit(14, Some("Anh Tâm đến quầy. (if: $lan > 1)[Lại là anh!]"));
    assert_eq!(errors(&harlowe), vec![(Rule::Unsupported, Some(14))]);
    let sugarcube = edit(25, Some("<<set $ketqua to \"xấu\">>"));
    assert_eq!(errors(&sugarcube), vec![(Rule::Unsupported, Some(25))]);
}

// Guards links to passages that do not exist (a typo in a passage name), for links and
// branches.
#[test]
fn a_link_to_a_missing_passage_is_refused_on_its_line() {
    let src = edit(19, Some("[[Từ chối->Không có]]"));
    assert_eq!(errors(&src), vec![(Rule::MissingTarget, Some(19))]);
    let src = edit(18, Some("> when giao_tiep >= 1: [[Tốt lắm]]"));
    assert_eq!(errors(&src), vec![(Rule::MissingTarget, Some(18))]);
}

// Guards the feedback rule at the source: a link without `> feedback:` is named by the link's
// line, not by a line of the generated TOML.
#[test]
fn a_link_without_feedback_is_refused_on_its_line() {
    let src = edit(21, None);
    assert_eq!(errors(&src), vec![(Rule::MissingFeedback, Some(19))]);
}

// Guards the remaining structure errors: a passage with neither links nor an ending tag, an
// ending without a title, a link inside the situation text, an unknown metadata key.
#[test]
fn structure_errors_name_their_lines() {
    assert_eq!(
        errors(&edit(28, Some(":: Xấu"))),
        vec![(Rule::NoEnding, Some(28))]
    );
    assert_eq!(errors(&edit(26, None)), vec![(Rule::Structure, Some(24))]);
    assert_eq!(
        errors(&edit(14, Some("Anh Tâm đến quầy, xem [[Tốt]]."))),
        vec![(Rule::Structure, Some(14))]
    );
    assert_eq!(
        errors(&edit(9, Some("start = \"Đầu\""))),
        vec![(Rule::Structure, Some(9)), (Rule::Structure, Some(4))]
    );
}
