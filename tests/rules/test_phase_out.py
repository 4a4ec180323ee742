"""rules/phase_out.py: 青海省民政厅 渐退期 (not less than one year) dates."""

import datetime as dt

from dibao_cli.rules.phase_out import add_months, phase_out_end


def test_phase_out_of_12_months_ends_the_day_before_the_same_date_next_year():
    """青海省民政厅：人均收入超过低保标准的给予不少于1年的渐退期."""
    assert phase_out_end(dt.date(2026, 3, 1), 12) == dt.date(2027, 2, 28)
    assert phase_out_end(dt.date(2026, 11, 30), 12) == dt.date(2027, 11, 29)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
