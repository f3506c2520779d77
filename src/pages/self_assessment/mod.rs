//! Self-assessment: the learner's profile (position, standards), self-ratings against the
//! standards, the gaps between what they rate and what their attempts measured, and their
//! consent to share. Route: [`page`] (`/tu-danh-gia`, also `/self-assessment`). The state and
//! its saves are `state::self_assessment`; the rating and evaluation forms, which the module
//! page uses too, are in `components`.

pub mod page;
