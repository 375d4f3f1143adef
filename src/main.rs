//! The `banenafspraak` command: the only place that knows about command-line arguments.
fn main() {}
