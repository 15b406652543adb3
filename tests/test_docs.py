"""The documentation's contract: README.md stays short, and every relative link and image in it and in
docs/*.md points at a file that exists and, for `#anchor` links, at a heading that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 300

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, javascript: ...
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks.

    >>> prose_lines("a\\n```\\n# not a heading\\n```\\nb")
    ['a', 'b']
    """
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: code, links and tags kept as their text, lower case,
    punctuation dropped, spaces turned into hyphens.

    >>> slug("The general answer path (this rewrite)"), slug("How `eval --replay` works"), slug("Step 1: plan")
    ('the-general-answer-path-this-rewrite', 'how-eval---replay-works', 'step-1-plan')
    >>> slug("[Formats](formats.md) & more"), slug("What's *new*")
    ('formats--more', 'whats-new')
    """
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a Markdown page; a repeated heading gets `-1`, `-2`, ... as on GitHub.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "p.md"
    ...     _ = p.write_text("# Top\\n## Notes\\n```\\n# code\\n```\\n## Notes\\n")
    ...     sorted(anchors(p))
    ['notes', 'notes-1', 'top']
    """
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(page.read_text("utf-8")):
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def relative_links(page: Path) -> list[str]:
    """The link and image targets of a page that are not URLs (code blocks and code spans left out).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "p.md"
    ...     _ = p.write_text("[a](docs/a.md) ![s](s.png) [w](https://x.org) `[c](c.md)` [h](#top)\\n")
    ...     relative_links(p)
    ['docs/a.md', 's.png', '#top']
    """
    targets = []
    for line in prose_lines(page.read_text("utf-8")):
        targets += [t for t in LINK.findall(CODE_SPAN.sub("", line)) if not SCHEME.match(t)]
    return targets


CASES = list(dict.fromkeys((page, target) for page in PAGES for target in relative_links(page)))


def test_the_pages_have_links_to_check():
    assert (ROOT / "README.md") in PAGES and len(PAGES) > 1
    assert any(target.startswith("docs/") for page, target in CASES if page.name == "README.md")


@pytest.mark.parametrize("page, target", CASES, ids=[f"{p.relative_to(ROOT)}->{t}" for p, t in CASES])
def test_relative_link_resolves(page: Path, target: str):
    path, _, anchor = target.partition("#")
    file = (page.parent / path).resolve() if path else page
    assert file.exists(), f"{page.relative_to(ROOT)}: the link {target!r} points at no file ({file})"
    if anchor and file.suffix == ".md":
        assert anchor in anchors(file), (f"{page.relative_to(ROOT)}: no heading of {file.name} has the anchor "
                                         f"#{anchor}; its anchors are {sorted(anchors(file))}")


def test_readme_is_at_most_300_lines():
    lines = len((ROOT / "README.md").read_text("utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/ (limit {README_MAX_LINES})"
