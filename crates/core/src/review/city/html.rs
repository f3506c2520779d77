//! The report as one self-contained HTML page: the tables of [`CityReport::tables`] cell for
//! cell (each cell as the CSV holds it, through [`csv_safe`]), charts as inline SVG drawn
//! here (each beside a table of the same figures), a stylesheet inside the page, no script,
//! no external resource. Vietnamese first, English after a slash; tables with captions and
//! header scopes; charts with a title and description.

use std::fmt::Write as _;

use super::super::{csv_safe, Table};
use super::jsonl::LineError;
use super::tables::caption;
use super::{CityReport, Interval};
use crate::model::EndingKind;

/// What the page says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// `2026-10-01 – 2026-12-31`, or a sentence for "everything".
    pub period: String,
    /// (label, value) of each filter given.
    pub filters: Vec<(String, String)>,
    /// Where the statements came from (a file name or the LRS's address, never credentials).
    pub source: String,
    /// `YYYY-MM-DD HH:MM` (Việt Nam time).
    pub generated: String,
    pub unreadable_lines: usize,
    /// The first unreadable lines, with their numbers.
    pub line_errors: Vec<LineError>,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root{--ink:#1a1a1a;--muted:#555;--line:#c8c8c8;--band:#f3f3f3}
body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:72rem;padding:1rem 1.25rem;line-height:1.45}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:2px solid var(--ink)}
.en{color:var(--muted);font-weight:normal}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
.wrap{overflow-x:auto;margin:.8rem 0}
table{border-collapse:collapse;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0;caption-side:top}
th,td{border:1px solid var(--line);padding:.25rem .5rem;vertical-align:top}
thead th{background:var(--band);text-align:left}
tbody th{text-align:left;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
p.csv{margin:.2rem 0 1rem;font-size:.85rem}
a{color:#0b57a4}a:focus{outline:3px solid #0072B2;outline-offset:2px}
svg{max-width:100%;height:auto;display:block;margin:.6rem 0}
svg text{font-size:12px;fill:#1a1a1a}
.bar0{fill:#0072B2}.bar1{fill:#E69F00}.whisker{stroke:#1a1a1a;stroke-width:1.5}
.axis{stroke:#888;stroke-width:1}
.k-good{fill:#009E73}.k-mixed{fill:url(#hatch)}.k-bad{fill:url(#dots)}.k-none{fill:#bbb}
.l1{fill:#D55E00}.l2{fill:#E69F00}.l3{fill:#F0E442}.l4{fill:#56B4E9}.l5{fill:#0072B2}
.note{color:var(--muted);font-size:.9rem}
@media print{.wrap{overflow:visible}a{color:inherit}}
";

/// Bilingual heading text `vi / en` → `vi <span lang=en>/ en</span>`.
fn bilingual(text: &str) -> String {
    match text.split_once(" / ") {
        Some((vi, en)) => format!(
            "{} <span class=\"en\" lang=\"en\">/ {}</span>",
            escape(vi),
            escape(en)
        ),
        None => escape(text),
    }
}

fn is_number(cell: &str) -> bool {
    let body = cell.strip_suffix(" %").unwrap_or(cell);
    let body = body.strip_prefix(['+', '-']).unwrap_or(body);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// One table: caption, column headers, the first cell of a row as its header; a link to
/// its CSV file (`{id}.csv` beside the page).
pub fn table_html(t: &Table) -> String {
    let mut out = String::new();
    let cap = caption(&t.id);
    let _ = write!(
        out,
        "<div class=\"wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"cap-{id}\">\
         <table id=\"t-{id}\" data-table=\"{id}\"><caption id=\"cap-{id}\">{cap}</caption><thead><tr>",
        id = escape(&t.id),
        cap = bilingual(&cap)
    );
    for h in &t.headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&csv_safe(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let text = escape(&csv_safe(cell));
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{text}</th>");
            } else if is_number(cell) {
                let _ = write!(out, "<td class=\"num\">{text}</td>");
            } else {
                let _ = write!(out, "<td>{text}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if t.rows.is_empty() {
        out.push_str("<p class=\"note\">Không có dữ liệu <span lang=\"en\">/ No data</span></p>");
    }
    let _ = write!(
        out,
        "<p class=\"csv\"><a href=\"{id}.csv\" download>CSV <span lang=\"en\">(UTF-8)</span>: {id}.csv</a></p>",
        id = escape(&t.id)
    );
    out
}

/// A horizontal bar of a chart.
struct Bar {
    label: String,
    value: f64,
    text: String,
    ci: Option<Interval>,
    series: usize,
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

const LABEL_W: f64 = 230.0;
const PLOT_W: f64 = 400.0;
const ROW_H: f64 = 20.0;

/// Horizontal bars on `lo..hi`, with optional 95 % interval whiskers.
fn bars_svg(id: &str, title: &str, desc: &str, bars: &[Bar], lo: f64, hi: f64) -> String {
    let h = 30.0 + ROW_H * bars.len() as f64 + 10.0;
    let w = LABEL_W + PLOT_W + 110.0;
    let x = |v: f64| LABEL_W + (v.clamp(lo, hi) - lo) / (hi - lo).max(f64::EPSILON) * PLOT_W;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>",
        t = escape(title),
        d = escape(desc)
    );
    let zero = x(0.0_f64.clamp(lo, hi));
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{zero:.1}\" y1=\"20\" x2=\"{zero:.1}\" y2=\"{:.1}\"/>\
         <text x=\"{:.1}\" y=\"14\" text-anchor=\"middle\">{}</text>\
         <text x=\"{:.1}\" y=\"14\" text-anchor=\"middle\">{}</text>",
        h - 8.0,
        x(lo),
        fmt_tick(lo),
        x(hi),
        fmt_tick(hi)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 24.0 + ROW_H * i as f64;
        let (x0, x1) = if b.value >= 0.0 {
            (zero, x(b.value))
        } else {
            (x(b.value), zero)
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar{}\" x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
            LABEL_W - 6.0,
            y + 12.0,
            escape(&shorten(&b.label, 34)),
            b.series % 2,
            (x1 - x0).max(0.5),
            ROW_H - 6.0
        );
        if let Some(ci) = b.ci {
            let (a, c, m) = (x(ci.low), x(ci.high), y + (ROW_H - 6.0) / 2.0);
            let _ = write!(
                s,
                "<line class=\"whisker\" x1=\"{a:.1}\" y1=\"{m:.1}\" x2=\"{c:.1}\" y2=\"{m:.1}\"/>\
                 <line class=\"whisker\" x1=\"{a:.1}\" y1=\"{:.1}\" x2=\"{a:.1}\" y2=\"{:.1}\"/>\
                 <line class=\"whisker\" x1=\"{c:.1}\" y1=\"{:.1}\" x2=\"{c:.1}\" y2=\"{:.1}\"/>",
                m - 4.0,
                m + 4.0,
                m - 4.0,
                m + 4.0
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL_W + PLOT_W + 8.0,
            y + 12.0,
            escape(&b.text)
        );
    }
    s.push_str("</svg>");
    s
}

fn fmt_tick(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Stacked 100 % bars: per row the counts of each series (class names `classes[k]`).
fn stacked_svg(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[(String, Vec<usize>)],
    legend: &[(&str, &str)],
) -> String {
    let h = 30.0 + ROW_H * rows.len() as f64 + 30.0;
    let w = LABEL_W + PLOT_W + 110.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>\
         <defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"6\" height=\"6\" fill=\"#E69F00\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1a1a1a\" stroke-width=\"2\"/></pattern>\
         <pattern id=\"dots\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\
         <rect width=\"6\" height=\"6\" fill=\"#D55E00\"/><circle cx=\"3\" cy=\"3\" r=\"1.4\" fill=\"#fff\"/></pattern></defs>",
        t = escape(title),
        d = escape(desc)
    );
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = 24.0 + ROW_H * i as f64;
        let total: usize = counts.iter().sum();
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 6.0,
            y + 12.0,
            escape(&shorten(label, 34))
        );
        let mut x = LABEL_W;
        for (k, c) in counts.iter().enumerate() {
            if total == 0 || *c == 0 {
                continue;
            }
            let wk = *c as f64 / total as f64 * PLOT_W;
            let _ = write!(
                s,
                "<rect class=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{wk:.1}\" height=\"{:.1}\"/>",
                legend[k].1,
                ROW_H - 6.0
            );
            x += wk;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">n = {total}</text>",
            LABEL_W + PLOT_W + 8.0,
            y + 12.0
        );
    }
    let ly = 24.0 + ROW_H * rows.len() as f64 + 8.0;
    let mut lx = LABEL_W;
    for (name, class) in legend {
        let _ = write!(
            s,
            "<rect class=\"{class}\" x=\"{lx:.1}\" y=\"{ly:.1}\" width=\"12\" height=\"12\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            lx + 16.0,
            ly + 10.0,
            escape(name)
        );
        lx += 24.0 + 7.0 * name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// At most `n` from each end of a ranking (the whole list when it is short).
fn ends<T: Clone>(list: &[T], n: usize) -> Vec<T> {
    if list.len() <= 2 * n {
        list.to_vec()
    } else {
        list[..n]
            .iter()
            .chain(&list[list.len() - n..])
            .cloned()
            .collect()
    }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn charts(report: &CityReport) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let no_class = "(không có mã lớp)";
    let name = |c: &super::ClassFigures| c.code.clone().unwrap_or_else(|| no_class.to_owned());
    let ranked = ends(&report.ranked_by_completion(), 15);
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|c| {
            let (rate, ci) = c.tally.completion();
            Bar {
                label: name(c),
                value: rate.unwrap_or(0.0),
                text: format!(
                    "{} (n = {})",
                    rate.map_or("—".into(), pct),
                    c.tally.attempts
                ),
                ci,
                series: 0,
            }
        })
        .collect();
    if !bars.is_empty() {
        out.push((
            "city-classes-completion",
            bars_svg(
                "chart-completion",
                "Tỷ lệ hoàn thành theo lớp, với khoảng tin cậy 95 % / Completion rate by class, with 95 % CI",
                "Các lớp đầu và cuối bảng xếp hạng; bảng bên dưới có đủ các lớp. / The top and bottom of the ranking; the table below lists every class.",
                &bars,
                0.0,
                1.0,
            ),
        ));
    }
    let ranked = ends(&report.ranked_by_gain(), 15);
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|c| {
            let g = &c.gains.g;
            Bar {
                label: name(c),
                value: g.mean().unwrap_or(0.0),
                text: format!(
                    "{} (n = {})",
                    g.mean().map_or("—".into(), |m| format!("{m:.2}")),
                    g.n
                ),
                ci: g.t_interval(),
                series: 0,
            }
        })
        .collect();
    if !bars.is_empty() {
        let lo = bars
            .iter()
            .map(|b| b.ci.map_or(b.value, |i| i.low))
            .fold(0.0_f64, f64::min)
            .max(-1.0);
        out.push((
            "city-classes-gain",
            bars_svg(
                "chart-gain",
                "Tiến bộ chuẩn hoá trung bình theo lớp, với khoảng tin cậy 95 % / Mean normalised gain by class, with 95 % CI",
                "Các lớp đầu và cuối bảng xếp hạng; bảng bên dưới có đủ các lớp. / The top and bottom of the ranking; the table below lists every class.",
                &bars,
                (lo * 10.0).floor() / 10.0,
                1.0,
            ),
        ));
    }
    let max = report
        .months
        .iter()
        .map(|m| m.tally.attempts)
        .max()
        .unwrap_or(0);
    let bars: Vec<Bar> = report
        .months
        .iter()
        .map(|m| {
            let (rate, _) = m.tally.completion();
            Bar {
                label: m.month.clone(),
                value: m.tally.attempts as f64,
                text: format!("{} · {}", m.tally.attempts, rate.map_or("—".into(), pct)),
                ci: None,
                series: 0,
            }
        })
        .collect();
    if !bars.is_empty() {
        out.push((
            "city-trends",
            bars_svg(
                "chart-trends",
                "Lượt làm theo tháng (và tỷ lệ hoàn thành) / Attempts by month (and completion rate)",
                "Số lượt làm bắt đầu trong mỗi tháng. / Attempts started in each month.",
                &bars,
                0.0,
                max.max(1) as f64,
            ),
        ));
    }
    let rows: Vec<(String, Vec<usize>)> = report
        .modules
        .iter()
        .filter(|m| m.evaluations.evaluations > 0)
        .flat_map(|m| {
            m.evaluations.questions.iter().map(move |q| {
                (
                    format!("{} · {}", m.module.id, q.question),
                    q.counts.to_vec(),
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        out.push((
            "city-evaluations",
            stacked_svg(
                "chart-evaluations",
                "Phân bố câu trả lời đánh giá (1–5) / Distribution of evaluation answers (1–5)",
                "Mỗi thanh: một học phần và một câu hỏi; phần màu là tỷ lệ từng mức. / Each bar: one module and question; segments are the share of each level.",
                &rows,
                &[("1", "l1"), ("2", "l2"), ("3", "l3"), ("4", "l4"), ("5", "l5")],
            ),
        ));
    }
    let rows: Vec<(String, Vec<usize>)> = report
        .scenarios
        .iter()
        .filter(|s| s.review.completed > 0)
        .map(|s| {
            let mut counts = vec![0; 4];
            for e in &s.review.endings {
                let k = match e.kind {
                    Some(EndingKind::Good) => 0,
                    Some(EndingKind::Mixed) => 1,
                    Some(EndingKind::Bad) => 2,
                    None => 3,
                };
                counts[k] += e.count;
            }
            (s.scenario.id.clone(), counts)
        })
        .collect();
    if !rows.is_empty() {
        out.push((
            "city-scenarios",
            stacked_svg(
                "chart-endings",
                "Kết thúc theo loại, từng tình huống / Endings by kind, per scenario",
                "Tốt: đặc; trung bình: gạch chéo; chưa tốt: chấm. / Good: solid; mixed: hatched; bad: dotted.",
                &rows,
                &[
                    ("Tốt / Good", "k-good"),
                    ("Trung bình / Mixed", "k-mixed"),
                    ("Chưa tốt / Bad", "k-bad"),
                    ("Khác / Other", "k-none"),
                ],
            ),
        ));
    }
    let bars: Vec<Bar> = report
        .competencies
        .iter()
        .flat_map(|c| {
            [
                c.self_mean.map(|v| Bar {
                    label: format!("{} · tự đánh giá", c.competency),
                    value: v,
                    text: format!("{v:.1} (n = {})", c.self_n),
                    ci: None,
                    series: 0,
                }),
                c.measured_mean.map(|v| Bar {
                    label: format!("{} · đo được", c.competency),
                    value: v,
                    text: format!("{v:.1} (n = {})", c.measured_n),
                    ci: None,
                    series: 1,
                }),
            ]
        })
        .flatten()
        .collect();
    if !bars.is_empty() {
        out.push((
            "city-competencies",
            bars_svg(
                "chart-competencies",
                "Tự đánh giá (1–5) và mức đo qua tình huống (0–5) theo năng lực / Self-rating (1–5) and level measured by scenarios (0–5) per competency",
                "Thanh xanh: tự đánh giá; thanh cam: đo được. / Blue: self-rating; orange: measured.",
                &bars,
                0.0,
                5.0,
            ),
        ));
    }
    out
}

/// The sections: (anchor, heading key text, table ids).
const SECTIONS: &[(&str, &str, &[&str])] = &[
    ("tong-quan", "Tổng quan / Overview", &["city-overview"]),
    (
        "lop",
        "Các lớp / Classes",
        &["city-classes-completion", "city-classes-gain"],
    ),
    (
        "xu-huong",
        "Xu hướng theo tháng / Trends by month",
        &["city-trends"],
    ),
    (
        "hoc-phan",
        "Học phần / Modules",
        &["city-modules", "city-prepost"],
    ),
    (
        "danh-gia",
        "Đánh giá học phần / Module evaluations",
        &["city-evaluations", "city-evaluation-comments"],
    ),
    (
        "tinh-huong",
        "Tình huống / Scenarios",
        &["city-scenarios", "city-endings", "city-weaker-choices"],
    ),
    (
        "nang-luc",
        "Năng lực / Competencies",
        &["city-competencies"],
    ),
    (
        "cau-hoi",
        "Câu hỏi cần xem lại / Items to review",
        &["city-items-flagged"],
    ),
    (
        "du-lieu",
        "Dữ liệu và độ tin cậy / Data and trust",
        &["city-data"],
    ),
];

/// The page: every table of `tables` (in the sections' order; any other table at the end),
/// the charts, and what the page says about itself.
pub fn render(report: &CityReport, tables: &[Table], info: &PageInfo) -> String {
    let charts = charts(report);
    let mut out = String::with_capacity(64 * 1024);
    let title = "Báo cáo chất lượng bồi dưỡng toàn thành phố / City-wide training-quality report";
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><header><h1>{}</h1><dl class=\"meta\">",
        escape(title),
        bilingual(title)
    );
    let mut meta = vec![
        ("Kỳ báo cáo / Period".to_owned(), info.period.clone()),
        ("Nguồn dữ liệu / Source".to_owned(), info.source.clone()),
        ("Lập lúc / Generated".to_owned(), info.generated.clone()),
    ];
    meta.extend(info.filters.iter().cloned());
    for (k, v) in &meta {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", bilingual(k), escape(v));
    }
    out.push_str("</dl></header><nav aria-labelledby=\"toc\"><h2 id=\"toc\">Mục lục <span class=\"en\" lang=\"en\">/ Contents</span></h2><ol>");
    for (anchor, heading, _) in SECTIONS {
        let _ = write!(
            out,
            "<li><a href=\"#{anchor}\">{}</a></li>",
            bilingual(heading)
        );
    }
    out.push_str("</ol></nav><main>");
    let mut shown: Vec<&str> = Vec::new();
    for (anchor, heading, ids) in SECTIONS {
        let _ = write!(
            out,
            "<section aria-labelledby=\"h-{anchor}\"><h2 id=\"{anchor}\"><span id=\"h-{anchor}\">{}</span></h2>",
            bilingual(heading)
        );
        if *anchor == "lop" {
            out.push_str(
                "<p class=\"note\">Lớp được xếp theo cận dưới của khoảng tin cậy 95 %: lớp ít học viên có khoảng rộng nên không bị xếp cao chỉ nhờ may rủi. Tỷ lệ: khoảng Wilson; tiến bộ chuẩn hoá g: khoảng t Student (cần n ≥ 2). \
                 <span lang=\"en\">Classes are ranked by the lower bound of the 95 % confidence interval, so a small class is not ranked high by chance. Rates: Wilson interval; normalised gain g: Student t interval (n ≥ 2).</span></p>",
            );
        }
        if *anchor == "du-lieu" {
            out.push_str(&data_note(info));
        }
        for id in *ids {
            if let Some((_, svg)) = charts.iter().find(|(cid, _)| cid == id) {
                out.push_str(svg);
            }
            if let Some(t) = tables.iter().find(|t| t.id == *id) {
                out.push_str(&table_html(t));
                shown.push(id);
            }
        }
        out.push_str("</section>");
    }
    for t in tables.iter().filter(|t| !shown.contains(&t.id.as_str())) {
        out.push_str(&table_html(t));
    }
    out.push_str("</main></body></html>\n");
    out
}

fn data_note(info: &PageInfo) -> String {
    let mut out = String::from(
        "<p class=\"note\">Bản ghi bị gác lại được đếm, không đưa vào số liệu. \
         <span lang=\"en\">Statements set aside are counted, never aggregated.</span></p>",
    );
    if info.unreadable_lines > 0 {
        let _ = write!(
            out,
            "<p>{} dòng không đọc được đã bị bỏ qua <span lang=\"en\">/ unreadable lines skipped</span>:</p><ul>",
            info.unreadable_lines
        );
        for e in &info.line_errors {
            let _ = write!(
                out,
                "<li>Dòng <span lang=\"en\">/ line</span> {}: {}</li>",
                e.line,
                escape(&e.reason)
            );
        }
        out.push_str("</ul>");
    }
    out
}
