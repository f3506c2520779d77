//! Position bias: do learners choose by the place an option is shown at?
//!
//! Each attempt shows choices and options in its own order ([`crate::shuffle`]) and each
//! answer says where the chosen option was (`shown-position`, `shown-order`). If the place
//! does not sway the choice, the place of the chosen option is as random as the shuffle:
//! for an option shuffled over `m` places, shown first with chance 1/m (0 when the first
//! place holds a pinned option) and at the mean of those places on average; a pinned option
//! is always at its written place. [`PositionBias`] sets what learners did beside that chance,
//! summed over every chosen option whose place is known (a multiple choice answer counts each
//! option selected).

use crate::model::{ContentKind, ItemKind, Module, Scenario};

use super::class::Class;

/// What learners chose at one item or decision node, by place shown, against chance.
#[derive(Clone, Debug, PartialEq)]
pub struct PositionBias {
    /// The item or node id.
    pub id: String,
    /// The item's kind (single or multiple choice); None for a scenario node.
    pub kind: Option<ItemKind>,
    /// Options (choices) it has.
    pub options: usize,
    /// Chosen options whose place is known.
    pub chosen: usize,
    /// Of which shown first.
    pub first: usize,
    /// How many of them chance puts first: the sum of each one's chance of being shown first.
    pub first_expected: f64,
    /// Sum of the places (1-based) they were shown at.
    pub place_sum: u64,
    /// Sum of the places chance gives them: each one's mean place under the shuffle.
    pub place_expected: f64,
    /// Answers without a recorded place (attempts shown in the written order, other tools).
    pub unknown: usize,
}

impl PositionBias {
    fn new(id: &str, kind: Option<ItemKind>, options: usize) -> Self {
        PositionBias {
            id: id.to_owned(),
            kind,
            options,
            chosen: 0,
            first: 0,
            first_expected: 0.0,
            place_sum: 0,
            place_expected: 0.0,
            unknown: 0,
        }
    }

    /// Share of the chosen options that were shown first.
    pub fn first_share(&self) -> Option<f64> {
        (self.chosen > 0).then(|| self.first as f64 / self.chosen as f64)
    }

    /// The share chance predicts.
    pub fn first_chance(&self) -> Option<f64> {
        (self.chosen > 0).then(|| self.first_expected / self.chosen as f64)
    }

    /// Mean place (1-based) of the chosen options.
    pub fn mean_place(&self) -> Option<f64> {
        (self.chosen > 0).then(|| self.place_sum as f64 / self.chosen as f64)
    }

    /// The mean place chance predicts.
    pub fn mean_chance(&self) -> Option<f64> {
        (self.chosen > 0).then(|| self.place_expected / self.chosen as f64)
    }

    /// Adds one chosen option shown at `place` among `shown` ids, `pinned` telling which ids
    /// keep their written place.
    fn add(&mut self, place: u32, chosen: &str, shown: &[String], pinned: &dyn Fn(&str) -> bool) {
        self.chosen += 1;
        self.first += usize::from(place == 1);
        self.place_sum += u64::from(place);
        let (p_first, mean) = if pinned(chosen) {
            (if place == 1 { 1.0 } else { 0.0 }, f64::from(place))
        } else {
            // the places the shuffle moves options over: those not held by a pinned option
            let movable: Vec<usize> = (1..=shown.len())
                .filter(|k| !pinned(&shown[k - 1]))
                .collect();
            let m = movable.len().max(1) as f64;
            let first = if movable.first() == Some(&1) {
                1.0
            } else {
                0.0
            };
            (first / m, movable.iter().sum::<usize>() as f64 / m)
        };
        self.first_expected += p_first;
        self.place_expected += mean;
    }
}

/// Position bias of every single and multiple choice item of a module (lessons' practice
/// items, then the check's), over every answer of the class's attempts of it, pre-tests and
/// retakes included: a place chosen by habit shows in any answer.
pub fn item_position_bias(class: &Class, module: &Module) -> Vec<PositionBias> {
    let items: Vec<_> = module
        .lessons
        .iter()
        .map(|l| &l.practice)
        .chain(&module.check.items)
        .filter(|i| crate::shuffle::is_shuffled(i))
        .collect();
    let mut out: Vec<PositionBias> = items
        .iter()
        .map(|i| PositionBias::new(&i.id, Some(i.kind()), i.options.len()))
        .collect();
    let attempts = class
        .attempts
        .iter()
        .filter(|a| a.content.kind == ContentKind::Module && a.content.id == module.id);
    for answer in attempts.flat_map(|a| &a.answers) {
        let Some(k) = items.iter().position(|i| i.id == answer.item) else {
            continue;
        };
        let item = items[k];
        let chosen: Vec<&str> = answer
            .response
            .as_deref()
            .map(|r| r.split("[,]").collect())
            .unwrap_or_default();
        let row = &mut out[k];
        if answer.shown_position.is_empty() || answer.shown_position.len() != chosen.len() {
            row.unknown += 1;
            continue;
        }
        let shown: Vec<String> = if answer.shown_order.is_empty() {
            item.options.iter().map(|o| o.id.clone()).collect()
        } else {
            answer.shown_order.clone()
        };
        let pinned = |id: &str| item.option(id).is_some_and(|o| o.fixed);
        for (place, id) in answer.shown_position.iter().zip(&chosen) {
            row.add(*place, id, &shown, &pinned);
        }
    }
    out
}

/// Position bias of every decision node (two choices or more) of a scenario, in its order,
/// over every decision of the class's attempts (a loop counts each time).
pub fn node_position_bias(class: &Class, scenario: &Scenario) -> Vec<PositionBias> {
    let nodes: Vec<_> = scenario
        .nodes
        .iter()
        .filter(|n| n.choices.len() >= 2)
        .collect();
    let mut out: Vec<PositionBias> = nodes
        .iter()
        .map(|n| PositionBias::new(&n.id, None, n.choices.len()))
        .collect();
    let decisions = class
        .attempts_of(ContentKind::Scenario, &scenario.id)
        .flat_map(|a| &a.choices);
    for c in decisions {
        let Some(k) = nodes.iter().position(|n| n.id == c.node) else {
            continue;
        };
        let row = &mut out[k];
        let Some(place) = c.shown_position else {
            row.unknown += 1;
            continue;
        };
        let shown: Vec<String> = if c.shown_order.is_empty() {
            nodes[k].choices.iter().map(|x| x.id.clone()).collect()
        } else {
            c.shown_order.clone()
        };
        row.add(place, &c.choice, &shown, &|_| false);
    }
    out
}
