//! The only interactive question secpip asks ("install anyway?"), and only
//! when a person is there to answer: never with `--ci`, never when stdin or
//! stderr is not a terminal. This is the only file that uses dialoguer.

use std::io::IsTerminal;

/// Asks yes/no questions, or declines to.
pub trait Prompter: Send + Sync {
    /// `Some(answer)` if a person answered, `None` if nobody can be asked.
    fn confirm(&self, question: &str) -> Option<bool>;
}

/// Never asks: CI and pipes. Policy decides.
pub struct NoPrompt;

impl Prompter for NoPrompt {
    fn confirm(&self, _: &str) -> Option<bool> {
        None
    }
}

/// Asks on the terminal with dialoguer; the default answer is no.
pub struct TerminalPrompt;

impl Prompter for TerminalPrompt {
    fn confirm(&self, question: &str) -> Option<bool> {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact_on_opt(&console::Term::stderr())
            .ok()
            .flatten()
            .or(Some(false))
    }
}

/// The prompter for this run: a terminal prompt only when interactive.
pub fn prompter(ci: bool) -> Box<dyn Prompter> {
    if !ci && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        Box::new(TerminalPrompt)
    } else {
        Box::new(NoPrompt)
    }
}
