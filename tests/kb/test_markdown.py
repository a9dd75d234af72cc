"""Article bodies are shown on a public site: Markdown renders, script never does, and only
allow-listed video hosts become embeds."""

from __future__ import annotations

from minidesk.kb.markdown import first_paragraph, render


def test_script_and_javascript_links_never_survive() -> None:
    html = render(
        "<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(1)">\n\n'
        "[click](javascript:alert(1)) and [ok](https://shop.example/help)\n\n"
        "![shot](https://shop.example/a.png)"
    )
    assert "<script" not in html
    assert "&lt;img src=x onerror" in html  # shown as text, never a tag
    assert 'href="javascript' not in html
    assert '<a href="https://shop.example/help" rel="noopener noreferrer nofollow">ok</a>' in html
    assert '<img src="https://shop.example/a.png" alt="shot">' in html


def test_only_allow_listed_video_links_are_embedded() -> None:
    html = render(
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
        "https://vimeo.com/76979871\n\n"
        'https://www.youtube.com/watch?v="><script>\n\n'
        "https://videos.example/watch?v=dQw4w9WgXcQ"
    )
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'src="https://player.vimeo.com/video/76979871"' in html
    assert html.count("<iframe") == 2
    assert "<script" not in html
    assert "<p>https://videos.example/watch?v=dQw4w9WgXcQ</p>" in html


def test_the_quote_is_the_first_paragraph_as_plain_text() -> None:
    body = (
        "# Returns\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n"
        "You have **30 days** to [return](/x) it.\n\nMore."
    )
    assert first_paragraph(body) == "You have 30 days to return it."
