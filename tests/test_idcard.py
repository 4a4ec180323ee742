"""ID numbers: GB 11643-1999 check character, 15-digit conversion, Excel damage."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibao_cli.idcard import IdError, build_id, check_char, mask_id, parse_id


def test_gb11643_known_valid_numbers():
    """GB 11643-1999: the check character of the standard's examples."""
    assert parse_id("11010519491231002X").number == "11010519491231002X"
    assert parse_id("440524188001010014").birth == dt.date(1880, 1, 1)
    assert check_char("11010519491231002") == "X"


def test_lower_case_x_full_width_and_apostrophe_are_normalised():
    assert parse_id("11010519491231002x").number == "11010519491231002X"
    assert parse_id("'１１０１０５１９４９１２３１００２Ｘ ").number == "11010519491231002X"


def test_sex_from_17th_digit_and_birth_date():
    info = parse_id(build_id("632521", dt.date(1980, 1, 2), 13))
    assert info.male is True and info.birth == dt.date(1980, 1, 2)
    assert parse_id(build_id("632521", dt.date(1980, 1, 2), 12)).male is False


def test_15_digit_number_is_upgraded_with_19_and_check_character():
    info = parse_id("632521800102131")
    assert info.number == "63252119800102131" + check_char("63252119800102131")
    assert info.upgraded and info.birth == dt.date(1980, 1, 2)


@pytest.mark.parametrize("raw", [6.32521198001021e17, "6.32521E+17", "632521198001010000", 632521198001010000])
def test_excel_damaged_numbers_are_errors_never_repaired(raw):
    with pytest.raises(IdError) as exc:
        parse_id(raw)
    assert exc.value.code == "id_excel_number"
    assert "文本" in exc.value.fix


def test_wrong_check_character_names_the_expected_one():
    good = build_id("632521", dt.date(1980, 1, 2), 13)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    with pytest.raises(IdError) as exc:
        parse_id(bad)
    assert exc.value.code == "id_checksum" and good[-1] in exc.value.message


def test_impossible_birth_date_is_an_error():
    first17 = "63252119800231131"
    with pytest.raises(IdError) as exc:
        parse_id(first17 + check_char(first17))
    assert exc.value.code == "id_birth"


def test_mask_keeps_area_and_last_four():
    assert mask_id("11010519491231002X") == "110105********002X"


@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none()))
def test_parser_never_raises_anything_but_iderror(raw):
    try:
        parse_id(raw)
    except IdError:
        pass



def _slow(raw):
    """What the full parser (no shortcut) gives for a cell: (number, birth, male, upgraded) or the error code."""
    from dibao_cli.idcard import _parse_id_slow

    try:
        info = _parse_id_slow(raw)
    except IdError as exc:
        return exc.code
    return info.number, info.birth, info.male, info.upgraded


def _expected_shortcut(raw: str):
    """What clean_id18 must give: the full parser's number, birth date and sex when it takes the 18 ASCII characters
    as they are (only "x" upper-cased), else None (the cell is left to the full parser)."""
    slow = _slow(raw)
    if isinstance(slow, str) or slow[3] or len(raw) != 18 or not raw.isascii() or slow[0] != raw.upper():
        return None
    return slow[:3]


def _agree(raw: str) -> None:
    from dibao_cli.idcard import clean_id18

    assert clean_id18(raw) == _expected_shortcut(raw)
    slow = _slow(raw)
    if isinstance(slow, str):
        with pytest.raises(IdError) as exc:
            parse_id(raw)
        assert exc.value.code == slow
    else:
        info = parse_id(raw)
        assert (info.number, info.birth, info.male, info.upgraded) == slow


@given(st.dates(min_value=dt.date(1, 1, 1)), st.integers(0, 999), st.sampled_from(["632521", "110105", "000000"]),
       st.integers(0, 17), st.sampled_from([None, "x", "X", "0", "5", "9", "１", "Ｘ", " ", "'"]))
def test_clean_id_shortcut_agrees_with_the_full_parser_on_near_valid_numbers(day, sequence, area, position, swap):
    """clean_id18 (the readers' shortcut, the checksum read in base 13) takes a number exactly when the full parser
    takes it as it is (or only upper-cases its "x"), with the same number, birth date and sex."""
    raw = f"{area}{day.year:04d}{day:%m%d}{sequence:03d}"
    raw = raw + check_char(raw)
    if swap is not None:
        raw = raw[:position] + swap + raw[position + 1:]
    _agree(raw)


@given(st.text(st.sampled_from("0123456789Xx１ '"), min_size=15, max_size=19))
def test_clean_id_shortcut_agrees_with_the_full_parser_on_digit_strings(raw):
    _agree(raw)


@given(st.text(min_size=18, max_size=18))
def test_clean_id_shortcut_agrees_with_the_full_parser_on_any_18_characters(raw):
    _agree(raw)


@given(st.text(st.sampled_from("0123456789"), min_size=17, max_size=17))
def test_clean_id_checksum_in_base_13_is_the_weighted_sum(first17):
    """The weights are 2**(17 - i) mod 11 and 13 = 2 (mod 11): twice the digits read in base 13 is the weighted sum."""
    from dibao_cli.idcard import CHECK_CHARS

    assert CHECK_CHARS[int(first17, 13) * 2 % 11] == check_char(first17)


def test_clean_id_checksum_for_every_digit_at_every_place():
    from dibao_cli.idcard import CHECK_CHARS

    for place in range(17):
        for digit in "0123456789":
            first17 = "0" * place + digit + "0" * (16 - place)
            assert CHECK_CHARS[int(first17, 13) * 2 % 11] == check_char(first17)
