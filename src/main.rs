fn main() {
    boiduong::start();
}
