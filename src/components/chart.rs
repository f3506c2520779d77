//! Charts drawn by the app as SVG (no chart library): horizontal bars and the path-flow
//! diagram of a scenario. Colours are the Okabe–Ito palette (distinguishable with the common
//! colour-vision deficiencies) and every tone also has its own fill pattern, so the charts
//! read in greyscale. Each chart carries an accessible name and sits next to a table of the
//! same figures (the text alternative), which the trainer pages render from the same data.

use leptos::prelude::*;

/// What a bar or a node stands for; decides its colour and pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Mixed,
    Bad,
    /// Anything else (counts, averages): one of a few neutral series.
    Series(u8),
}

impl Tone {
    pub fn from_kind(kind: &str) -> Tone {
        match kind {
            "good" => Tone::Good,
            "mixed" => Tone::Mixed,
            "bad" => Tone::Bad,
            _ => Tone::Series(0),
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Tone::Good => "#009E73",
            Tone::Mixed => "#E69F00",
            Tone::Bad => "#D55E00",
            Tone::Series(n) => ["#0072B2", "#56B4E9", "#CC79A7"][n as usize % 3],
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            Tone::Good => "solid",
            Tone::Mixed => "hatch",
            Tone::Bad => "cross",
            Tone::Series(_) => "solid",
        }
    }
}

/// Pattern definitions for one chart (ids prefixed so several charts share a page).
fn defs(prefix: &str) -> impl IntoView {
    let tones = [Tone::Good, Tone::Mixed, Tone::Bad];
    view! {
        <defs>
            {tones
                .into_iter()
                .map(|t| {
                    let id = format!("{prefix}-{}", t.pattern());
                    let c = t.colour();
                    view! {
                        <pattern id=id patternUnits="userSpaceOnUse" width="8" height="8">
                            <rect width="8" height="8" fill=c />
                            {(t == Tone::Mixed)
                                .then(|| view! { <path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2" /> })}
                            {(t == Tone::Bad)
                                .then(|| {
                                    view! {
                                        <path d="M0,0 L8,8 M8,0 L0,8" stroke="#ffffff" stroke-width="1.5" />
                                    }
                                })}
                        </pattern>
                    }
                })
                .collect_view()}
        </defs>
    }
}

fn fill(prefix: &str, tone: Tone) -> String {
    match tone {
        Tone::Series(_) => tone.colour().to_owned(),
        _ => format!("url(#{prefix}-{})", tone.pattern()),
    }
}

/// One bar: a label, a value on the chart's scale and the text shown at its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub tone: Tone,
}

/// Horizontal bars from 0 to `max`.
#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    max: f64,
    /// Accessible name (what the chart shows).
    #[prop(into)]
    title: String,
    /// Unique on the page (pattern ids and `data-testid`).
    id: &'static str,
) -> impl IntoView {
    let row_h = 30.0;
    let label_w = 300.0;
    let bar_w = 300.0;
    let width = label_w + bar_w + 80.0;
    let height = row_h * bars.len().max(1) as f64 + 6.0;
    let max = if max > 0.0 { max } else { 1.0 };
    let prefix = format!("chart-{id}");
    view! {
        <svg
            class="chart"
            data-testid=format!("chart-{id}")
            viewBox=format!("0 0 {width} {height}")
            role="img"
            aria-label=title
        >
            {defs(&prefix)}
            {bars
                .into_iter()
                .enumerate()
                .map(|(i, b)| {
                    let y = 3.0 + row_h * i as f64;
                    let w = (bar_w * (b.value / max)).clamp(0.0, bar_w);
                    let label = shorten(&b.label, 42);
                    view! {
                        <text class="chart-label" x=label_w - 8.0 y=y + 17.0 text-anchor="end">
                            <title>{b.label.clone()}</title>
                            {label}
                        </text>
                        <rect class="chart-track" x=label_w y=y + 3.0 width=bar_w height="20" rx="2" />
                        <rect
                            x=label_w
                            y=y + 3.0
                            width=format!("{w:.1}")
                            height="20"
                            rx="2"
                            fill=fill(&prefix, b.tone)
                            stroke="#1f2933"
                            stroke-width="0.5"
                        />
                        <text class="chart-value" x=label_w + bar_w + 8.0 y=y + 17.0>{b.text}</text>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// A node of the flow diagram, placed by the layout (layer = column, order = row).
#[derive(Clone, Debug, PartialEq)]
pub struct FlowNode {
    pub id: String,
    pub label: String,
    pub layer: usize,
    pub order: usize,
    /// Learners who reached it.
    pub reached: usize,
    /// Set for endings (their kind).
    pub ending: Option<Tone>,
}

/// An edge: how many took choice `label` at `from` and arrived at `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowEdge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub count: usize,
    /// The choice is (one of) the best at its node.
    pub best: bool,
}

const NODE_W: f64 = 164.0;
const NODE_H: f64 = 46.0;
const COL_W: f64 = 196.0;
const ROW_H: f64 = 104.0;
const PAD: f64 = 12.0;

/// The scenario graph as a top-down flow: rows are layers from the start, each node shows how
/// many learners reached it, each choice is its own arrow, as wide as the learners who took it
/// (solid: a best choice; dashed: a weaker one; faint dotted: nobody). Choices that lead to the
/// same node fan out side by side, each with its count; a loop back goes round the right side.
#[component]
pub fn FlowDiagram(
    nodes: Vec<FlowNode>,
    edges: Vec<FlowEdge>,
    #[prop(into)] title: String,
) -> impl IntoView {
    let layers = nodes.iter().map(|n| n.layer).max().unwrap_or(0) + 1;
    let cols = nodes.iter().map(|n| n.order).max().unwrap_or(0) + 1;
    let width = COL_W * cols as f64 + 2.0 * PAD + 60.0;
    let height = ROW_H * layers as f64 + 2.0 * PAD;
    let pos = |id: &str| {
        nodes.iter().find(|n| n.id == id).map(|n| {
            (
                PAD + COL_W * n.order as f64,
                PAD + ROW_H * n.layer as f64,
                n.layer,
            )
        })
    };
    let max = edges.iter().map(|e| e.count).max().unwrap_or(1).max(1) as f64;
    let prefix = "flow";
    // Parallel edges (same source and target) fan out: index and count per pair.
    let mut seen: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut slot = Vec::with_capacity(edges.len());
    for e in &edges {
        let k = seen.entry((e.from.clone(), e.to.clone())).or_insert(0);
        slot.push(*k);
        *k += 1;
    }
    let edge_views = edges
        .iter()
        .zip(slot)
        .filter_map(|(e, k)| {
            let (x1, y1, l1) = pos(&e.from)?;
            let (x2, y2, l2) = pos(&e.to)?;
            let n = seen.get(&(e.from.clone(), e.to.clone())).copied().unwrap_or(1) as f64;
            let spread = (k as f64 - (n - 1.0) / 2.0) * 26.0;
            let (d, lx, ly) = if l2 > l1 {
                let (sx, sy) = (x1 + NODE_W / 2.0 + spread * 0.45, y1 + NODE_H);
                let (tx, ty) = (x2 + NODE_W / 2.0 + spread * 0.45, y2);
                let my = (sy + ty) / 2.0;
                (
                    format!(
                        "M{sx:.0},{sy:.0} C{:.0},{my:.0} {:.0},{my:.0} {tx:.0},{ty:.0}",
                        sx + spread,
                        tx + spread
                    ),
                    (sx + tx) / 2.0 + spread * 0.8,
                    my + 4.0,
                )
            } else {
                // A loop back up: leave on the right and come round.
                let (sx, sy) = (x1 + NODE_W, y1 + NODE_H / 2.0);
                let (tx, ty) = (x2 + NODE_W, y2 + NODE_H / 2.0);
                let out = sx.max(tx) + 40.0 + spread.abs();
                (
                    format!("M{sx:.0},{sy:.0} C{out:.0},{sy:.0} {out:.0},{ty:.0} {tx:.0},{ty:.0}"),
                    out - 8.0,
                    (sy + ty) / 2.0,
                )
            };
            let w = if e.count == 0 {
                1.0
            } else {
                1.5 + 9.0 * e.count as f64 / max
            };
            let class = match (e.count, e.best) {
                (0, _) => "flow-edge flow-edge-none",
                (_, true) => "flow-edge flow-edge-best",
                (_, false) => "flow-edge flow-edge-weak",
            };
            let tip = format!("{} → {}: {} ({})", e.from, e.to, e.label, e.count);
            Some(view! {
                <g>
                    <path class=class d=d stroke-width=format!("{w:.1}") fill="none">
                        <title>{tip}</title>
                    </path>
                    {(e.count > 0)
                        .then(|| view! { <text class="flow-count" x=format!("{lx:.0}") y=format!("{ly:.0}") text-anchor="middle">{e.count}</text> })}
                </g>
            })
        })
        .collect_view();
    let node_views = nodes
        .iter()
        .map(|n| {
            let x = PAD + COL_W * n.order as f64;
            let y = PAD + ROW_H * n.layer as f64;
            let (fill_v, class) = match n.ending {
                Some(t) => (fill(prefix, t), "flow-node flow-node-ending"),
                None => ("#ffffff".to_owned(), "flow-node"),
            };
            let label = shorten(&n.label, 24);
            view! {
                <g data-node=n.id.clone()>
                    <rect class=class x=x y=y width=NODE_W height=NODE_H rx="6" fill=fill_v>
                        <title>{n.label.clone()}</title>
                    </rect>
                    <text
                        class=if n.ending.is_some() { "flow-text flow-text-ending" } else { "flow-text" }
                        x=x + 8.0
                        y=y + 19.0
                    >
                        {label}
                    </text>
                    <text
                        class=if n.ending.is_some() { "flow-text flow-text-ending" } else { "flow-sub" }
                        x=x + 8.0
                        y=y + 37.0
                    >
                        {format!("n = {}", n.reached)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let region = title.clone();
    view! {
        <div class="flow-scroll" tabindex="0" role="region" aria-label=region>
            <svg
                class="flow"
                data-testid="flow-diagram"
                width=format!("{width:.0}")
                height=format!("{height:.0}")
                viewBox=format!("0 0 {width:.0} {height:.0}")
                role="img"
                aria-label=title
            >
                {defs(prefix)}
                {edge_views}
                {node_views}
            </svg>
        </div>
    }
}

/// Cuts a label to `max` characters (by char, so Vietnamese letters are never split).
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}
