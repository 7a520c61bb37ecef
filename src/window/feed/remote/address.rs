//! Where a live server is: the `ws://HOST:PORT` the stream comes from and
//! the `http://HOST:PORT` of its REST API. Both are checked here, before
//! anything connects, so a typo is an invalid command line (with a message
//! naming what is wrong) rather than a connection that mysteriously fails.

use std::fmt;

/// The REST port a server listens on unless told otherwise (`serve --http`).
pub const DEFAULT_API_PORT: u16 = 8000;

/// A host and port, with the host as written (a name, an IPv4 address or a
/// bracketed IPv6 address).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// The server's two addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The WebSocket URL as given (path included).
    pub ws_url: String,
    pub ws: HostPort,
    pub api: HostPort,
}

/// Splits `scheme://host:port[/path]` into its host, port and path; the
/// port is required (a live server's ports are chosen at `serve` time).
fn split(url: &str, scheme: &str) -> Result<(HostPort, String), String> {
    let rest = url
        .strip_prefix(scheme)
        .and_then(|r| r.strip_prefix("://"))
        .ok_or_else(|| {
            let given = url.split("://").next().filter(|s| *s != url);
            match given {
                Some(other) if scheme == "ws" && other == "wss" => {
                    "wss:// (TLS) is not supported: give the server's plain ws:// address"
                        .to_string()
                }
                Some(other) => format!("{url:?}: expected a {scheme}:// URL, not {other}://"),
                None => format!("{url:?}: expected a URL like {scheme}://HOST:PORT"),
            }
        })?;
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(format!("{url:?}: a user name in the URL is not supported"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inner, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("{url:?}: an IPv6 address needs its closing ]"))?;
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{url:?}: [{inner}] is not an IPv6 address"));
        }
        (
            format!("[{inner}]"),
            after.strip_prefix(':').unwrap_or(after),
        )
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p),
            None => (authority.to_string(), ""),
        }
    };
    let host_ok = !host.is_empty()
        && (host.starts_with('[')
            || host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    if !host_ok {
        return Err(format!("{url:?}: {host:?} is not a host name or address"));
    }
    if port.is_empty() {
        return Err(format!(
            "{url:?}: the port is missing (e.g. {scheme}://{host}:8765)"
        ));
    }
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("{url:?}: {port:?} is not a port (1-65535)"))?;
    Ok((HostPort { host, port }, path.to_string()))
}

impl Endpoints {
    /// Checks the stream's URL and the API's (default: the stream's host,
    /// port [`DEFAULT_API_PORT`]).
    pub fn parse(ws_url: &str, api: Option<&str>) -> Result<Endpoints, String> {
        let (ws, _path) = split(ws_url, "ws")?;
        let api = match api {
            None => HostPort {
                host: ws.host.clone(),
                port: DEFAULT_API_PORT,
            },
            Some(url) => {
                let (hp, path) = split(url.trim_end_matches('/'), "http")?;
                if !path.is_empty() {
                    return Err(format!(
                        "--api {url:?}: give the server's address only (the API is under /api)"
                    ));
                }
                hp
            }
        };
        Ok(Endpoints {
            ws_url: ws_url.to_string(),
            ws,
            api,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls_give_both_addresses() {
        let e = Endpoints::parse("ws://127.0.0.1:8765", None).unwrap();
        assert_eq!(e.ws.to_string(), "127.0.0.1:8765");
        assert_eq!(e.api.to_string(), "127.0.0.1:8000");
        let e = Endpoints::parse("ws://game.example:9/stream", Some("http://[::1]:81/")).unwrap();
        assert_eq!((e.ws.host.as_str(), e.ws.port), ("game.example", 9));
        assert_eq!(e.api.to_string(), "[::1]:81");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        let err = |ws: &str, api: Option<&str>| Endpoints::parse(ws, api).unwrap_err();
        assert!(err("http://h:1", None).contains("ws://"));
        assert!(err("wss://h:1", None).contains("TLS"));
        assert!(err("localhost:8765", None).contains("ws://HOST:PORT"));
        assert!(err("ws://h", None).contains("port is missing"));
        assert!(err("ws://h:99999", None).contains("not a port"));
        assert!(err("ws://h:0", None).contains("not a port"));
        assert!(err("ws://:80", None).contains("not a host"));
        assert!(err("ws://a b:80", None).contains("not a host"));
        assert!(err("ws://[zz]:80", None).contains("IPv6"));
        assert!(err("ws://u@h:80", None).contains("user"));
        assert!(err("ws://h:1", Some("ws://h:2")).contains("http://"));
        assert!(err("ws://h:1", Some("http://h:2/api")).contains("address only"));
    }
}
