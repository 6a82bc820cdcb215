//! Writes a synthetic London-scale instance as JSON on stdout.
//!
//! `cargo run -p upw --release --example instance -- --people 6000 --projects 400 --seed 1`

fn main() {
    let mut people = 6000;
    let mut projects = 400;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        let parsed = value.parse().unwrap_or_else(|_| {
            eprintln!("{flag}: expected a whole number, got {value:?}");
            std::process::exit(2)
        });
        match flag.as_str() {
            "--people" => people = parsed as usize,
            "--projects" => projects = parsed as usize,
            "--seed" => seed = parsed,
            other => {
                eprintln!("unknown option {other} (expected --people, --projects, --seed)");
                std::process::exit(2)
            }
        }
    }
    println!("{}", upw::synthetic_instance(seed, people, projects).to_json());
}
