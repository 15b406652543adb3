"""Pure HTML rendering for the chat: transcript panel, answers with timestamp chips, sources list.

Every piece of transcript or model text is escaped before it becomes HTML.
"""

from __future__ import annotations

import html
import zlib
from collections import Counter
from collections.abc import Sequence
from urllib.parse import parse_qsl, quote, urlencode, urlparse, urlunparse

from rag.segments import SegmentKey, Transcript, segment_key


def segment_ids(transcripts: Sequence[Transcript]) -> dict[SegmentKey, str]:
    """An HTML id for every sentence, `seg-<title hash>-<sentence number>`: the same whatever else the library
    holds, so a chip rendered before an upload still finds its sentence after it.

    >>> from rag.segments import Segment
    >>> t = Transcript("Talk", "t.txt", (Segment("Talk", 0.0, "Hi."),))
    >>> list(segment_ids([t]).values()) == list(segment_ids([Transcript("Other", "o.txt", ()), t]).values())
    True
    """
    ids: dict[SegmentKey, str] = {}
    for t in transcripts:
        tag = f"{zlib.crc32(t.title.encode()):08x}"
        for s_no, seg in enumerate(t.segments):
            ids.setdefault(seg.key, f"seg-{tag}-{s_no}")
    return ids


def duration_text(seconds: float) -> str:
    """A length as people say it.

    >>> duration_text(35), duration_text(2640), duration_text(3700)
    ('35 s', '44 min', '1 h 02 min')
    """
    minutes = round(seconds / 60)
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def transcript_facts(t: Transcript) -> str:
    """The line under a transcript's title: where it is from, how long it is, who speaks (most sentences first).

    >>> from rag.segments import Segment
    >>> segs = tuple(Segment("M", s, "x", speaker=w) for s, w in [(0, "Ann"), (90, "Bob"), (3700, "Ann")])
    >>> transcript_facts(Transcript("M", "/lib/m.txt", segs, channel="ICSI"))
    'From: ICSI · m.txt · 1 h 02 min · 2 speakers: Ann, Bob'
    """
    parts = [f"From: {t.channel}"] if t.channel else []
    parts.append(t.path.replace("\\", "/").rsplit("/", 1)[-1])
    parts.append(duration_text(t.duration))
    people = [s for s, _ in Counter(seg.speaker for seg in t.segments if seg.speaker).most_common()]
    if people:
        shown = ", ".join(people[:6]) + (f" and {len(people) - 6} more" if len(people) > 6 else "")
        parts.append(f"{len(people)} speaker{'s' if len(people) > 1 else ''}: {shown}")
    return " · ".join(parts)


def media_link(url: str, seconds: float) -> str:
    """The media URL with a start-time parameter (`t=<seconds>`).

    >>> media_link("https://example.org/watch?v=abc", 35.0)
    'https://example.org/watch?v=abc&t=35'
    """
    parts = urlparse(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "t"] + [("t", str(int(seconds)))]
    return urlunparse(parts._replace(query=urlencode(query)))


def player_html(url: str, kind: str = "audio") -> str:
    """An audio or video player for a recording; chips and sentence times of its transcript seek it.

    >>> player_html("gradio_api/file=/lib/a b.mp3")
    '<div class="player-box"><audio class="player" controls preload="metadata" src="gradio_api/file=/lib/a%20b.mp3"></audio></div>'
    """
    tag = "video" if kind == "video" else "audio"
    src = html.escape(quote(url, safe="/:=?&%"), quote=True)
    extra = " playsinline" if tag == "video" else ""
    return f'<div class="player-box"><{tag} class="player" controls preload="metadata"{extra} src="{src}"></{tag}></div>'


def transcript_html(transcripts: Sequence[Transcript], ids: dict[SegmentKey, str],
                    players: dict[str, tuple[str, str]] | None = None, shown: str | None = None) -> str:
    """The transcript panel: one transcript at a time (`shown`, default the first) under a header that names it,
    a tab per transcript to switch, each sentence with its time.

    `players` maps a title to `(url, "audio" | "video")` of its recording: a player then sits in its header.
    """
    players = players or {}
    shown = shown if any(t.title == shown for t in transcripts) else (transcripts[0].title if transcripts else None)
    out = ['<div class="transcript-panel" id="transcript-panel">']
    if len(transcripts) > 1:
        out.append('<nav class="tx-tabs" aria-label="Transcripts">')
        for t in transcripts:
            title = html.escape(t.title, quote=True)
            out.append(f'<button type="button" class="tx-tab" data-source="{title}" '
                       f'aria-pressed="{str(t.title == shown).lower()}">{html.escape(t.title)}</button>')
        out.append("</nav>")
    out.append('<div class="tx-scroll">')
    for t in transcripts:
        hidden = "" if t.title == shown else " hidden"
        out.append(f'<section class="tx" data-source="{html.escape(t.title, quote=True)}"{hidden}>')
        out.append(f'<header class="tx-head"><h3 class="source-title">{html.escape(t.title)}</h3>'
                   f'<div class="tx-facts">{html.escape(transcript_facts(t))}</div>'
                   + (player_html(*players[t.title]) if t.title in players else "") + "</header>")
        for seg in t.segments:
            sid = ids[seg.key]
            if seg.is_heading:
                out.append(f'<h4 class="seg-heading" id="{sid}">{html.escape(seg.text)}</h4>')
                continue
            who = f'<b class="speaker">{html.escape(seg.speaker)}:</b> ' if seg.speaker else ""
            out.append(f'<p class="seg" id="{sid}" data-t="{seg.start:g}"><span class="ts">[{seg.timestamp}]</span> '
                       f"{who}{html.escape(seg.text)}</p>")
        out.append("</section>")
    out.append("</div></div>")
    return "\n".join(out)


def chip(citation: dict, ids: dict[SegmentKey, str], media: dict[str, str | None]) -> str:
    """A timestamp chip: links to the sentence in the transcript panel, shows the quote on hover."""
    sid = ids.get(segment_key(citation["source"], citation["seconds"], citation["text"]), "")
    who = f'{citation["speaker"]}, ' if citation.get("speaker") else ""
    title = html.escape(f'{citation["source"]} — {who}{citation["timestamp"]}: {citation["text"]}', quote=True)
    link = f'<a class="ts-chip" href="#{sid}" title="{title}">[{html.escape(citation["timestamp"])}]</a>'
    url = media.get(citation["source"])
    if url:
        link += (f' <a class="play" href="{html.escape(media_link(url, citation["seconds"]), quote=True)}" '
                 f'target="_blank" rel="noopener" title="play from here">▶</a>')
    return link


def answer_html(answer: dict, ids: dict[SegmentKey, str], media: dict[str, str | None] | None = None) -> str:
    """An answer (the JSON shape of `Answer.to_json`) as HTML with inline chips and a Sources list."""
    media = media or {}
    if answer["abstained"]:
        return f'<div class="abstain">{html.escape(answer["answer"])}</div>'
    cites = answer["citations"]
    parts = []
    for s in answer["sentences"]:
        text = html.escape(s["text"])
        if not s["supported"]:
            continue  # listed below, collapsed

        shown = {(cites[i]["source"], cites[i]["timestamp"]): i for i in reversed(s["citations"])}  # one chip per moment
        parts.append(text + " " + " ".join(chip(cites[i], ids, media) for i in sorted(shown.values())))
    out = [f'<div class="answer">{" ".join(parts)}</div>']
    if answer.get("searched") and answer["searched"] != answer["question"]:
        out.insert(0, f'<div class="searched">Searched: {html.escape(answer["searched"])}</div>')
    unsupported = [s["text"] for s in answer["sentences"] if not s["supported"]]
    if unsupported:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in unsupported)
        out.append(f'<details class="unsupported"><summary>Not found in the transcript ({len(unsupported)}), '
                   f"left out of the answer</summary><ul>{items}</ul></details>")
    if cites:
        several = len({c["source"] for c in cites}) > 1 or len({k[0] for k in ids}) > 1
        items = "".join(f"<li>{chip(c, ids, media)} "
                        + (f"<i>{html.escape(c['source'])}</i>: " if several else "")
                        + (f'<b class="speaker">{html.escape(c["speaker"])}:</b> ' if c.get("speaker") else "")
                        + f"{html.escape(c['text'])}</li>" for c in cites)
        out.append(f'<div class="sources"><b>Sources</b><ul>{items}</ul></div>')
    return "\n".join(out)


def streaming_html(text: str) -> str:
    """The answer while it streams: the model's raw words, escaped."""
    return f'<div class="answer streaming">{html.escape(text)}</div>'


CSS = """
.transcript-panel { max-height: 75vh; display: flex; flex-direction: column; }
.transcript-panel .tx-tabs { display: flex; flex-wrap: wrap; gap: 4px; padding-bottom: 6px; }
.transcript-panel .tx-tab { border: 1px solid #c9d3e8; border-radius: 12px; padding: 1px 10px; background: #f4f6fb;
  cursor: pointer; font-size: 0.85em; max-width: 18em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.transcript-panel .tx-tab[aria-pressed="true"] { background: #1a56c4; border-color: #1a56c4; color: #fff; }
.transcript-panel .tx-scroll { overflow-y: auto; padding-right: 8px; min-height: 0; flex: 1 1 auto; }
.transcript-panel .tx-head { position: sticky; top: 0; z-index: 2; background: var(--background-fill-primary, #fff);
  padding: 2px 0 4px 0; border-bottom: 1px solid #e5e7eb; }
.transcript-panel .tx-head .source-title { margin: 0; font-size: 1.05em; }
.transcript-panel .tx-facts { color: #666; font-size: 0.85em; }
.transcript-panel .seg { margin: 4px 0; padding: 2px 4px; border-radius: 4px; }
.transcript-panel .seg-heading { margin: 12px 0 4px 0; font-size: 1em; }
.transcript-panel .channel { color: #777; font-size: 0.85em; }
.transcript-panel .seg .ts { color: #777; font-family: monospace; font-size: 0.85em; }
.transcript-panel .seg.hl { background: #ffe58a; outline: 2px solid #e0b400; }
.transcript-panel .seg.playing { box-shadow: inset 3px 0 0 #1a56c4; }
.transcript-panel .player-box { padding: 4px 0 0 0; }
.transcript-panel .player { width: 100%; max-height: 200px; display: block; }
.transcript-panel .tx:has(.player) .seg .ts { cursor: pointer; color: #1a56c4; }
a.ts-chip { font-family: monospace; font-size: 0.85em; background: #e8f0fe; color: #1a56c4 !important;
  padding: 0 4px; border-radius: 6px; text-decoration: none; cursor: pointer; white-space: nowrap; }
.abstain { font-style: italic; color: #8a5a00; background: #fff6e0; padding: 4px 8px; border-radius: 6px; }
.unsupported { color: #8a5a00; font-size: 0.85em; margin-top: 4px; }
.searched { color: #777; font-size: 0.85em; }
.sources { font-size: 0.9em; margin-top: 6px; }
b.speaker { font-size: inherit; font-weight: 600; }
.sources ul { margin: 2px 0 0 0; padding-left: 18px; }
"""

HEAD = """
<script>
// Show one transcript of the panel (by title) and press its tab; false when the panel has no such transcript.
window.txShow = function (source) {
  var panel = document.getElementById('transcript-panel');
  if (!panel) return false;
  var sections = Array.prototype.slice.call(panel.querySelectorAll('.tx'));
  if (!sections.some(function (s) { return s.getAttribute('data-source') === source; })) return false;
  sections.forEach(function (s) { s.hidden = s.getAttribute('data-source') !== source; });
  panel.querySelectorAll('.tx-tab').forEach(function (b) {
    b.setAttribute('aria-pressed', String(b.getAttribute('data-source') === source));
  });
  return true;
};
document.addEventListener('click', function (ev) {
  var tab = ev.target && ev.target.closest ? ev.target.closest('.tx-tab') : null;
  if (tab) window.txShow(tab.getAttribute('data-source'));
}, true);
document.addEventListener('click', function (ev) {
  var a = ev.target && ev.target.closest ? ev.target.closest('a.ts-chip') : null;
  if (!a) return;
  var id = (a.getAttribute('href') || '').replace(/^.*#/, '');
  var el = id ? document.getElementById(id) : null;
  if (!el) return;
  ev.preventDefault();
  ev.stopPropagation();
  var section = el.closest('.tx');
  if (section && section.hidden) window.txShow(section.getAttribute('data-source'));
  document.querySelectorAll('.seg.hl').forEach(function (e) { e.classList.remove('hl'); });
  el.classList.add('hl');
  el.scrollIntoView({block: 'center'});
  playFrom(el);
}, true);
// A sentence of a recording's transcript: seek its player to the sentence and play.
function playFrom(seg) {
  var box = seg.closest ? seg.closest('.tx') : null;
  var player = box ? box.querySelector('.player') : null;
  var t = parseFloat(seg.getAttribute('data-t'));
  if (!player || isNaN(t)) return;
  document.querySelectorAll('.player').forEach(function (p) { if (p !== player) p.pause(); });
  player.currentTime = t;
  var started = player.play();
  if (started && started.catch) started.catch(function () {});
}
// Clicking a sentence's time in the panel plays it too.
document.addEventListener('click', function (ev) {
  var ts = ev.target && ev.target.closest ? ev.target.closest('.tx .seg .ts') : null;
  if (ts) playFrom(ts.closest('.seg'));
}, true);
// While a recording plays, mark the sentence being spoken (media events do not bubble: listen in capture).
document.addEventListener('timeupdate', function (ev) {
  var p = ev.target;
  if (!p.classList || !p.classList.contains('player')) return;
  var current = null;
  p.closest('.tx').querySelectorAll('.seg[data-t]').forEach(function (s) {
    if (parseFloat(s.getAttribute('data-t')) <= p.currentTime + 0.05) current = s;
  });
  p.closest('.tx').querySelectorAll('.seg.playing').forEach(function (s) { if (s !== current) s.classList.remove('playing'); });
  if (current) current.classList.add('playing');
}, true);
</script>
"""
