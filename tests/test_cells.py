"""Cell cleaning: money to integer fen, dates, yes/no, full-width text."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibao_cli import cells


@pytest.mark.parametrize("raw,fen", [
    (1234.5, 123450), ("1,234.50", 123450), ("１２３４．５", 123450), ("1234元", 123400), (12, 1200),
    ("'300", 30000), (0.1 + 0.2, 30), (" 88 ", 8800),
])
def test_money_becomes_integer_fen(raw, fen):
    assert cells.money(raw) == fen


def test_blank_is_not_zero():
    assert cells.money(None) is None and cells.money("  ") is None and cells.money(0) == 0


@pytest.mark.parametrize("raw,code", [("12.345", "money_decimals"), ("abc", "money_format"), (-5, "money_negative")])
def test_bad_money_is_reported(raw, code):
    with pytest.raises(cells.CellError) as exc:
        cells.money(raw)
    assert exc.value.code == code


def test_net_business_income_may_be_negative():
    assert cells.money("-300", allow_negative=True) == -30000


@pytest.mark.parametrize("raw", ["2024-03-01", "2024/3/1", "2024年3月1日", "20240301", dt.date(2024, 3, 1),
                                 dt.datetime(2024, 3, 1, 0, 0), "2024.03.01"])
def test_dates_in_every_shape(raw):
    assert cells.date(raw) == dt.date(2024, 3, 1)


@pytest.mark.parametrize("raw", [45352, 45352.0, "45352", 2026, 2026.0, "2026", 3, 3.0, "3", 45000, 20240301])
def test_a_bare_number_is_never_a_date(raw):
    """Only date cells and date text are dates: a serial number typed into a plain cell is refused."""
    with pytest.raises(cells.CellError) as exc:
        cells.date(raw)
    assert exc.value.code == "date_number"


def test_impossible_date_is_an_error():
    with pytest.raises(cells.CellError):
        cells.date("2024-02-30")


@pytest.mark.parametrize("raw,value", [("是", True), ("否", False), ("Y", True), ("√", True), (1.0, True), ("无", False)])
def test_yes_no(raw, value):
    assert cells.yes_no(raw) is value


def test_text_normalises_full_width_and_nbsp():
    assert cells.text("\u00a0西台村\u3000") == "西台村"
    assert cells.name("张 三") == "张三"


@given(st.one_of(st.text(), st.floats(), st.integers(), st.booleans(), st.dates(), st.none()))
def test_cleaners_raise_only_cellerror(raw):
    for clean in (cells.text, cells.name, cells.money, cells.count, cells.date, cells.yes_no):
        try:
            clean(raw)
        except cells.CellError:
            pass


# ---- the money grammar: one number, thousands separators only in threes (hypothesis)

FEN = st.integers(min_value=0, max_value=10**13)


def plain(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@given(FEN)
def test_money_text_plain_and_grouped_reads_exactly(fen):
    assert cells.money(plain(fen)) == fen
    assert cells.money(f"{fen // 100:,}.{fen % 100:02d}") == fen
    assert cells.money(f"{fen // 100:,}元") == fen // 100 * 100
    assert cells.money(f"¥{fen // 100:,}") == fen // 100 * 100


@given(st.integers(min_value=1, max_value=10**10 - 1), st.data())
def test_commas_are_accepted_only_as_thousands_separators(number, data):
    digits = str(number)
    cuts = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=max(1, len(digits) - 1)), max_size=4)))
    cuts = [c for c in cuts if c < len(digits)]
    parts = [digits[i:j] for i, j in zip([0] + cuts, cuts + [len(digits)])]
    text_ = ",".join(parts)
    grouped = len(parts) == 1 or (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]))
    if grouped:
        assert cells.money(text_) == int(digits) * 100
    else:
        with pytest.raises(cells.CellError) as exc:
            cells.money(text_)
        assert exc.value.code == "money_format"


@given(st.integers(min_value=10, max_value=10**9 - 1), st.sampled_from(["e", "E", "_", " ", "\u3000", ",,", "+", "x"]),
       st.data())
def test_anything_inside_a_number_makes_it_not_one_number(number, inserted, data):
    digits = str(number)
    at = data.draw(st.integers(min_value=1, max_value=len(digits) - 1))
    with pytest.raises(cells.CellError) as exc:
        cells.money(digits[:at] + inserted + digits[at:])
    assert exc.value.code == "money_format"


@given(st.one_of(st.text(max_size=20), st.text(alphabet="0123456789,. 元¥_e-+'", max_size=14)))
def test_money_only_returns_a_figure_for_one_number(raw):
    try:
        fen = cells.money(raw)
    except cells.CellError:
        return
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", raw).strip().lstrip("'").strip().lstrip("¥").removesuffix("元").strip()
    if fen is None or raw.strip() in ("-", "—", "/", "无") or cleaned in ("-", "—", "/", "无"):
        return  # the blank markers, also after a leading apostrophe ("'/")
    assert cells._MONEY_GRAMMAR.fullmatch(cleaned), (raw, fen)


# ---- cells that are not values never become one


@given(st.sampled_from(["error", "uncached"]), st.text(min_size=1, max_size=10))
def test_a_bad_cell_is_refused_by_every_cleaner(kind, text_):
    bad = cells.BadCell(kind, text_)
    for clean in (cells.text, cells.name, cells.money, cells.count, cells.date, cells.yes_no,
                  lambda raw: cells.money(raw, allow_negative=True), lambda raw: cells.enum(raw, {"城市": "城市"}, "城市")):
        with pytest.raises(cells.CellError) as exc:
            clean(bad)
        assert exc.value.code == ("cell_error" if kind == "error" else "formula_uncached")


@given(st.sampled_from(sorted(cells.ERROR_LITERALS)), st.sampled_from(["", " ", "\u3000"]))
def test_error_text_is_refused_before_any_cleaning(literal, pad):
    with pytest.raises(cells.CellError) as exc:
        cells.refuse_bad(pad + literal + pad if pad != " " else literal)
    assert exc.value.code == "cell_error"
    with pytest.raises(cells.CellError):
        cells.money(literal)


@given(st.one_of(st.integers(min_value=-10**9, max_value=10**9), st.floats(allow_nan=False, allow_infinity=False)))
def test_no_number_is_a_date(number):
    with pytest.raises(cells.CellError) as exc:
        cells.date(number)
    assert exc.value.code == "date_number"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_date_text_reads_back_exactly(day):
    assert cells.date(day.isoformat()) == day
    assert cells.date(f"{day.year}年{day.month}月{day.day}日") == day
    assert cells.date(f"{day.year}/{day.month}/{day.day}") == day
    assert cells.date(dt.datetime(day.year, day.month, day.day)) == day


@given(st.text(max_size=12), st.sampled_from(sorted(cells.ERROR_LITERALS)))
def test_the_reader_shortcut_never_skips_an_error_value(prefix, literal):
    """The reader calls refuse_bad only for text starting with a SUSPECT character: any text it would
    refuse starts with one."""
    for raw in (literal, prefix + literal, prefix):
        try:
            cells.refuse_bad(raw)
        except cells.CellError:
            assert raw[:1] in cells.SUSPECT


@pytest.mark.parametrize("raw,value", [("2辆", 2), ("2 辆", 2), ("3套", 3), ("0", 0), ("无", 0), (2.0, 2)])
def test_counts_with_one_unit(raw, value):
    assert cells.count(raw) == value


@pytest.mark.parametrize("raw", ["2辆3辆", "1 2", "1套2", "2.5", "1e1"])
def test_a_count_that_is_not_one_number_is_an_error(raw):
    with pytest.raises(cells.CellError) as exc:
        cells.count(raw)
    assert exc.value.code == "count_format"


@pytest.mark.parametrize("raw, clean", [
    ("马\x00六", "马六"), ("GH\x00001", "GH001"), ("西台\u200b村", "西台村"), ("\x1b[31m张三", "[31m张三"),
    ("abc\u202egpj.exe", "abcgpj.exe"), ("a\tb\nc", "a b c"), ("\x07", None),
])
def test_invisible_characters_are_dropped_from_text(raw, clean):
    """A NUL, an escape code, a zero-width space or a direction override shows as nothing in Excel; the
    value dibao keeps (in the ledger, JSON and every document) is the text as it looks."""
    assert cells.text(raw) == clean


@given(st.text(max_size=30))
def test_text_never_keeps_a_control_or_format_character(raw):
    import unicodedata

    out = cells.text(raw)
    assert out is None or all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in out)


# the row reader takes a plain name or household number cell as it is, without its cleaner: the cleaner must
# give it back unchanged
@given(st.text(alphabet=st.sampled_from("0aZ9一丁龥中国伟芳H") | st.characters(), min_size=1, max_size=12))
def test_plain_text_is_its_own_clean_value(raw):
    from dibao_cli.reading.apply import household_number
    from dibao_cli.reading.converters import plain_text

    if plain_text(raw):
        assert cells.name(raw) == raw
        assert cells.text(raw) == raw
        assert household_number(raw) == raw
        assert raw[:1] not in cells.SUSPECT


def test_plain_text_takes_only_letters_digits_and_chinese():
    from dibao_cli.reading.converters import plain_text

    assert plain_text("张三") and plain_text("Li2") and plain_text("龥")
    for raw in ("张 三", "张三 ", "Ｌｉ", "'张三", "#REF!", "张\u200b三", "张三\n", "", "丕\uf900", "\u3400"):
        assert plain_text(raw) is None, raw


def test_suspect_first_characters_are_hash_signs_and_whitespace():
    assert cells.SUSPECT == frozenset(["#", "＃"] + [chr(c) for c in range(0x3001) if chr(c).isspace()])


# the row reader takes a plain date cell as it is in any date column: both date cleaners must give it back
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)) | st.datetimes())
def test_plain_date_is_its_own_clean_value(raw):
    from dibao_cli.reading.converters import plain_date

    if plain_date(raw):
        assert cells.record_date(raw) == raw
        assert cells.record_date(raw, floor=False) == raw
        cells.refuse_bad(raw)
    else:
        assert type(raw) is dt.datetime or not dt.date(1910, 1, 1) <= raw <= dt.date(2099, 12, 31)


def test_plain_checks_by_column_kind():
    from dibao_cli.reading.columns import BY_KEY
    from dibao_cli.reading.converters import plain_check, plain_date, plain_name

    assert plain_check(BY_KEY["name"]) is plain_name
    assert plain_check(BY_KEY["birth_date"]) is plain_date
    assert plain_check(BY_KEY["household_id"]) is None
    assert plain_name("张三") and not plain_name("张 三") and not plain_name(3.0)
    assert plain_date(dt.date(1910, 1, 1)) and plain_date(dt.date(2099, 12, 31))
    assert not plain_date(dt.date(1909, 12, 31)) and not plain_date(dt.date(2100, 1, 1))
    assert not plain_date(dt.datetime(2000, 1, 1)) and not plain_date("2000-01-01")
