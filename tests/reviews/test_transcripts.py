"""Transcript lines: who spoke and what was said, in English and Chinese text alike."""

import pytest

from reviews.transcripts import transcript_lines


@pytest.mark.parametrize(
    ("line", "speaker", "speech"),
    [
        ("Agent: Good morning", "agent", "Good morning"),
        ("[10:02] Chen Smith: Hello", "chen smith", "Hello"),
        ("(00:01:12) Customer: It broke", "customer", "It broke"),
        ("坐席：您好，请问有什么可以帮您？", "坐席", "您好，请问有什么可以帮您？"),
        ("[10:02] 客户： 我的包裹还没到", "客户", "我的包裹还没到"),
        ("王芳：好的", "王芳", "好的"),
        # Not speakers: a URL, a time alone, a long sentence before a full-width colon.
        ("See https://example.com/help", "", "See https://example.com/help"),
        ("Call me at 10:30 please", "", "Call me at 10:30 please"),
        ("我觉得这个问题上周就应该解决了：可是没有", "", "我觉得这个问题上周就应该解决了：可是没有"),
    ],
)
def test_each_line_names_its_speaker(line, speaker, speech):
    (parsed,) = transcript_lines(line)
    assert (parsed.speaker, parsed.speech) == (speaker, speech)


def test_lines_keep_their_numbers_with_blank_lines_counted():
    lines = transcript_lines("坐席：您好\n\n客户：你好")
    assert [(x.number, x.speaker) for x in lines] == [(1, "坐席"), (3, "客户")]
