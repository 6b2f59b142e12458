//! `gil-sim dis <program>`: the bytecode of one of the built-in programs,
//! with the instructions where each policy can switch threads.

use crate::contract::{Ctx, Tool};
use crate::vm::{builtin_programs, dis};

/// The `dis` command.
#[derive(Debug, clap::Args)]
pub struct Dis {
    /// The program to list.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(builtin_programs::NAMES))]
    pub program: String,
}

impl Tool for Dis {
    const NAME: &'static str = "dis";
    const ABOUT: &'static str =
        "List a program's bytecode and mark where each GIL policy can switch threads";

    fn run(&self, _ctx: &Ctx) -> anyhow::Result<()> {
        let p = builtin_programs::by_name(&self.program)
            .ok_or_else(|| anyhow::anyhow!("no program {:?}", self.program))?;
        print!("{}", dis::listing(&p));
        Ok(())
    }
}
