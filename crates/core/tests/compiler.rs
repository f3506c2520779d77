//! Content compiler: every validation rule has a failing fixture, the valid fixture and the
//! real content compile cleanly.
#![cfg(feature = "compiler")]

use std::path::{Path, PathBuf};

use boiduong_core::compiler::report::{report_dir, Check};
use boiduong_core::compiler::write_output;
use boiduong_core::compiler::{
    check_cast, compile_dir, compile_source, compile_standards, Framework, SourceText,
};
use boiduong_core::model::{Content, ContentKind};
use boiduong_core::self_assessment::standards::Basis;
use boiduong_core::self_assessment::{ItSkill, PoliticalTheory, Qualification, Standards};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads `# expect: <rule> [line N]` from the fixture's header.
fn expectation(src: &str) -> (String, Option<usize>) {
    let line = src
        .lines()
        .find_map(|l| l.strip_prefix("# expect: "))
        .expect("fixture has an `# expect:` line");
    let mut parts = line.split_whitespace();
    let rule = parts.next().expect("rule").to_owned();
    let at = match (parts.next(), parts.next()) {
        (Some("line"), Some(n)) => Some(n.parse().expect("line number")),
        _ => None,
    };
    (rule, at)
}

// Guards every validation rule: each invalid fixture must fail with the rule (and line) its
// header names. A rule that stops firing fails here.
#[test]
fn every_invalid_fixture_fails_with_its_rule() {
    let framework = Framework::load(&fixtures().join("framework")).expect("framework");
    let mut dir: Vec<PathBuf> = std::fs::read_dir(fixtures().join("invalid"))
        .expect("invalid fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    dir.sort();
    assert!(
        dir.len() >= 15,
        "expected a fixture per rule, found {}",
        dir.len()
    );
    let mut rules_seen = std::collections::BTreeSet::new();
    for path in dir {
        let src = std::fs::read_to_string(&path).expect("read");
        let (rule, line) = expectation(&src);
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        // The file name's prefix says what the fixture is: module-, scenario- or standards-.
        let result = if name.starts_with("standards-") {
            compile_standards(&path, &src, &framework).map(|_| ())
        } else if name.starts_with("module-") {
            compile_source(ContentKind::Module, &path, &src, &framework).map(|_| ())
        } else if name.starts_with("scenario-") {
            compile_source(ContentKind::Scenario, &path, &src, &framework).map(|_| ())
        } else {
            panic!("{name}: fixture names start with module-, scenario- or standards-");
        };
        let diags = match result {
            Ok(()) => panic!("{name}: compiled, but should fail with {rule}"),
            Err(d) => d,
        };
        let hit = diags.iter().find(|d| d.rule.as_str() == rule);
        let Some(hit) = hit else {
            panic!("{name}: expected rule {rule}, got: {diags:#?}");
        };
        if let Some(line) = line {
            assert_eq!(hit.line, Some(line), "{name}: wrong line in {hit}");
        }
        assert!(
            hit.line.is_some(),
            "{name}: diagnostic without a line: {hit}"
        );
        let shown = hit.to_string();
        assert!(shown.starts_with(&path.display().to_string()), "{shown}");
        rules_seen.insert(rule);
    }
    for rule in [
        "duplicate_id",
        "missing_target",
        "unreachable",
        "no_ending",
        "score_range",
        "missing_feedback",
        "missing_vietnamese",
        "unknown_competency",
        "pass_mark_unreachable",
        "harm_then_good",
        "level_range",
        "unknown_value",
    ] {
        assert!(rules_seen.contains(rule), "no fixture for rule {rule}");
    }
}

// Guards against the rules rejecting good content, and checks what the compiler produces:
// sanitised HTML, a content version, bilingual catalog entries.
#[test]
fn valid_fixture_compiles() {
    let compiled = compile_dir(&fixtures().join("valid")).unwrap_or_else(|d| {
        panic!(
            "{}",
            d.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(compiled.catalog.entries.len(), 3);
    let scenario = compiled
        .contents
        .iter()
        .find_map(|c| match c {
            Content::Scenario(s) => Some(s),
            Content::Module(_) => None,
        })
        .expect("scenario");
    assert_eq!(scenario.version.len(), 16);
    assert!(scenario.nodes[0]
        .text_html
        .vi
        .contains("<strong>thiếu</strong>"));
    assert_eq!(scenario.nodes[0].choices[0].branches.len(), 1);
    let entry = &compiled.catalog.entries[0];
    assert!(entry.title.en.is_some());
    assert!(entry.file.ends_with(&format!("{}.json", entry.version)));

    // The standards: plan values as written, the centre's note filled in where the centre
    // sets a value without a note of its own, absent requirements "not stated".
    let standards = compiled
        .standards
        .as_ref()
        .expect("standards.toml compiled");
    let p = standards.position("cong-chuc-xa").expect("position");
    assert_eq!(p.political_theory.min, Some(PoliticalTheory::Intermediate));
    assert_eq!(p.political_theory.basis, Basis::Plan);
    assert_eq!(p.it_skill.min, Some(ItSkill::Basic));
    assert_eq!(
        p.it_skill.note.as_ref().map(|n| n.vi.as_str()),
        Some("Trung tâm đào tạo quy định mức này.")
    );
    assert_eq!(p.foreign_language.basis, Basis::NotStated);
    assert_eq!(p.competencies[1].level, 4);
    assert!(p.competencies[1]
        .note
        .as_ref()
        .is_some_and(|n| n.en.is_some()));
    assert_eq!(
        standards
            .training_for(Qualification::PoliticalTheory, "so_cap")
            .map(|t| t.id.as_str()),
        Some("trung-cap-llct")
    );

    // `build` writes standards.json beside catalog.json, and it reads back the same.
    let out = std::env::temp_dir().join(format!("boiduong-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    write_output(&compiled, &out).expect("write");
    let json = std::fs::read(out.join("standards.json")).expect("standards.json");
    let back: Standards = serde_json::from_slice(&json).expect("parses");
    assert_eq!(&back, standards);
    assert!(out.join("catalog.json").exists());
    let _ = std::fs::remove_dir_all(&out);
}

// Guards content versioning: a one-character edit changes the version, a re-compile of the
// same text does not.
#[test]
fn version_follows_content() {
    let framework = Framework::load(&fixtures().join("framework")).expect("framework");
    let path = fixtures().join("valid/scenarios/tinh-huong-mau.toml");
    let src = std::fs::read_to_string(&path).expect("read");
    let a = compile_source(ContentKind::Scenario, &path, &src, &framework).expect("a");
    let b = compile_source(ContentKind::Scenario, &path, &src, &framework).expect("b");
    let edited = src.replace("Ông Minh hiểu.", "Ông Minh đã hiểu.");
    let c = compile_source(ContentKind::Scenario, &path, &edited, &framework).expect("c");
    assert_eq!(a.version(), b.version());
    assert_ne!(a.version(), c.version());
}

// Guards the import check's agreement with the compiler: every real module and scenario, read
// back from the file the compiler wrote (as the app reads it), recomputes exactly its version,
// and a one-character change to the file does not.
#[test]
fn version_is_recomputed_from_the_written_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let compiled = compile_dir(&root).expect("content compiles");
    let out = std::env::temp_dir().join(format!("boiduong-version-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    write_output(&compiled, &out).expect("write");
    assert!(compiled.contents.len() > 20);
    for entry in &compiled.catalog.entries {
        let text = std::fs::read_to_string(out.join(&entry.file)).expect("content file");
        let read: Content = serde_json::from_str(&text).expect("parses");
        assert_eq!(read.computed_version(), entry.version, "{}", entry.file);
        let tampered: Content =
            serde_json::from_str(&text.replacen("</p>", " </p>", 1)).expect("still parses");
        assert_ne!(tampered.computed_version(), entry.version, "{}", entry.file);
    }
    let _ = std::fs::remove_dir_all(&out);
}

// Guards NFC normalisation: a title typed in decomposed form (NFD) compiles to NFC.
#[test]
fn text_is_nfc_normalised() {
    let dir = std::env::temp_dir().join(format!("boiduong-nfc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("scenarios")).expect("mkdir");
    for f in ["competencies.toml", "fields.toml"] {
        std::fs::copy(fixtures().join("framework").join(f), dir.join(f)).expect("copy");
    }
    let src = std::fs::read_to_string(fixtures().join("valid/scenarios/tinh-huong-mau.toml"))
        .expect("read");
    // "Tình" with the grave accent as a combining character (U+0300)
    let nfd = src.replace("Tình huống mẫu", "Ti\u{300}nh huống mẫu");
    std::fs::write(dir.join("scenarios/tinh-huong-mau.toml"), nfd).expect("write");
    let compiled = compile_dir(&dir).expect("compiles");
    assert_eq!(compiled.catalog.entries[0].title.vi, "Tình huống mẫu");
    let _ = std::fs::remove_dir_all(&dir);
}

// Guards the shipped library: the real content in the repository compiles with no error.
#[test]
fn repository_content_compiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    match compile_dir(&root) {
        Ok(compiled) => {
            // The four position types of the issue, each with competencies to aim for.
            let standards = compiled.standards.expect("content/standards.toml");
            for id in [
                "can-bo-chu-chot-xa",
                "cong-chuc-chuyen-mon-xa",
                "lanh-dao-quan-ly",
                "chuyen-vien-so-nganh",
            ] {
                let p = standards.position(id).expect(id);
                assert!(!p.competencies.is_empty(), "{id}");
            }
        }
        Err(diags) => panic!(
            "{}",
            diags
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

// Guards the hand-written `Content` reader (no buffering of the whole file): every compiled
// module and scenario of the library reads back equal from the JSON the compiler writes, and
// a file whose `kind` is not its first field, or is unknown, is refused with a clear message
// instead of being misread.
#[test]
fn compiled_content_reads_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let compiled = compile_dir(&root).unwrap_or_else(|_| panic!("content compiles"));
    let mut kinds = std::collections::BTreeSet::new();
    for content in &compiled.contents {
        let json = serde_json::to_string(content).expect("json");
        assert!(json.starts_with(&format!("{{\"kind\":\"{}\"", content.kind().as_str())));
        let back: Content = serde_json::from_str(&json).expect("reads back");
        assert_eq!(&back, content, "{}", content.id());
        kinds.insert(content.kind());
    }
    assert_eq!(kinds.len(), 2, "modules and scenarios both read");

    let json = serde_json::to_string(&compiled.contents[0]).expect("json");
    // serde_json's Value keeps keys sorted: `kind` is no longer first
    let reordered = serde_json::from_str::<serde_json::Value>(&json)
        .expect("value")
        .to_string();
    assert!(!reordered.starts_with("{\"kind\""));
    let err = serde_json::from_str::<Content>(&reordered).expect_err("refused");
    assert!(
        err.to_string().contains("`kind` must be the first field"),
        "{err}"
    );
    let unknown = json.replacen(
        &format!("\"kind\":\"{}\"", compiled.contents[0].kind().as_str()),
        "\"kind\":\"quiz\"",
        1,
    );
    let err = serde_json::from_str::<Content>(&unknown).expect_err("refused");
    assert!(err.to_string().contains("quiz"), "{err}");
}

// Guards the report over a content directory: each finding names the scenario's file and the
// line of the node or choice it is about (what an author jumps to).
#[test]
fn report_points_findings_at_source_lines() {
    let reports = report_dir(&fixtures().join("valid")).expect("the valid fixture compiles");
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert!(r.file.ends_with("scenarios/tinh-huong-mau.toml"));
    let single = r
        .report
        .findings
        .iter()
        .find(|f| f.check == Check::SingleChoice)
        .expect("node `cho` has one choice");
    assert_eq!(
        (single.node.as_deref(), single.line),
        (Some("cho"), Some(35))
    );
    let branch = r
        .report
        .findings
        .iter()
        .find(|f| f.check == Check::BranchNeverTaken)
        .expect("giao_tiep >= 2 cannot hold after one choice worth 1");
    assert_eq!(branch.line, Some(15));
}

/// The worked example of docs/authoring-guide.md: (file name, TOML), taken from the ```toml
/// block after the `<!-- example: scenarios/<file> -->` marker.
fn guide_example(guide: &str) -> (String, String) {
    let marker = "<!-- example: scenarios/";
    let at = guide.find(marker).expect("the guide marks its example") + marker.len();
    let name = guide[at..]
        .split(" -->")
        .next()
        .expect("file name")
        .to_owned();
    let start = at + guide[at..].find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + guide[start..].find("\n```\n").expect("the block ends") + 1;
    (name, guide[start..end].to_owned())
}

// Guards the authoring guide against drifting from the compiler: its worked example compiles
// against the repository's competencies and fields, plays its branch as the guide explains,
// meets the quality bar, and has the report figures and error line the guide prints.
#[test]
fn the_authoring_guide_example_compiles_as_described() {
    use boiduong_core::compiler::report::{analyse, Severity};
    use boiduong_core::scenario::{ScenarioState, Step};

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let guide = std::fs::read_to_string(root.join("docs/authoring-guide.md")).expect("guide");
    let (name, src) = guide_example(&guide);
    let framework = Framework::load(&root.join("content")).expect("repository framework");
    let path = PathBuf::from("content/scenarios").join(&name);
    let content = compile_source(ContentKind::Scenario, &path, &src, &framework)
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let Content::Scenario(s) = content else {
        panic!("not a scenario")
    };
    assert_eq!((s.nodes.len(), s.endings().count()), (7, 3));

    let play = |choices: &[&str]| {
        let mut st = ScenarioState::new(&s);
        for c in choices {
            let to = st.resolve(&s, c).expect("choice");
            let step = Step {
                node: st.node.clone(),
                choice: (*c).into(),
                to,
                at_ms: 0,
            };
            st.apply(&s, &step).expect("apply");
        }
        st.node
    };
    assert_eq!(
        play(&["hoi-va-giai-thich", "huong-dan-doi-chieu"]),
        "ket-thuc-tot"
    );
    assert_eq!(
        play(&["tu-choi-ngan", "xin-loi-hoi-lai", "huong-dan-doi-chieu"]),
        "ket-thuc-on"
    );

    let r = analyse(&s);
    assert_eq!(
        (r.count(Severity::Error), r.count(Severity::Warning)),
        (0, 0),
        "{:#?}",
        r.findings
    );
    assert!(guide.contains(&format!(
        "paths      {} from the start to an ending, {} playable",
        r.paths.count, r.paths.playable
    )));
    assert!(guide.contains(&format!(
        "decisions  {} to {} per playable path",
        r.paths.shortest.expect("shortest"),
        r.paths.longest.expect("longest")
    )));
    for range in &r.scores {
        assert!(
            guide.contains(&format!(
                "{:18} {:+} .. {:+}",
                range.competency, range.min, range.max
            )),
            "{range:?}"
        );
    }

    // The guide's sample error: the third `to = "da-ky-sai"` misspelt.
    let mut seen = 0;
    let broken: String = src
        .lines()
        .map(|l| {
            if l == "to = \"da-ky-sai\"" {
                seen += 1;
                if seen == 3 {
                    return "to = \"da-ky-sa\"".to_owned();
                }
            }
            l.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let diags = compile_source(ContentKind::Scenario, &path, &broken, &framework)
        .expect_err("a missing target");
    assert_eq!(diags.len(), 1);
    assert!(
        guide.contains(&diags[0].to_string()),
        "the guide should show: {}",
        diags[0]
    );
}

/// The sources of the valid fixture library, as `compile_dir` hands them to the cast check.
fn valid_sources() -> Vec<(String, PathBuf, String)> {
    let root = fixtures().join("valid");
    let mut out = Vec::new();
    for dir in ["modules", "scenarios"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read");
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("stem")
                .to_owned();
            out.push((id, path, text));
        }
    }
    out
}

fn cast_check(cast: &str) -> Vec<boiduong_core::compiler::Diagnostic> {
    let sources = valid_sources();
    let texts: Vec<SourceText> = sources
        .iter()
        .map(|(id, path, text)| SourceText { id, path, text })
        .collect();
    check_cast(Path::new("cast.toml"), cast, &texts)
}

// Guards "one name, one person": a name cast for one scenario and used in another file is
// refused at the line where it is used; two people may not share a name; `in` must name real
// content; a person listed where they appear passes.
#[test]
fn the_cast_allows_one_name_for_one_person() {
    let ok = "[[person]]\nname = \"Trần Văn Minh\"\nshort = \"Minh\"\nrole = \"công dân\"\nin = [\"tinh-huong-mau\"]\n";
    assert_eq!(cast_check(ok), vec![]);

    let elsewhere = "[[person]]\nname = \"Trần Văn Minh\"\nshort = \"Minh\"\nrole = \"công dân\"\nin = [\"hoc-phan-mau\"]\n";
    let diags = cast_check(elsewhere);
    let hit = diags
        .iter()
        .find(|d| d.file.ends_with("tinh-huong-mau.toml"))
        .expect("the scenario using the name is named");
    assert_eq!(hit.rule.as_str(), "cast");
    assert_eq!(hit.line, Some(12), "{hit}");

    let twice = "[[person]]\nname = \"Lê Thị Hoa\"\nshort = \"Hoa\"\nrole = \"công chức\"\nin = []\n\
                 [[person]]\nname = \"Phạm Thị Hoa\"\nshort = \"Hoa\"\nrole = \"người dân\"\nin = []\n";
    let diags = cast_check(twice);
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("one name, one person") && d.line == Some(8)),
        "{diags:#?}"
    );

    let unknown = "[[person]]\nname = \"Võ Văn Ba\"\nrole = \"x\"\nin = [\"khong-co\"]\n";
    assert!(cast_check(unknown)
        .iter()
        .any(|d| d.message.contains("no module or scenario `khong-co`")));
}
