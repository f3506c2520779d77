//! Markdown -> sanitised HTML, at compile time only (the browser never parses Markdown).

use pulldown_cmark::{html, Options, Parser};

/// Renders Markdown and keeps only safe HTML: no scripts, styles, event handlers or iframes;
/// links get `rel="noopener noreferrer"`; only http(s) and mailto URLs survive.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards against script injection through lesson text.
    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = render("Xin chào <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))");
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("Xin chào"));
    }

    // Guards the Markdown features authors rely on.
    #[test]
    fn lists_and_emphasis_render() {
        let html = render("**Bước 1**\n\n- một\n- hai");
        assert!(html.contains("<strong>Bước 1</strong>"));
        assert!(html.contains("<li>một</li>"));
    }
}
