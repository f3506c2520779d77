//! The trainer app (`/trainer/`): the trainer area and the authoring preview.
fn main() {
    boiduong::start_trainer();
}
