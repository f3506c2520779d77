//! The learner's session on this device: sign-in, what waits to be sent, and their records.
//! Routes: [`sign_in`] (`/sign-in`, and the trainer app's `/trainer/sign-in`), [`sync`]
//! (`/sync`: outbox, refused statements, "Sync now", sign-out), whose [`records`] section
//! exports and imports the account's records. The state is `crate::session`.

pub mod records;
pub mod sign_in;
pub mod sync;
