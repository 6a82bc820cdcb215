//! The levels the two models give (legacy protect and change levels, V3 tier letters), kept
//! apart from the models so that `policy`'s tables can name them without depending on the
//! calculations that read those tables.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Protect level. Declared lowest first so that the derived order is by seriousness:
/// `D < C < B < A`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProtectLevel {
    /// 0-9 points.
    D,
    /// 10-19 points.
    C,
    /// 20-149 points.
    B,
    /// 150 points or more.
    A,
}

impl ProtectLevel {
    /// The letter, as in the tier string.
    pub fn letter(self) -> char {
        match self {
            ProtectLevel::A => 'A',
            ProtectLevel::B => 'B',
            ProtectLevel::C => 'C',
            ProtectLevel::D => 'D',
        }
    }
}

impl fmt::Display for ProtectLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// Change level 0-3; serialised as the integer. Ordered by need for change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum ChangeLevel {
    /// No mandate for change.
    Zero,
    /// 0-9 change points.
    One,
    /// 10-19 change points, or no valid assessment.
    Two,
    /// 20 change points or more.
    Three,
}

impl ChangeLevel {
    /// The digit 0-3.
    pub fn digit(self) -> u8 {
        match self {
            ChangeLevel::Zero => 0,
            ChangeLevel::One => 1,
            ChangeLevel::Two => 2,
            ChangeLevel::Three => 3,
        }
    }
}

/// The error of reading a change level from a number other than 0-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("change level {0} is not 0, 1, 2 or 3")]
pub struct BadChangeLevel(pub u8);

impl TryFrom<u8> for ChangeLevel {
    type Error = BadChangeLevel;
    fn try_from(value: u8) -> Result<Self, BadChangeLevel> {
        match value {
            0 => Ok(ChangeLevel::Zero),
            1 => Ok(ChangeLevel::One),
            2 => Ok(ChangeLevel::Two),
            3 => Ok(ChangeLevel::Three),
            _ => Err(BadChangeLevel(value)),
        }
    }
}

impl From<ChangeLevel> for u8 {
    fn from(level: ChangeLevel) -> u8 {
        level.digit()
    }
}

impl fmt::Display for ChangeLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.digit())
    }
}

/// A V3 tier letter. Declared lowest first so the derived order is by seriousness:
/// `G < F < ... < A`, and "the highest tier" is `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum V3Level {
    /// Lowest.
    G,
    /// F.
    F,
    /// E.
    E,
    /// D.
    D,
    /// C.
    C,
    /// B.
    B,
    /// Highest.
    A,
}

impl V3Level {
    /// All levels, highest first.
    pub const ALL: [V3Level; 7] = [V3Level::A, V3Level::B, V3Level::C, V3Level::D, V3Level::E, V3Level::F, V3Level::G];

    /// The letter.
    pub fn letter(self) -> char {
        match self {
            V3Level::A => 'A',
            V3Level::B => 'B',
            V3Level::C => 'C',
            V3Level::D => 'D',
            V3Level::E => 'E',
            V3Level::F => 'F',
            V3Level::G => 'G',
        }
    }
}
