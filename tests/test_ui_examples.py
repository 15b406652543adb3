"""Example questions chosen per transcript without a model: a meeting's topics and speakers, a document's sections."""

from pathlib import Path

from rag.corpus import load_sources
from rag.settings import Settings
from ui.examples import examples_for, examples_for_library, topics

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def load(path: Path):
    return load_sources(Settings(paths=(str(path),)))[0]


def test_a_meeting_gets_meeting_questions_about_its_topics_and_speakers():
    meeting = load(DATA / "ami-es2015b-meeting.txt")
    found = topics(meeting)
    assert found[0] == "remote control"  # what this design meeting is about, said over and over
    asked = examples_for(meeting)
    assert asked[0] == "Summarize the discussion about remote control."
    assert asked[1].startswith("What did Industrial Designer say about ")  # who talks most
    assert asked[2].startswith("What was decided about ")
    assert not any(w in " ".join(asked).lower().split() for w in ("um", "uh", "yeah", "okay", "twenty"))


def test_a_document_with_sections_gets_questions_about_its_first_sections():
    seed = load(ROOT / "seeds" / "cto-ai-era.txt")
    asked = examples_for(seed)
    assert asked[:2] == ["What does it say about Mike Schreer’s journey?",
                         "What does it say about the evolving developer landscape?"]


def test_captions_get_a_topic_question_and_the_library_follows_the_scope():
    captions = load(DATA / "youtube-autocaptions-agentic-ai.vtt")
    seed = load(ROOT / "seeds" / "cto-ai-era.txt")
    assert examples_for(captions)[0].startswith("What does it say about ")
    assert examples_for_library([seed, captions], captions.title) == examples_for(captions)
    assert examples_for_library([seed, captions], None) == examples_for(seed)
    assert examples_for_library([], None) == ["What is this about?"]
