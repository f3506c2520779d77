//! The learner app (`/`): catalog, players, history, sign-in, sync, self-assessment.
fn main() {
    boiduong::start_learner();
}
