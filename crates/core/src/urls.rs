//! Rules for addresses the portal did not write itself: where to go after sign-in (`?next=`),
//! which LRS `more` links to follow, and which LRS endpoints to talk to.
//!
//! A browser's URL parser forgives a lot: it drops tabs and newlines, reads `\` as `/` and
//! treats `//host` as another origin. These rules refuse anything that could reach another
//! origin through such forgiveness, rather than trying to predict the parser.
//!
//! The crate's one percent-encoder ([`percent_encode`]: query values, IRI path segments) and
//! decoder ([`percent_decode`]) live here too.

/// `next` when it is a path of this origin (`/module/x`, `/sync?y#z`), else `None`.
///
/// Refused: anything not starting with a single `/` (`//x`, `/\x`, absolute URLs), and any
/// backslash, control character or whitespace, also when percent-encoded (`/%09/evil.example`
/// becomes `//evil.example` once a parser drops the tab).
pub fn local_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    if rest.starts_with(['/', '\\']) || !plain(next) || !plain(&percent_decode(next)) {
        return None;
    }
    // Decoded, the path must still start with one slash only (`/%2F%2Fevil.example`).
    let decoded = percent_decode(next);
    if decoded[1..].starts_with(['/', '\\']) {
        return None;
    }
    Some(next)
}

/// No backslash, control character or whitespace.
fn plain(s: &str) -> bool {
    !s.chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

/// `value` with everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`)
/// percent-encoded as UTF-8 bytes: safe as a query value and as one path segment (a UUID or
/// a content slug passes unchanged).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `s` with its `%XX` escapes decoded once (invalid escapes and non-UTF-8 bytes kept as is).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An absolute `http(s)` URL split into its origin (lower-case scheme and host, default port
/// dropped) and what follows the authority. `None` for anything else, or an authority with
/// user info (`http://a@b/`), a backslash, control characters or whitespace.
fn split_origin(url: &str) -> Option<(String, &str)> {
    if !plain(url) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority
        .strip_suffix(default_port)
        .unwrap_or(&authority)
        .to_owned();
    Some((format!("{scheme}://{authority}"), tail))
}

/// `scheme://host[:port]` of an absolute `http(s)` URL (lower case, default port dropped).
pub fn origin(url: &str) -> Option<String> {
    split_origin(url).map(|(o, _)| o)
}

/// The host of an origin, without the port (`[::1]` keeps its brackets).
fn host_of(origin: &str) -> &str {
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Whether `host` is this machine: `localhost`, `127.x.x.x` or `[::1]`.
fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .iter()
            .all(|p| p.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// Checks an LRS endpoint: `https://`, or plain `http://` on this machine only (a plain-http
/// LRS elsewhere would carry the learners' passwords in clear).
pub fn check_lrs_endpoint(endpoint: &str) -> Result<(), String> {
    let Some((origin, _)) = split_origin(endpoint) else {
        return Err(format!(
            "`{endpoint}` is not an http(s) address without credentials"
        ));
    };
    if origin.starts_with("https://") || is_loopback(host_of(&origin)) {
        Ok(())
    } else {
        Err(format!(
            "`{endpoint}` uses plain http: only an LRS on this machine (127.0.0.1, localhost) \
             may; use https"
        ))
    }
}

/// The absolute URL of an LRS `more` link, resolved against the `endpoint` it came from, when
/// it stays on the endpoint's origin (the request carries the account's password). `None`
/// for an empty link, another origin (`https://other/…`, `//other/…`, `/\other`), or anything
/// with a backslash, control character or whitespace.
pub fn lrs_link(endpoint: &str, more: &str) -> Option<String> {
    let (base_origin, base_tail) = split_origin(endpoint)?;
    let more = more.trim();
    if more.is_empty() || !plain(more) {
        return None;
    }
    let resolved = if more.contains("://") {
        more.to_owned()
    } else if let Some(rest) = more.strip_prefix("//") {
        let scheme = base_origin.split("://").next().unwrap_or("https");
        format!("{scheme}://{rest}")
    } else if more.starts_with('/') {
        format!("{base_origin}{more}")
    } else {
        // Relative to the endpoint's directory (`statements?...` under `/xAPI/`).
        let path = base_tail.split(['?', '#']).next().unwrap_or("");
        let dir = path.rfind('/').map_or("", |i| &path[..i]);
        format!("{base_origin}{dir}/{more}")
    };
    let (link_origin, _) = split_origin(&resolved)?;
    (link_origin == base_origin).then_some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the open redirect after sign-in: only a path of this origin is followed, never
    // one a URL parser turns into another origin.
    #[test]
    fn next_is_a_path_of_this_origin_only() {
        for ok in [
            "/",
            "/trainer",
            "/module/tiep-nhan-ho-so-mot-cua",
            "/sync?x=1#top",
            "/trainer/scenario/a/learner/hv%40x",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "trainer",
            "//evil.example",
            "//x",
            "/\\evil.example",
            "/\\/evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/ /evil.example",
            "https://evil.example/",
            "http://127.0.0.1:8080/",
            "javascript:alert(1)",
            "/a\\b",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    // Guards the password leaving for another host: a `more` link is followed only on the
    // LRS's own origin, however it is written.
    #[test]
    fn more_links_stay_on_the_lrs_origin() {
        let endpoint = "https://lrs.example.vn/xAPI/";
        for (more, expected) in [
            (
                "/xAPI/statements?pit=1",
                "https://lrs.example.vn/xAPI/statements?pit=1",
            ),
            (
                "statements?pit=2",
                "https://lrs.example.vn/xAPI/statements?pit=2",
            ),
            (
                "https://LRS.example.vn:443/xAPI/statements?p=3",
                "https://LRS.example.vn:443/xAPI/statements?p=3",
            ),
            (
                "//lrs.example.vn/xAPI/statements?p=4",
                "https://lrs.example.vn/xAPI/statements?p=4",
            ),
        ] {
            assert_eq!(
                lrs_link(endpoint, more).as_deref(),
                Some(expected),
                "{more}"
            );
        }
        for bad in [
            "",
            "https://evil.example/xAPI/statements",
            "http://lrs.example.vn/xAPI/statements",
            "https://lrs.example.vn:8443/xAPI/statements",
            "//evil.example/xAPI/statements",
            "/\\evil.example/xAPI",
            "https://lrs.example.vn@evil.example/x",
            "/xAPI/\tstatements",
        ] {
            assert_eq!(lrs_link(endpoint, bad), None, "{bad:?}");
        }
        // Ralph's relative links on the local LRS.
        assert_eq!(
            lrs_link("http://127.0.0.1:8100/xAPI/", "/xAPI/statements?p=5").as_deref(),
            Some("http://127.0.0.1:8100/xAPI/statements?p=5")
        );
    }

    // Guards passwords sent in clear: plain http is accepted only for an LRS on this machine.
    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "https://lrs.example.vn/xAPI/",
            "http://127.0.0.1:8100/xAPI/",
            "http://127.1.2.3/xAPI/",
            "http://localhost:8100/xAPI/",
            "http://[::1]:8100/xAPI/",
        ] {
            assert_eq!(check_lrs_endpoint(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://lrs.example.vn/xAPI/",
            "http://10.0.0.5:8100/xAPI/",
            "http://127.0.0.1.evil.example/xAPI/",
            "http://localhost.evil.example/",
            "http://user:pw@127.0.0.1:8100/xAPI/",
            "ftp://127.0.0.1/",
            "lrs.example.vn/xAPI/",
        ] {
            assert!(check_lrs_endpoint(bad).is_err(), "{bad}");
        }
        assert_eq!(
            origin("HTTPS://Lrs.Example.vn:443/xAPI/").as_deref(),
            Some("https://lrs.example.vn")
        );
    }

    // Guards the one percent-encoder: unreserved characters (a UUID, a slug) pass unchanged,
    // everything else as upper-case `%XX` of its UTF-8 bytes, and decoding gives the text back;
    // a broken escape is kept as written rather than lost.
    #[test]
    fn percent_encoding_round_trips() {
        let uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(percent_encode(uuid), uuid);
        assert_eq!(percent_encode("a b/c?d&e"), "a%20b%2Fc%3Fd%26e");
        assert_eq!(percent_encode("á"), "%C3%A1");
        for text in ["Nguyễn Văn An", "x%y", "http://a/b?c=d", "~._-"] {
            assert_eq!(percent_decode(&percent_encode(text)), text);
        }
        assert_eq!(percent_decode("a%"), "a%");
        assert_eq!(percent_decode("%zz%C3%A1"), "%zzá");
    }
}
