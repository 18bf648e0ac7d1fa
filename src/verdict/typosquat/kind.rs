//! The games a name can play with a popular one, and what each is worth.

use serde::{Deserialize, Serialize};

/// The kind of game a name plays, as a stable kebab-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Separators added, removed or changed (`pythondateutil`).
    Separators,
    /// Only the case differs (npm: `jsonstream` for `JSONStream`).
    Case,
    /// Look-alike glyphs (`rn`/`m`, `vv`/`w`, `l`/`1`/`i`, `0`/`o`, `q`/`g`).
    LookAlike,
    /// The same words in another order (`dateutil-python`).
    WordOrder,
    /// A meaningless word added or replaced (`python-`, `-py`, `-js`,
    /// `node-`), or a promise to install the popular project added
    /// (`install-`, `-installer`).
    Affix,
    /// A meaningless word of the popular name left out (`dateutil` for
    /// `python-dateutil`, `awsencryption` for `aws-encryption-sdk`).
    DroppedWord,
    /// A version number added, removed or changed (`requests2`).
    Version,
    /// Two adjacent characters swapped.
    Swap,
    /// One character left out.
    Omitted,
    /// One character typed twice.
    Repeated,
    /// One letter of a doubled pair typed once (`coffescript`, `pilow`).
    Undoubled,
    /// One character added.
    Extra,
    /// A plural `s` added or dropped at the end of a name (`taskgroups`
    /// for `taskgroup`).
    Plural,
    /// A plural `s` added or dropped on two or more words of a name
    /// (`torchs-visions`, `webpacks-dev-servers`).
    Plurals,
    /// One character replaced by a keyboard neighbour.
    Keyboard,
    /// A keyboard neighbour pressed with the intended key (`reqwuests`,
    /// `numpuy`): one character added next to the key it borders.
    FatFinger,
    /// One vowel replaced by another, a misspelling by ear
    /// (`tensorflaw`).
    Vowel,
    /// One character replaced.
    Changed,
    /// Two edits, in a long name.
    TwoEdits,
    /// Two slips of the hand (each a swap, an omitted, doubled or
    /// neighbouring character, a look-alike, a plural or version), on one
    /// of the most typed names (`requetses`, `aiohtttps`).
    TwoSlips,
    /// An npm scope imitated (`@bable/core`).
    Scope,
    /// The name a popular PyPI project is imported by, not its own
    /// (`cv2` for opencv-python, `yaml` for pyyaml).
    ImportName,
    /// A command a popular package installs, not its own name (`tsc`
    /// for typescript, `ng` for @angular/cli, PyPI `yolo` for ultralytics):
    /// what `npx`, `uvx` and `pipx run` fetch when it is not installed.
    CommandName,
}

impl Kind {
    /// A slip of the hand: a character omitted, repeated, or swapped with
    /// its neighbour — what a typist actually does, and rarely a new name.
    pub fn is_slip(self) -> bool {
        matches!(
            self,
            Kind::Omitted | Kind::Swap | Kind::Repeated | Kind::Undoubled
        )
    }

    /// Slips that almost never make a real word by chance (swapped
    /// letters, a letter doubled or a doubled one typed once), so they
    /// count against the whole popular list; any other omitted letter
    /// often does (`colormap`, `purecss`).
    pub fn reaches_far(self) -> bool {
        matches!(self, Kind::Swap | Kind::Repeated | Kind::Undoubled)
    }

    /// Games that leave a name the same to a reader (`setup-tools`,
    /// `awsencryptionsdkcli`, `discordjs`, `python-boto3-stubs`). On PyPI,
    /// where pip's PEP 503 ignores separators anyway, a long name that
    /// plays one is no independent project by chance, so it counts
    /// against the whole popular list ([`LONG_NAME`](super::LONG_NAME)). On npm separators
    /// and `-js`/`node-` words do tell real packages apart
    /// (`html-encode`/`htmlencode`, `mixpanel-node`, measured in
    /// `docs/typosquat.md`), so there they reach that far only when both
    /// download counts are known and the popularity ratio can tell a
    /// package with its own users from a copy (online verdicts).
    pub fn reads_the_same(self) -> bool {
        matches!(
            self,
            Kind::Separators | Kind::LookAlike | Kind::Affix | Kind::DroppedWord
        )
    }

    /// Games that often turn one real name into another by chance: an
    /// omitted letter (`colormap`), a neighbour key or a vowel
    /// (`blinker`/`blinter`), a version number (`pydot3`), a noise word
    /// added (`ninjapy`) or dropped (`levenshtein`), one plural. They
    /// reach only [`TyposquatConfig::near_max_target_rank`](super::TyposquatConfig::near_max_target_rank) (a word
    /// dropped from a long name reaches further, see `Found::near_reach`).
    /// Plurals on two words at once ([`Kind::Plurals`]) are not among
    /// them: measured on every less-popular name of both lists, they made
    /// one real name (`wags-tails`) in 1.08 million. An import name is
    /// among them: beyond the most used projects it is often an ordinary
    /// word another project owns (`factory`, `agents`, `workflows`;
    /// measured in `docs/typosquat.md`).
    pub fn makes_names(self) -> bool {
        matches!(
            self,
            Kind::Omitted
                | Kind::Keyboard
                | Kind::FatFinger
                | Kind::Vowel
                | Kind::Version
                | Kind::Affix
                | Kind::DroppedWord
                | Kind::Plural
                | Kind::ImportName
        )
    }

    /// Edits that are not typical slips of the hand (an arbitrary
    /// character replaced or added, two edits): by chance, many real names
    /// are that close to *some* popular name, so they count only against
    /// the most popular ([`TyposquatConfig::weak_max_target_rank`](super::TyposquatConfig::weak_max_target_rank)).
    pub fn is_weak(self) -> bool {
        matches!(
            self,
            Kind::Changed | Kind::Extra | Kind::TwoEdits | Kind::TwoSlips
        )
    }

    /// How many games this kind plays at once: two for two edits or two
    /// slips, one otherwise. "Did you mean" prefers the explanation with
    /// fewer games.
    pub fn games(self) -> u8 {
        if matches!(self, Kind::TwoEdits | Kind::TwoSlips) {
            2
        } else {
            1
        }
    }

    /// Games found on the name with its separators taken out
    /// (`object.asign` and `object-assign` are one letter apart there),
    /// so separators that differ as well are one more game. The others
    /// are about words and separators themselves.
    pub fn ignores_separators(self) -> bool {
        !matches!(
            self,
            Kind::Separators
                | Kind::Case
                | Kind::WordOrder
                | Kind::Affix
                | Kind::DroppedWord
                | Kind::Version
                | Kind::Scope
                | Kind::ImportName
                | Kind::CommandName
        )
    }

    /// How strongly this game alone suggests a squat, 0–100.
    pub fn base_score(self) -> u8 {
        match self {
            Kind::Separators
            | Kind::Case
            | Kind::LookAlike
            | Kind::Scope
            | Kind::ImportName
            | Kind::CommandName => 90,
            Kind::Swap
            | Kind::Omitted
            | Kind::Repeated
            | Kind::Undoubled
            | Kind::Keyboard
            | Kind::FatFinger => 85,
            Kind::Vowel => 80,
            Kind::WordOrder | Kind::Extra | Kind::Changed | Kind::Plural | Kind::Plurals => 80,
            Kind::Affix | Kind::DroppedWord | Kind::Version | Kind::TwoSlips => 70,
            Kind::TwoEdits => 60,
        }
    }
}
