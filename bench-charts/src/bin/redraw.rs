//! Redraws every chart under `docs/charts/` from the samples stored in
//! `docs/charts/data/` (no measurement is run):
//!
//! ```text
//! cargo run -p bench-charts --bin redraw
//! ```

fn main() {
    match bench_charts::redraw_repo_charts() {
        Ok(done) if done.written.is_empty() => {
            eprintln!("no chart drawn: no data stored yet");
            std::process::exit(1);
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("redraw failed ({}): {e}", e.code());
            std::process::exit(1);
        }
    }
}
