//! The `banenafspraak` command: the only place that knows about command-line arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use banenafspraak::estimate::ScoredPopulation;
use banenafspraak::model::design::{job_find_outcome, job_keep_outcome};
use banenafspraak::schema::{
    read_csv_path, write_csv_path, Population, ReadOptions, RegisterBasis,
};
use banenafspraak::synth::SynthParams;
use clap::{Parser, Subcommand};

/// Who outside the doelgroepregister is comparable to the people in it (Panteia 2023 method).
#[derive(Parser)]
#[command(name = "banenafspraak", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a microdata file (schema v1) and summarise it.
    Check {
        /// The microdata CSV file.
        #[arg(long)]
        input: PathBuf,
        /// Reference year of the extract (register entry years may not exceed it).
        #[arg(long, default_value_t = banenafspraak::schema::DEFAULT_REFERENCE_YEAR)]
        reference_year: u16,
        /// How many problems to list in full.
        #[arg(long, default_value_t = 100)]
        max_problems: usize,
    },
    /// Write a synthetic population (schema v1).
    Synth {
        /// Number of persons.
        #[arg(long, default_value_t = 10_000)]
        persons: usize,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output CSV file.
        #[arg(long)]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            input,
            reference_year,
            max_problems,
        } => {
            let opts = ReadOptions {
                reference_year,
                max_problems,
            };
            read_csv_path(&input, &opts).map(|pop| print!("{}", summary(&input, &pop)))
        }
        Command::Synth {
            persons,
            seed,
            output,
        } => SynthParams {
            persons,
            seed,
            ..SynthParams::default()
        }
        .generate()
        .and_then(|pop| write_csv_path(&pop, &output))
        .map(|()| eprintln!("wrote {persons} persons to {}", output.display())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("error: {e}");
            if !e.to_string().ends_with('\n') {
                eprintln!();
            }
            ExitCode::FAILURE
        }
    }
}

/// The short account of a valid file that `check` prints.
fn summary(input: &std::path::Path, pop: &Population) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{}: valid (microdata schema v1)", input.display());
    let _ = writeln!(s, "persons                 {:>12}", pop.len());
    let extra: Vec<&str> = pop.extra_column_names().collect();
    if !extra.is_empty() {
        let _ = writeln!(
            s,
            "extra columns           {:>12}  ({})",
            extra.len(),
            extra.join(", ")
        );
    }
    let members = pop.in_register().iter().filter(|&&r| r).count();
    let _ = writeln!(s, "register members        {members:>12}");
    for basis in RegisterBasis::ALL {
        let n = pop
            .register_basis()
            .iter()
            .filter(|b| **b == Some(*basis))
            .count();
        let _ = writeln!(s, "  {:<21} {n:>12}", basis.code());
    }
    let _ = writeln!(s, "populations (age 16-66, not in the register):");
    for p in ScoredPopulation::report_populations() {
        let _ = writeln!(s, "  {:<21} {:>12}", p.label, p.members(pop).len());
    }
    let find = pop.persons().filter_map(|p| job_find_outcome(&p)).count();
    let keep = pop.persons().filter_map(|p| job_keep_outcome(&p)).count();
    let _ = writeln!(s, "job cohorts:");
    let _ = writeln!(s, "  {:<21} {find:>12}", "job-find (entrants)");
    let _ = writeln!(s, "  {:<21} {keep:>12}", "job-keep (starters)");
    s
}
