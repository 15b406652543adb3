"""Pure HTML rendering for the chat: transcript panel, answers with timestamp chips, sources list.

Every piece of transcript or model text is escaped before it becomes HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import urlencode, urlparse, urlunparse, parse_qsl

from rag.segments import Transcript

SegKey = tuple[str, float, str]


def seg_key(source: str, start: float, text: str) -> SegKey:
    return (source, float(start), text)


def segment_ids(transcripts: Sequence[Transcript]) -> dict[SegKey, str]:
    """A stable HTML id for every sentence: `seg-<transcript number>-<sentence number>`."""
    ids: dict[SegKey, str] = {}
    for t_no, t in enumerate(transcripts):
        for s_no, seg in enumerate(t.segments):
            ids.setdefault(seg_key(seg.source, seg.start, seg.text), f"seg-{t_no}-{s_no}")
    return ids


def media_link(url: str, seconds: float) -> str:
    """The media URL with a start-time parameter (`t=<seconds>`).

    >>> media_link("https://example.org/watch?v=abc", 35.0)
    'https://example.org/watch?v=abc&t=35'
    """
    parts = urlparse(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "t"] + [("t", str(int(seconds)))]
    return urlunparse(parts._replace(query=urlencode(query)))


def transcript_html(transcripts: Sequence[Transcript], ids: dict[SegKey, str]) -> str:
    """The transcript panel: each sentence with its time, scrollable, grouped by source title."""
    out = ['<div class="transcript-panel" id="transcript-panel">']
    for t in transcripts:
        out.append(f'<h3 class="source-title">{html.escape(t.title)}</h3>')
        if t.channel:
            out.append(f'<div class="channel">From: {html.escape(t.channel)}</div>')
        for seg in t.segments:
            sid = ids[seg_key(seg.source, seg.start, seg.text)]
            if seg.is_heading:
                out.append(f'<h4 class="seg-heading" id="{sid}">{html.escape(seg.text)}</h4>')
                continue
            who = f'<b class="speaker">{html.escape(seg.speaker)}:</b> ' if seg.speaker else ""
            out.append(f'<p class="seg" id="{sid}" data-t="{seg.start:g}"><span class="ts">[{seg.timestamp}]</span> '
                       f"{who}{html.escape(seg.text)}</p>")
    out.append("</div>")
    return "\n".join(out)


def chip(citation: dict, ids: dict[SegKey, str], media: dict[str, str | None]) -> str:
    """A timestamp chip: links to the sentence in the transcript panel, shows the quote on hover."""
    sid = ids.get(seg_key(citation["source"], citation["seconds"], citation["text"]), "")
    title = html.escape(f'{citation["source"]}: {citation["text"]}', quote=True)
    link = f'<a class="ts-chip" href="#{sid}" title="{title}">[{html.escape(citation["timestamp"])}]</a>'
    url = media.get(citation["source"])
    if url:
        link += (f' <a class="play" href="{html.escape(media_link(url, citation["seconds"]), quote=True)}" '
                 f'target="_blank" rel="noopener" title="play from here">▶</a>')
    return link


def answer_html(answer: dict, ids: dict[SegKey, str], media: dict[str, str | None] | None = None) -> str:
    """An answer (the JSON shape of `Answer.to_json`) as HTML with inline chips and a Sources list."""
    media = media or {}
    if answer["abstained"]:
        return f'<div class="abstain">{html.escape(answer["answer"])}</div>'
    cites = answer["citations"]
    parts = []
    for s in answer["sentences"]:
        text = html.escape(s["text"])
        if not s["supported"]:
            parts.append(f'<span class="unsupported" title="not found in the transcript">{text}</span>')
            continue
        shown = {(cites[i]["source"], cites[i]["timestamp"]): i for i in reversed(s["citations"])}  # one chip per moment
        parts.append(text + " " + " ".join(chip(cites[i], ids, media) for i in sorted(shown.values())))
    out = [f'<div class="answer">{" ".join(parts)}</div>']
    if answer.get("searched") and answer["searched"] != answer["question"]:
        out.insert(0, f'<div class="searched">Searched: {html.escape(answer["searched"])}</div>')
    if cites:
        several = len({c["source"] for c in cites}) > 1 or len({k[0] for k in ids}) > 1
        items = "".join(f"<li>{chip(c, ids, media)} "
                        + (f"<i>{html.escape(c['source'])}</i>: " if several else "")
                        + f"{html.escape(c['text'])}</li>" for c in cites)
        out.append(f'<div class="sources"><b>Sources</b><ul>{items}</ul></div>')
    return "\n".join(out)


def streaming_html(text: str) -> str:
    """The answer while it streams: the model's raw words, escaped."""
    return f'<div class="answer streaming">{html.escape(text)}</div>'


CSS = """
.transcript-panel { max-height: 70vh; overflow-y: auto; padding-right: 8px; }
.transcript-panel .seg { margin: 4px 0; padding: 2px 4px; border-radius: 4px; }
.transcript-panel .seg-heading { margin: 12px 0 4px 0; font-size: 1em; }
.transcript-panel .channel { color: #777; font-size: 0.85em; }
.transcript-panel .seg .ts { color: #777; font-family: monospace; font-size: 0.85em; }
.transcript-panel .seg.hl { background: #ffe58a; outline: 2px solid #e0b400; }
a.ts-chip { font-family: monospace; font-size: 0.85em; background: #e8f0fe; color: #1a56c4 !important;
  padding: 0 4px; border-radius: 6px; text-decoration: none; cursor: pointer; white-space: nowrap; }
.abstain { font-style: italic; color: #8a5a00; background: #fff6e0; padding: 4px 8px; border-radius: 6px; }
.unsupported { text-decoration: underline dotted #c00; }
.searched { color: #777; font-size: 0.85em; }
.sources { font-size: 0.9em; margin-top: 6px; }
.sources ul { margin: 2px 0 0 0; padding-left: 18px; }
"""

HEAD = """
<script>
document.addEventListener('click', function (ev) {
  var a = ev.target && ev.target.closest ? ev.target.closest('a.ts-chip') : null;
  if (!a) return;
  var id = (a.getAttribute('href') || '').replace(/^.*#/, '');
  var el = id ? document.getElementById(id) : null;
  if (!el) return;
  ev.preventDefault();
  ev.stopPropagation();
  document.querySelectorAll('.seg.hl').forEach(function (e) { e.classList.remove('hl'); });
  el.classList.add('hl');
  el.scrollIntoView({block: 'center'});
}, true);
</script>
"""
