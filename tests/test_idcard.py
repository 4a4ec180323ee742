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
