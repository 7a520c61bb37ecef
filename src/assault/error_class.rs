//! The classes of trouble an assault counts, typed rather than stringly:
//! every error code the server can send (protocol v1's [`ErrorCode`], spelt
//! as on the wire) and what a client can see go wrong with its connection
//! by itself. Each class has a fixed counter slot, so counting is a plain
//! atomic increment, and reports list classes in that fixed order.

use serde::{Serialize, Serializer};

use crate::core::protocol::ErrorCode;

/// Why something went wrong: an error code the server sent, or what the
/// client saw happen to its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// An `error` frame from the server.
    Server(ErrorCode),
    /// Nothing listens at the target.
    ConnectRefused,
    /// TCP connected but the WebSocket upgrade failed.
    HandshakeFailed,
    /// The server closed the connection (close frame or end of stream).
    ClosedByServer,
    /// Any other socket error.
    Io,
    /// Connecting, `hello` or `welcome` took too long, or a send stalled.
    Timeout,
    /// A frame that is not valid protocol v1 (or a binary frame).
    Protocol,
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 19] = [
        ErrorClass::ConnectRefused,
        ErrorClass::HandshakeFailed,
        ErrorClass::ClosedByServer,
        ErrorClass::Io,
        ErrorClass::Timeout,
        ErrorClass::Protocol,
        ErrorClass::Server(ErrorCode::MalformedJson),
        ErrorClass::Server(ErrorCode::NotAnObject),
        ErrorClass::Server(ErrorCode::MissingType),
        ErrorClass::Server(ErrorCode::UnknownType),
        ErrorClass::Server(ErrorCode::InvalidField),
        ErrorClass::Server(ErrorCode::BinaryFrame),
        ErrorClass::Server(ErrorCode::NotLoggedIn),
        ErrorClass::Server(ErrorCode::AlreadyLoggedIn),
        ErrorClass::Server(ErrorCode::EntityGone),
        ErrorClass::Server(ErrorCode::UnknownTarget),
        ErrorClass::Server(ErrorCode::RateLimited),
        ErrorClass::Server(ErrorCode::Busy),
        ErrorClass::Server(ErrorCode::ShuttingDown),
    ];

    /// The name reports use: the protocol's own spelling for server codes.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::ConnectRefused => "connect_refused",
            ErrorClass::HandshakeFailed => "handshake_failed",
            ErrorClass::ClosedByServer => "closed_by_server",
            ErrorClass::Io => "io",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Protocol => "protocol",
            ErrorClass::Server(code) => match code {
                ErrorCode::MalformedJson => "malformed_json",
                ErrorCode::NotAnObject => "not_an_object",
                ErrorCode::MissingType => "missing_type",
                ErrorCode::UnknownType => "unknown_type",
                ErrorCode::InvalidField => "invalid_field",
                ErrorCode::BinaryFrame => "binary_frame",
                ErrorCode::NotLoggedIn => "not_logged_in",
                ErrorCode::AlreadyLoggedIn => "already_logged_in",
                ErrorCode::EntityGone => "entity_gone",
                ErrorCode::UnknownTarget => "unknown_target",
                ErrorCode::RateLimited => "rate_limited",
                ErrorCode::Busy => "busy",
                ErrorCode::ShuttingDown => "shutting_down",
            },
        }
    }

    /// Its position in [`ErrorClass::ALL`] (the counter slot).
    pub fn index(self) -> usize {
        match self {
            ErrorClass::ConnectRefused => 0,
            ErrorClass::HandshakeFailed => 1,
            ErrorClass::ClosedByServer => 2,
            ErrorClass::Io => 3,
            ErrorClass::Timeout => 4,
            ErrorClass::Protocol => 5,
            ErrorClass::Server(code) => {
                6 + match code {
                    ErrorCode::MalformedJson => 0,
                    ErrorCode::NotAnObject => 1,
                    ErrorCode::MissingType => 2,
                    ErrorCode::UnknownType => 3,
                    ErrorCode::InvalidField => 4,
                    ErrorCode::BinaryFrame => 5,
                    ErrorCode::NotLoggedIn => 6,
                    ErrorCode::AlreadyLoggedIn => 7,
                    ErrorCode::EntityGone => 8,
                    ErrorCode::UnknownTarget => 9,
                    ErrorCode::RateLimited => 10,
                    ErrorCode::Busy => 11,
                    ErrorCode::ShuttingDown => 12,
                }
            }
        }
    }
}

impl PartialOrd for ErrorClass {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ErrorClass {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index().cmp(&other.index())
    }
}

impl Serialize for ErrorClass {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorClass {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        ErrorClass::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("no error class {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn error_classes_are_named_as_the_protocol_names_them() {
        for (i, class) in ErrorClass::ALL.iter().enumerate() {
            assert_eq!(class.index(), i, "{class:?}");
            if let ErrorClass::Server(code) = class {
                let wire = serde_json::to_string(code).unwrap();
                assert_eq!(wire, format!("\"{}\"", class.name()));
            }
        }
        let json = serde_json::to_string(&BTreeMap::from([
            (ErrorClass::Server(ErrorCode::Busy), 2),
            (ErrorClass::ConnectRefused, 1),
        ]))
        .unwrap();
        assert_eq!(json, r#"{"connect_refused":1,"busy":2}"#);
    }
}
