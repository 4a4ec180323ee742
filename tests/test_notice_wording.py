"""The wording of a notice read in order, as the household reads it (《最低生活保障审核确认办法》
（民发〔2021〕57号）: a termination states its reasons; 国办发〔2023〕39号: a household below the 低保边缘 line
is told it is a 低保边缘家庭 and what it can apply for)."""

import html
import re

from conftest import DAY, person, write_xlsx

COUNTY = ["--region", "632521"]


def text_of(path) -> str:
    page = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_leaving_dibao_for_marginal_the_reasons_come_before_the_marginal_recognition(run, tmp_path):
    # 2 persons, 12000 a year: 500 a month each, above 400 but below 600; phase-out already over
    rows = [person("M1", "甲", "1970-01-01", 经营净收入=12000, 当前保障类别="渐退期", 当前月保障金=300,
                   渐退开始日期="2025-06-01"),
            person("M1", "乙", "1972-01-01", "配偶", seq=12)]
    out = run("notice", write_xlsx(tmp_path / "r.xlsx", rows), *COUNTY, "--date", DAY, "-o", tmp_path / "out",
              "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    text = text_of(tmp_path / "out" / "M1-停保通知书.html")
    decision = "决定自 2026年12月 起停止发放你户最低生活保障金。理由如下："
    reason = "渐退期 2025年6月1日 至 2026年5月31日 已满，家庭月人均收入仍不低于当地低保标准。"
    marginal = ("你户家庭月人均收入低于低保边缘家庭的收入标准（600.00 元），认定为 低保边缘家庭 ，"
                "可以按规定申请医疗救助、临时救助等救助。")
    assert decision in text and reason in text and marginal in text
    assert text.index(decision) < text.index(reason) < text.index(marginal) < text.index("依据：")
