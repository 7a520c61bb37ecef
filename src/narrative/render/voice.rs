//! How a beat is told, apart from what happened: the register (which kind
//! of text: a chronicle line, gossip, an inscription, a headline) picks the
//! symbol, and the tone (how the world regards the agent, by reputation
//! tier nudged by warmth) becomes a `tone:` tag that picks among variants.
//! Both are small closed sets so grammars and callers share one spelling.

use serde::{Deserialize, Serialize};

/// Which telling of a beat: beat `B` in register `R` renders symbol `B.R`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Register {
    /// The plain record of a life; every beat has one.
    Chronicle,
    /// What the neighbours say.
    Gossip,
    /// What the stone says.
    Epitaph,
    /// A zone's news, for the moments that weigh most.
    Headline,
}

impl Register {
    pub const ALL: [Register; 4] = [
        Register::Chronicle,
        Register::Gossip,
        Register::Epitaph,
        Register::Headline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Register::Chronicle => "chronicle",
            Register::Gossip => "gossip",
            Register::Epitaph => "epitaph",
            Register::Headline => "headline",
        }
    }

    /// The symbol that tells `beat` in this register.
    pub fn symbol(self, beat: &str) -> String {
        format!("{beat}.{}", self.as_str())
    }
}

/// How the world regards an agent, warmest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Revered,
    Friendly,
    Neutral,
    Wary,
    Hostile,
}

impl Tone {
    pub const ALL: [Tone; 5] = [
        Tone::Revered,
        Tone::Friendly,
        Tone::Neutral,
        Tone::Wary,
        Tone::Hostile,
    ];

    /// The tier of a reputation: ≥ 50 revered, ≥ 10 friendly, > -10
    /// neutral, > -50 wary, else hostile.
    pub fn of(reputation: i16) -> Tone {
        match reputation {
            50.. => Tone::Revered,
            10..=49 => Tone::Friendly,
            -9..=9 => Tone::Neutral,
            -49..=-10 => Tone::Wary,
            _ => Tone::Hostile,
        }
    }

    /// A warm soul (≥ 200) is remembered one tier kinder, a cold one
    /// (≤ 40) one tier harsher; the ends of the scale stay where they are.
    pub fn with_warmth(self, warmth: u8) -> Tone {
        let i = self as usize;
        let shifted = match warmth {
            200.. => i.saturating_sub(1),
            ..=40 => (i + 1).min(Tone::ALL.len() - 1),
            _ => i,
        };
        Tone::ALL[shifted]
    }

    /// The tone's name, as a tag's value and in `Tone::named`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Revered => "revered",
            Tone::Friendly => "friendly",
            Tone::Neutral => "neutral",
            Tone::Wary => "wary",
            Tone::Hostile => "hostile",
        }
    }

    /// The tone a name spells, if any.
    pub fn named(name: &str) -> Option<Tone> {
        Tone::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The context tag that selects this tone's variants: `tone:<name>`.
    pub fn tag(self) -> String {
        format!("tone:{}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_by_reputation() {
        let cases = [
            (i16::MAX, Tone::Revered),
            (50, Tone::Revered),
            (49, Tone::Friendly),
            (10, Tone::Friendly),
            (9, Tone::Neutral),
            (-9, Tone::Neutral),
            (-10, Tone::Wary),
            (-49, Tone::Wary),
            (-50, Tone::Hostile),
            (i16::MIN, Tone::Hostile),
        ];
        for (rep, tone) in cases {
            assert_eq!(Tone::of(rep), tone, "{rep}");
        }
    }

    #[test]
    fn warmth_shifts_one_tier() {
        assert_eq!(Tone::Neutral.with_warmth(200), Tone::Friendly);
        assert_eq!(Tone::Neutral.with_warmth(40), Tone::Wary);
        assert_eq!(Tone::Neutral.with_warmth(41), Tone::Neutral);
        assert_eq!(Tone::Neutral.with_warmth(199), Tone::Neutral);
        assert_eq!(Tone::Revered.with_warmth(255), Tone::Revered);
        assert_eq!(Tone::Hostile.with_warmth(0), Tone::Hostile);
        assert_eq!(Tone::Hostile.with_warmth(200), Tone::Wary);
    }

    #[test]
    fn names_and_tags() {
        for t in Tone::ALL {
            assert_eq!(Tone::named(t.as_str()), Some(t));
            assert_eq!(t.tag(), format!("tone:{}", t.as_str()));
        }
        assert_eq!(Tone::named("grumpy"), None);
        assert_eq!(Register::Headline.symbol("born"), "born.headline");
        assert_eq!(
            Register::ALL.map(Register::as_str).join(","),
            "chronicle,gossip,epitaph,headline"
        );
    }
}
