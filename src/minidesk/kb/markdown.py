"""Article Markdown to safe HTML, and plain-text excerpts for the bot and search results.

Articles are written by staff but shown on a public site: raw HTML in Markdown is escaped,
not passed through, and the output is sanitised again (nh3) so no script, event handler or
``javascript:`` link reaches a reader even if the renderer has a bug. Videos are the one
embed: a line holding only a link to an allow-listed host becomes an iframe whose address we
build from the video's id alone, so a crafted link cannot smuggle anything into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import nh3
from markdown_it import MarkdownIt

# commonmark with tables and strikethrough; ``html=False`` escapes raw HTML in the source.
_MD = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"style"}}
_SCHEMES = {"http", "https", "mailto"}
_VIDEO_LINE = re.compile(r"^[ \t]*(https://\S+)[ \t]*$", re.MULTILINE)
_ID = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
_MARKER = "minidesk-video-{}"
EXCERPT_CHARS = 400


@dataclass(frozen=True)
class Video:
    host: str
    video_id: str

    @property
    def embed_url(self) -> str:
        if self.host == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        if self.host == "vimeo":
            return f"https://player.vimeo.com/video/{self.video_id}"
        return f"https://www.loom.com/embed/{self.video_id}"


def video_of(url: str) -> Video | None:
    """The video a link points at, if its host is allow-listed (YouTube, Vimeo, Loom)."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").removeprefix("www.").removeprefix("m.")
    path = parsed.path.strip("/").split("/")
    candidate: tuple[str, str] | None = None
    if host == "youtube.com" and path == ["watch"]:
        candidate = ("youtube", parse_qs(parsed.query).get("v", [""])[0])
    elif host == "youtube.com" and len(path) == 2 and path[0] in ("embed", "shorts"):
        candidate = ("youtube", path[1])
    elif host == "youtu.be" and len(path) == 1:
        candidate = ("youtube", path[0])
    elif host == "vimeo.com" and len(path) == 1 and path[0].isdigit():
        candidate = ("vimeo", path[0])
    elif host == "loom.com" and len(path) == 2 and path[0] == "share":
        candidate = ("loom", path[1])
    if candidate is None or not _ID.match(candidate[1]):
        return None
    return Video(*candidate)


def _iframe(video: Video, index: int) -> str:
    return (
        f'<div class="kb-video"><iframe src="{video.embed_url}" title="Video {index + 1}" '
        'loading="lazy" allowfullscreen sandbox="allow-scripts allow-same-origin '
        'allow-presentation" referrerpolicy="strict-origin-when-cross-origin"></iframe></div>'
    )


def render(body: str) -> str:
    """The article's body as sanitised HTML, with allow-listed videos embedded."""
    videos: list[Video] = []

    def mark(match: re.Match[str]) -> str:
        video = video_of(match.group(1))
        if video is None:
            return match.group(0)
        videos.append(video)
        return _MARKER.format(len(videos) - 1)

    html = nh3.clean(
        _MD.render(_VIDEO_LINE.sub(mark, body)),
        tags=_TAGS,
        attributes={k: v - {"style"} for k, v in _ATTRIBUTES.items()},
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    for index, video in enumerate(videos):
        html = html.replace(f"<p>{_MARKER.format(index)}</p>", _iframe(video, index), 1)
    return html


def plain_text(body: str) -> str:
    """The body without markup: what search snippets and quotes show."""
    return re.sub(r"\s+", " ", nh3.clean(_MD.render(body), tags=set())).strip()


def first_paragraph(body: str) -> str:
    """The first paragraph as plain text (at most ``EXCERPT_CHARS``): the bot's quote."""
    tokens = _MD.parse(body)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            inline = tokens[index + 1].content
            if _VIDEO_LINE.fullmatch(inline) and video_of(inline.strip()):
                continue
            text = plain_text(inline)
            if len(text) > EXCERPT_CHARS:
                text = text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
            return text
    return ""
