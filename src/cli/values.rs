//! The command line's spelling of library enums. The parsers stay here so
//! the layers below never depend on clap; each names the values it accepts
//! (they show in `--help` and in the error for a wrong one).

use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::core::scenario::ProfileChoice;
use crate::run::Pace;

/// `--pace fast|realtime`.
pub fn pace() -> impl TypedValueParser<Value = Pace> {
    PossibleValuesParser::new(["fast", "realtime"]).map(|s| match s.as_str() {
        "realtime" => Pace::Realtime,
        _ => Pace::Fast,
    })
}

/// `--profile mixed|trader|fighter|chatter|explorer|griefer`.
pub fn profile() -> impl TypedValueParser<Value = ProfileChoice> {
    PossibleValuesParser::new(ProfileChoice::ALL.map(|c| c.name()))
        .map(|s| ProfileChoice::from_name(&s).unwrap_or(ProfileChoice::Mixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_parses_to_its_own() {
        let cmd = clap::Command::new("t");
        let arg = clap::Arg::new("v");
        for c in ProfileChoice::ALL {
            let v = profile().parse_ref(&cmd, Some(&arg), c.name().as_ref());
            assert_eq!(v.unwrap(), c);
        }
        assert!(
            profile()
                .parse_ref(&cmd, Some(&arg), "wizard".as_ref())
                .is_err()
        );
        assert_eq!(
            pace()
                .parse_ref(&cmd, Some(&arg), "realtime".as_ref())
                .unwrap(),
            Pace::Realtime
        );
        assert_eq!(
            pace().parse_ref(&cmd, Some(&arg), "fast".as_ref()).unwrap(),
            Pace::Fast
        );
        assert!(pace().parse_ref(&cmd, Some(&arg), "slow".as_ref()).is_err());
    }
}
