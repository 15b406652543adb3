import pytest

from rag.timecode import format_time, parse_time


@pytest.mark.parametrize("text, seconds", [
    ("00:00:35", 35.0), ("1:02:03", 3723.0), ("12:30", 750.0), ("01:02:03,500", 3723.5),
    ("00:00:01.25", 1.25), ("100:00:00", 360000.0), (" 00:10:00 ", 600.0),
])
def test_parse_time_known_answers(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["00:99:10", "00:10:60", "abc", "", "1:2:3:4", "10"])
def test_parse_time_rejects_bad_input(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize("seconds", [0, 35, 3599, 3600, 3723, 45296])
def test_format_parse_round_trip(seconds):
    assert parse_time(format_time(seconds)) == seconds


def test_format_time_drops_fractions():
    assert format_time(35.9) == "00:00:35"
