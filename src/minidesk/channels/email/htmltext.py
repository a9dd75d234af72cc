"""HTML mail to readable plain text, and cutting the quoted history out of an HTML reply."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = {"script", "style", "head", "title"}
BLOCKS = {
    "p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "hr", "section", "article", "header", "footer",
}  # fmt: skip

# Where mail clients start the quoted history in HTML replies: Gmail's gmail_quote div,
# Apple Mail's and Thunderbird's cite blockquotes, Thunderbird's moz-cite-prefix, Outlook's
# divRplyFwdMsg / appendonsend markers and its "border-top" header-block div, Yahoo's.
HTML_QUOTE_MARKERS = re.compile(
    r"<div[^>]*class=\"?[^\">]*gmail_quote"
    r"|<blockquote[^>]*type=\"?cite"
    r"|<div[^>]*class=\"?moz-cite-prefix"
    r"|<div[^>]*id=\"?(?:divRplyFwdMsg|appendonsend)"
    r"|<hr[^>]*id=\"?stopSpelling"
    r"|<div[^>]*style=\"[^\"]*border-top:\s*solid\s*#(?:E1E1E1|B5C4DF)"
    r"|<div[^>]*class=\"?yahoo_quoted",
    re.IGNORECASE,
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html: str) -> str:
    """Readable text: blocks and ``<br>`` become line breaks, markup and scripts vanish."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser is lenient, but a mail is never worth a crash
        return re.sub(r"<[^>]*>", " ", html).strip()
    lines = [line.strip() for line in "".join(extractor.parts).replace("\xa0", " ").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def cut_html_quote(html: str) -> str:
    """The reply above the first quoted-history marker (the sanitiser closes open tags)."""
    match = HTML_QUOTE_MARKERS.search(html)
    return html[: match.start()] if match else html
