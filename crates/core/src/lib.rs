//! The learning model of Boiduong, free of browser APIs so it is tested natively.
//!
//! - [`locales`]: the portal's texts (`locales/*.json`) for the native tools;
//! - [`model`]: compiled content (modules, scenarios, catalog) as the browser receives it;
//! - [`scenario`]: the scenario engine (choices, branches, competency scores, recap);
//! - [`module`]: the module engine (lessons, practice, knowledge check, pass mark);
//! - [`attempt`]: the append-only attempt log, replay (resume) and summaries;
//! - [`shuffle`]: the order choices and options are shown in, drawn per attempt;
//! - [`calendar`]: the one Gregorian calendar (days since the epoch to a date and back);
//! - [`export`]: the "my records" file (versioned) and the checks of its header;
//! - [`record`]: the versioned storage format and its migrations;
//! - [`rng`]: the seeded PRNG of the simulators;
//! - [`review`]: the trainer review (statements read back from the LRS, aggregated);
//! - `simulator` (feature `synth`): a simulated class through the portal's own engine and
//!   mapping (demo seed, benchmark, e2e data);
//! - [`self_assessment`]: position standards, profile, gap report, self-ratings, evaluations, consent;
//! - [`sync`]: the sync policy (what to send, what an LRS answer means);
//! - [`urls`]: rules for addresses from outside (`?next=`, LRS `more` links, LRS endpoints);
//! - `compiler` (feature `compiler`): the native content compiler and its validation rules.
//!
//! Clocks and randomness come in as arguments, never from the environment.

pub mod attempt;
pub mod calendar;
pub mod export;
pub mod locales;
pub mod model;
pub mod module;
pub mod order;
pub mod record;
pub mod review;
pub mod rng;
pub mod scenario;
pub mod self_assessment;
pub mod shuffle;
#[cfg(feature = "synth")]
pub mod simulator;
pub mod sync;
pub mod text;
pub mod urls;
pub mod xapi;

#[cfg(feature = "compiler")]
pub mod compiler;

pub use text::{Lang, LocalText};
