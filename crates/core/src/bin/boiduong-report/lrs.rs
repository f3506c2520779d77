//! Reading statements from any xAPI 1.0.3 LRS: `GET {endpoint}/statements` with `since` /
//! `until`, HTTP Basic, `X-Experience-API-Version: 1.0.3`, following `more` page by page.
//! One page is held at a time; its statements go to the caller one by one.

use std::time::Duration;

use boiduong_core::review::{parse_page, Statement};

/// Where and as whom to read.
pub struct Lrs {
    /// The xAPI endpoint, e.g. `https://lrs.example.vn/xAPI/`.
    pub endpoint: String,
    /// `account:password` for HTTP Basic.
    pub credentials: Option<String>,
    /// Statements per page asked for (the LRS may send fewer).
    pub page_size: usize,
}

/// What the reading did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LrsSummary {
    pub pages: usize,
    pub statements: usize,
    /// Statements of the pages that were not usable (counted, skipped).
    pub malformed: usize,
}

/// RFC 4648 base64, for the Basic credentials.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-encodes a query value (timestamps carry `:` and `+`).
fn query_value(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first page's URL.
pub fn first_url(
    endpoint: &str,
    page_size: usize,
    since: Option<&str>,
    until: Option<&str>,
) -> String {
    let mut url = format!(
        "{}/statements?limit={page_size}",
        endpoint.trim_end_matches('/')
    );
    if let Some(s) = since {
        url.push_str(&format!("&since={}", query_value(s)));
    }
    if let Some(u) = until {
        url.push_str(&format!("&until={}", query_value(u)));
    }
    url
}

/// The next page's URL from a `more` link: absolute, from the server's root (`/xAPI/…`, as
/// Ralph sends it), or relative to the endpoint.
pub fn resolve_more(endpoint: &str, more: &str) -> String {
    if more.starts_with("http://") || more.starts_with("https://") {
        return more.to_owned();
    }
    let origin_end = endpoint
        .find("://")
        .and_then(|i| endpoint[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(endpoint.len());
    if more.starts_with('/') {
        format!("{}{more}", &endpoint[..origin_end])
    } else {
        format!("{}/{more}", endpoint.trim_end_matches('/'))
    }
}

impl Lrs {
    fn get(&self, agent: &ureq::Agent, url: &str) -> Result<String, String> {
        let mut last = String::new();
        // a busy LRS (429, 503) or a dropped connection gets two more tries
        for wait in [0u64, 2, 10] {
            std::thread::sleep(Duration::from_secs(wait));
            let mut req = agent
                .get(url)
                .header("X-Experience-API-Version", "1.0.3")
                .header("Accept", "application/json");
            if let Some(c) = &self.credentials {
                req = req.header("Authorization", &format!("Basic {}", base64(c.as_bytes())));
            }
            match req.call() {
                Ok(mut res) => {
                    return res
                        .body_mut()
                        .with_config()
                        .limit(512 * 1024 * 1024)
                        .read_to_string()
                        .map_err(|e| format!("reading the answer of {url}: {e}"));
                }
                Err(ureq::Error::StatusCode(code)) if code == 429 || code >= 500 => {
                    last = format!("the LRS answered {code} to {url}");
                }
                Err(ureq::Error::StatusCode(401)) => {
                    return Err(format!(
                        "the LRS refused the credentials (401) for {url}: check --user and \
                         BOIDUONG_LRS_PASSWORD (the account needs statements/read)"
                    ))
                }
                Err(ureq::Error::StatusCode(code)) => {
                    return Err(format!("the LRS answered {code} to {url}"))
                }
                Err(e) => last = format!("cannot reach the LRS at {url}: {e}"),
            }
        }
        Err(last)
    }

    /// Reads every page, handing each statement to `each`.
    pub fn read(
        &self,
        since: Option<&str>,
        until: Option<&str>,
        mut each: impl FnMut(Statement),
        mut progress: impl FnMut(&LrsSummary),
    ) -> Result<LrsSummary, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .into();
        let mut summary = LrsSummary::default();
        let mut url = first_url(&self.endpoint, self.page_size, since, until);
        let mut previous: Option<String> = None;
        loop {
            let body = self.get(&agent, &url)?;
            let page = parse_page(&body).map_err(|e| format!("{url}: {e}"))?;
            summary.pages += 1;
            summary.malformed += page.malformed;
            summary.statements += page.statements.len();
            page.statements.into_iter().for_each(&mut each);
            progress(&summary);
            match page.more {
                None => break,
                Some(more) => {
                    let next = resolve_more(&self.endpoint, &more);
                    if previous.as_deref() == Some(next.as_str()) || next == url {
                        return Err(format!("the LRS sent the same `more` link twice: {next}"));
                    }
                    previous = Some(std::mem::replace(&mut url, next));
                }
            }
        }
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    // Guards the Basic credentials' encoding (RFC 4648 test vectors and a real pair).
    #[test]
    fn base64_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            base64(b"giangvien:giangvien-pass"),
            "Z2lhbmd2aWVuOmdpYW5ndmllbi1wYXNz"
        );
    }

    // Guards the paging links: Ralph's root-relative `more`, absolute ones, relative ones,
    // and the period's timestamps encoded in the query.
    #[test]
    fn page_urls() {
        let e = "http://127.0.0.1:8100/xAPI/";
        assert_eq!(
            first_url(e, 500, Some("2026-10-01T00:00:00+07:00"), None),
            "http://127.0.0.1:8100/xAPI/statements?limit=500&since=2026-10-01T00%3A00%3A00%2B07%3A00"
        );
        assert_eq!(
            resolve_more(e, "/xAPI/statements?pit_id=a&search_after=b"),
            "http://127.0.0.1:8100/xAPI/statements?pit_id=a&search_after=b"
        );
        assert_eq!(
            resolve_more(e, "https://other.example/x?y=1"),
            "https://other.example/x?y=1"
        );
        assert_eq!(
            resolve_more("https://lrs.example/data/xAPI", "statements?more=2"),
            "https://lrs.example/data/xAPI/statements?more=2"
        );
    }

    fn statement(i: usize) -> String {
        format!(
            r#"{{"id":"00000000-0000-4000-8000-{i:012}","actor":{{"account":{{"homePage":"https://lrs.example","name":"hv{i}"}}}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/launched"}},"object":{{"id":"https://b.example/xapi/scenarios/s"}},"timestamp":"2026-11-28T03:00:00Z"}}"#
        )
    }

    // Guards the reading of a real HTTP LRS on the loopback: the version header and the Basic
    // credentials on every request, `since` passed on, `more` followed to the last page, every
    // statement handed over once, an unusable statement counted.
    #[test]
    fn reads_every_page_over_http() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for page in 0..2 {
                let (stream, _) = listener.accept().expect("accept");
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).expect("read") == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                seen.push(head);
                let body = if page == 0 {
                    format!(
                        r#"{{"statements":[{},{}],"more":"/xAPI/statements?page=2"}}"#,
                        statement(1),
                        statement(2)
                    )
                } else {
                    format!(
                        r#"{{"statements":[{}, {{"id": 3}}],"more":""}}"#,
                        statement(3)
                    )
                };
                let mut out = stream;
                write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .expect("write");
                let _ = reader.read(&mut [0u8; 0]);
            }
            seen
        });
        let lrs = Lrs {
            endpoint: format!("http://127.0.0.1:{port}/xAPI/"),
            credentials: Some("giangvien:giangvien-pass".into()),
            page_size: 2,
        };
        let mut got = Vec::new();
        let summary = lrs
            .read(
                Some("2026-10-01T00:00:00Z"),
                None,
                |s| got.push(s.actor.name),
                |_| {},
            )
            .expect("read");
        let heads = server.join().expect("server");
        assert_eq!(got, ["hv1", "hv2", "hv3"]);
        assert_eq!(
            summary,
            LrsSummary {
                pages: 2,
                statements: 3,
                malformed: 1
            }
        );
        assert!(
            heads[0].starts_with("GET /xAPI/statements?limit=2&since=2026-10-01T00%3A00%3A00Z "),
            "{}",
            heads[0]
        );
        assert!(
            heads[1].starts_with("GET /xAPI/statements?page=2 "),
            "{}",
            heads[1]
        );
        for h in &heads {
            let lower = h.to_ascii_lowercase();
            assert!(lower.contains("x-experience-api-version: 1.0.3"), "{h}");
            assert!(lower.contains("authorization: basic "), "{h}");
            assert!(h.contains("Basic Z2lhbmd2aWVuOmdpYW5ndmllbi1wYXNz"), "{h}");
        }
    }
}
