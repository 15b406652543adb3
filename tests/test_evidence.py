"""What the model is shown for a plan: the looks at the transcript, on small fixed transcripts."""

from __future__ import annotations

import pytest

from rag.chunker import Chunk, Hit
from rag.evidence import (MOST_SENTENCES, NEIGHBOURS, Look, closeness, in_order, keep_best, neighbour_look,
                          overview_look, search_look, speaker_look, window_look)
from rag.plan import Plan
from rag.segments import Segment
from rag.when import TimeRef

TALK = [Segment("talk", 10.0, "Welcome to the show about gardening.", char_start=0),
        Segment("talk", 40.0, "Tomatoes need six hours of sun a day.", char_start=40),
        Segment("talk", 75.0, "Water them at the roots, never on the leaves.", char_start=80),
        Segment("talk", 110.0, "Now let us talk about compost.", char_start=130),
        Segment("talk", 150.0, "Compost needs green and brown material in equal parts.", char_start=170),
        Segment("talk", 190.0, "Turn the heap every two weeks.", char_start=230),
        Segment("talk", 230.0, "That is all for today, thanks for listening.", char_start=270)]


def no_encoder(texts):
    raise AssertionError("this look needs no embedder")


def hit(i: int, *sentences: Segment, score: float = 0.5) -> Hit:
    return Hit(Chunk(i, sentences[0].source, tuple(sentences)), score, i)


def window(start: float, end: float, topic: str = "What is said?") -> Plan:
    return Plan(topic, topic, "summary", "window", topic, when=TimeRef(start, end, "at some time", False, start))


def neighbour(scope: str, anchor: str) -> Plan:
    return Plan(f"What is said {scope} {anchor}?", anchor, "fact", scope, "", anchor=anchor)


# --- ordering and choosing ---

def test_in_order_sorts_passages_by_source_then_place():
    a, b, c = TALK[5], TALK[1], Segment("other", 1.0, "Another talk.", char_start=0)
    hits = [hit(0, a, score=0.9), hit(1, c, score=0.8), hit(2, b, score=0.1)]
    assert [p[0].text for p in in_order(hits)] == [c.text, b.text, a.text]  # "other" < "talk", then by place
    assert in_order([]) == ()


def test_in_order_follows_the_text_not_the_clock():
    # a prose summary's markers are not in time order: its sentences are read in the order they are written
    later_first = [Segment("t", 900.0, "Written first.", char_start=0),
                   Segment("t", 30.0, "Written next.", char_start=20)]
    assert [p[0].text for p in in_order([hit(1, later_first[1]), hit(0, later_first[0])])] == ["Written first.",
                                                                                            "Written next."]


def test_in_order_reads_overlapping_passages_as_one():
    hits = [hit(0, TALK[4], TALK[5], score=0.9), hit(1, TALK[1], TALK[2], score=0.8),
            hit(2, TALK[3], TALK[4], score=0.7)]
    assert in_order(hits) == ((TALK[1], TALK[2]), (TALK[3], TALK[4], TALK[5]))  # 3-4 and 4-5 share sentence 4
    assert in_order([hit(0, TALK[1]), hit(1, TALK[1])]) == ((TALK[1],),)  # the same passage twice: once


@pytest.mark.parametrize("scores, most, kept", [
    ([0.1, 0.9, 0.5], 2, ["b", "c"]),
    ([0.1, 0.9, 0.5], 1, ["b"]),
    ([0.1, 0.9, 0.5], 5, ["a", "b", "c"]),
    ([0.5, 0.5, 0.5], 2, ["a", "b"]),  # a tie keeps the earlier
    ([], 3, []),
])
def test_keep_best_keeps_the_highest_in_their_own_order(scores, most, kept):
    sentences = [Segment("t", float(i), t) for i, t in enumerate("abc"[: len(scores)])]
    assert [s.text for s in keep_best(sentences, scores, most)] == kept


def test_closeness_counts_a_short_names_words_as_much_as_meaning(embedder):
    sentences = [Segment("t", 1.0, "The other tool is N8N where you drag and drop."),
                 Segment("t", 2.0, "The weather should be sunny for at least four days.")]
    near = closeness("n8n", sentences, embedder.encode)
    assert near.shape == (2,) and near[0] > near[1] + 0.5  # the word found counts 1.0 on top of the cosine


# --- a time window ---

def test_a_window_shows_every_sentence_inside_it_one_per_passage():
    look = window_look(window(40.0, 110.0), TALK, no_encoder)
    assert look.name == "window" and not look.refusal
    assert [p[0].start for p in look.passages] == [40.0, 75.0, 110.0] and all(len(p) == 1 for p in look.passages)
    assert look.scope == "from 00:00:40 to 00:01:50"


def test_a_time_past_the_end_of_the_recording_is_refused_with_its_length():
    look = window_look(window(4140.0, 4140.0), TALK, no_encoder)
    assert look.passages == () and look.refusal == "the recording is only 00:03:50 long"


def test_a_window_with_no_sentence_in_it_is_refused():
    look = window_look(window(11.0, 39.0), TALK, no_encoder)
    assert look.passages == () and "no sentence" in look.refusal and "00:00:11" in look.refusal


def test_a_crowded_window_keeps_the_sentences_closest_to_the_question(embedder):
    filler = [Segment("t", float(i), f"Item {i} of the inventory is a box of screws.", char_start=i * 50)
              for i in range(MOST_SENTENCES + 10)]
    compost = Segment("t", 7.5, "Compost needs green and brown material in equal parts.", char_start=7 * 50 + 1)
    sentences = sorted(filler + [compost], key=lambda s: s.char_start)
    look = window_look(window(0.0, 100.0, "What does he say about compost?"), sentences, embedder.encode)
    shown = [p[0] for p in look.passages]
    assert len(shown) == MOST_SENTENCES and compost in shown
    assert shown == sorted(shown, key=lambda s: s.char_start)  # still in transcript order


# --- right after / right before ---

@pytest.mark.parametrize("scope, anchor, shown", [
    ("after", "tomatoes and sun", [75.0, 110.0]),
    ("before", "turning the compost heap", [110.0, 150.0]),
    ("after", "the welcome", [40.0, 75.0]),
])
def test_a_neighbour_look_reads_the_sentences_next_to_the_closest(embedder, scope, anchor, shown):
    look = neighbour_look(neighbour(scope, anchor), TALK, embedder.encode)
    assert look.name == scope and not look.refusal
    assert [p[0].start for p in look.passages] == shown and len(shown) == NEIGHBOURS
    assert look.scope.startswith(f"{scope} “")


def test_nothing_after_the_last_sentence_is_refused(embedder):
    look = neighbour_look(neighbour("after", "thanks for listening"), TALK, embedder.encode)
    assert look.passages == () and look.refusal.startswith("nothing comes after “That is all for today")


def test_nothing_before_the_first_sentence_is_refused(embedder):
    look = neighbour_look(neighbour("before", "welcome to the gardening show"), TALK, embedder.encode)
    assert look.passages == () and "nothing comes before" in look.refusal


def test_a_neighbour_look_stays_inside_its_transcript(embedder):
    other = [Segment("radio", 5.0, "Completely unrelated news about trains.")]
    look = neighbour_look(neighbour("after", "thanks for listening"), TALK + other, embedder.encode)
    assert look.passages == () and look.refusal  # the next transcript is not what comes after


def test_a_neighbour_look_at_an_empty_transcript_is_refused():
    assert neighbour_look(neighbour("after", "x"), [], no_encoder).refusal == "the transcript is empty"


# --- a speaker's turns ---

MEETING = [Segment("m", 5.0, "Let us decide the case material.", speaker="Project Manager", char_start=0),
           Segment("m", 12.0, "Rubber feels better in the hand.", speaker="Marketing", char_start=40),
           Segment("m", 20.0, "Rubber costs more to mould.", speaker="Industrial Designer", char_start=80),
           Segment("m", 31.0, "Young buyers want a soft case.", speaker="Marketing", char_start=120),
           Segment("m", 44.0, "Then rubber it is.", speaker="Project Manager", char_start=160)]


def speaker_plan(*speakers: str) -> Plan:
    q = "What did Marketing think about the case?"
    return Plan(q, q, "opinion", "speaker", q, speakers)


def test_a_speaker_look_keeps_the_passages_where_they_speak_in_transcript_order():
    hits = [hit(0, MEETING[4], score=0.9), hit(1, MEETING[2], MEETING[3], score=0.8), hit(2, MEETING[1], score=0.7),
            hit(3, MEETING[0], score=0.6)]
    look = speaker_look(speaker_plan("Marketing"), hits, most=5)
    assert look.name == "speaker" and not look.refusal
    assert look.passages == ((MEETING[1],), (MEETING[2], MEETING[3]))  # others' words kept around theirs
    assert "Marketing" in look.scope


def test_a_speaker_look_keeps_their_best_passages_only():
    hits = [hit(0, MEETING[3], score=0.9), hit(1, MEETING[1], score=0.8)]
    assert speaker_look(speaker_plan("Marketing"), hits, most=1).passages == ((MEETING[3],),)


def test_a_speaker_look_reads_every_speaker_named():
    hits = [hit(0, MEETING[4]), hit(1, MEETING[2]), hit(2, MEETING[1])]
    look = speaker_look(speaker_plan("Marketing", "Project Manager"), hits, most=5)
    assert look.passages == ((MEETING[1],), (MEETING[4],)) and "Marketing and Project Manager" in look.scope


def test_a_speaker_who_says_nothing_close_to_the_question_is_refused():
    look = speaker_look(speaker_plan("Marketing"), [hit(0, MEETING[0]), hit(1, MEETING[2])], most=5)
    assert look.passages == () and look.refusal == "Marketing say nothing close to the question"


# --- what search finds ---

def test_a_search_look_shows_the_best_first_or_spread_in_order():
    hits = [hit(0, TALK[5], score=0.9), hit(1, TALK[1], score=0.8), hit(2, TALK[3], score=0.7)]
    best = search_look(hits, 2, spread=False)
    assert best.name == "retrieve" and best.passages == ((TALK[5],), (TALK[1],))
    spread = search_look(hits, 3, spread=True)
    assert spread.name == "spread" and spread.passages == ((TALK[1],), (TALK[3],), (TALK[5],))
    assert search_look([], 3, spread=True) == Look("spread", ())


# --- an overview of all of it ---

@pytest.mark.parametrize("n, most, starts", [
    (10, 3, [0, 4, 9]),  # evenly spaced, first and last included
    (10, 1, [0]),
    (3, 8, [0, 1, 2]),  # fewer than asked for: all of them
    (0, 3, []),
])
def test_an_overview_look_reads_passages_evenly_spaced_from_first_to_last(n, most, starts):
    chunks = [Chunk(i, "t", (Segment("t", float(i), f"Part {i}."),)) for i in range(n)]
    look = overview_look(chunks, most)
    assert look.name == "spread" and [p[0].start for p in look.passages] == starts
