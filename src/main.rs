//! `loupe`: with no subcommand, the workbench window; with one, the same operation headless.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
