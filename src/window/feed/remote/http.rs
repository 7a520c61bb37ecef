//! The few REST calls `view` makes (control, tunables, one entity), as
//! plain HTTP/1.1 over a tokio socket: one request per connection
//! (`Connection: close`), a deadline on the whole exchange and a cap on the
//! answer. The tree has no HTTP client crate (axum brings only hyper's
//! server half), and these calls are too few and too simple to want one.
//! A non-2xx answer becomes the API's own `{error, field}` text.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::address::HostPort;

/// Longest one call may take, connecting included.
pub const DEADLINE: Duration = Duration::from_secs(5);
/// Largest answer read (an entity's details are a few KiB).
pub const MAX_ANSWER: usize = 4 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

/// The server's REST API.
#[derive(Clone, Debug)]
pub struct Api {
    pub at: HostPort,
    pub token: Option<String>,
}

impl Api {
    /// Makes one call; the JSON answer, or the text to show.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        match tokio::time::timeout(DEADLINE, self.exchange(method, path, body)).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "{} {path}: no answer from http://{} within {}s",
                method.as_str(),
                self.at,
                DEADLINE.as_secs()
            )),
        }
    }

    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let lost = |e: std::io::Error| format!("cannot reach the API at http://{}: {e}", self.at);
        let mut socket = TcpStream::connect(self.at.to_string())
            .await
            .map_err(lost)?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let auth = match &self.token {
            Some(t) => format!("Authorization: Bearer {t}\r\n"),
            None => String::new(),
        };
        let head = format!(
            "{} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAccept: application/json\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            method.as_str(),
            self.at,
            body.len()
        );
        socket.write_all(head.as_bytes()).await.map_err(lost)?;
        socket.write_all(body.as_bytes()).await.map_err(lost)?;
        let mut raw = Vec::new();
        (&mut socket)
            .take(MAX_ANSWER as u64 + 1)
            .read_to_end(&mut raw)
            .await
            .map_err(lost)?;
        if raw.len() > MAX_ANSWER {
            return Err(format!("{path}: the answer is over {MAX_ANSWER} bytes"));
        }
        let (status, body) = parse_response(&raw).map_err(|e| format!("{path}: {e}"))?;
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if (200..300).contains(&status) {
            return json.ok_or_else(|| format!("{path}: the answer is not JSON"));
        }
        Err(api_error(status, json.as_ref()))
    }
}

/// The API's refusal as one line: `field: error` (or the status alone).
pub fn api_error(status: u16, body: Option<&Value>) -> String {
    let error = body.and_then(|b| b["error"].as_str());
    let field = body.and_then(|b| b["field"].as_str());
    match (field, error) {
        (Some(f), Some(e)) => format!("{f}: {e}"),
        (None, Some(e)) => e.to_string(),
        _ => format!("the API answered HTTP {status}"),
    }
}

/// The status and the body of a whole HTTP/1.1 response.
pub fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the answer has no complete header")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "the answer's header is not text")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {status_line:?}"))?;
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        } else if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|_| "a bad Content-Length")?);
        }
    }
    let rest = &raw[end + 4..];
    let body = if chunked {
        dechunk(rest)?
    } else {
        match length {
            Some(n) if n <= rest.len() => rest[..n].to_vec(),
            Some(n) => return Err(format!("the answer stopped at {} of {n} bytes", rest.len())),
            None => rest.to_vec(),
        }
    };
    Ok((status, body))
}

/// The body of a chunked transfer.
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk without its size line")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).map_err(|_| "a bad chunk size")?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "a bad chunk size")?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if rest.len() < size + 2 {
            return Err("the answer stopped inside a chunk".into());
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_parse_by_length_or_chunks() {
        let r = b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n{\"a\":1}trailing";
        assert_eq!(parse_response(r).unwrap(), (200, b"{\"a\":1}".to_vec()));
        let r = b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"e\r\n4\r\n\":2}\r\n0\r\n\r\n";
        assert_eq!(parse_response(r).unwrap(), (400, b"{\"e\":2}".to_vec()));
        assert!(parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc").is_err());
        assert!(parse_response(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n").is_err());
        let r = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        assert!(parse_response(r).is_err());
    }

    #[test]
    fn refusals_read_as_the_api_wrote_them() {
        let body = serde_json::json!({"error": "must be at least 0", "field": "birth_rate"});
        assert_eq!(
            api_error(400, Some(&body)),
            "birth_rate: must be at least 0"
        );
        let body = serde_json::json!({"error": "wrong token", "field": null});
        assert_eq!(api_error(403, Some(&body)), "wrong token");
        assert_eq!(api_error(502, None), "the API answered HTTP 502");
    }
}
