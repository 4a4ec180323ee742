"""Free text (reasons, notes, findings) keeps its Chinese punctuation; codes and numbers are folded."""

from hypothesis import given, strategies as st

from dibao_cli import cells


def test_prose_keeps_full_width_punctuation():
    assert cells.prose("已按单人保纳入低保，学费已由助学金解决。") == "已按单人保纳入低保，学费已由助学金解决。"
    assert cells.prose("  火灾（住房受损）；急需安置！ ") == "火灾（住房受损）；急需安置！"


def test_prose_still_folds_width_of_letters_and_digits():
    assert cells.prose("ＡＢ１２，住院") == "AB12，住院"
    assert cells.prose("a\u3000\u00a0b") == "a b"


def test_text_is_unchanged_for_codes():
    assert cells.text("ＧＨ００１，") == "GH001,"


@given(st.text(alphabet="，（）：；！？abc １２一二", max_size=30))
def test_prose_differs_from_text_only_in_kept_punctuation(raw):
    folded = {"，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "！": "!", "？": "?"}
    kept = cells.prose(raw)
    plain = cells.text(raw)
    if kept is None:
        assert plain is None or plain.strip(",():;!? ") == ""
    else:
        assert "".join(folded.get(c, c) for c in kept).replace(" ", "") == (plain or "").replace(" ", "")
