"""Generate a synthetic roster of N member rows (18 columns, shared strings as Excel and WPS save them).

    python benchmarks/make_roster.py 100000 benchmarks/out/roster-100k.xlsx
    python benchmarks/make_roster.py 10000 messy.xlsx --messy        # cells a clerk's roster really has
    python benchmarks/make_roster.py 10000 mixed.xlsx --messy --mixed  # and IDs typed as numbers, "1,200元"

--messy keeps every column of one kind (text stays text, numbers numbers); --mixed adds cells of another kind.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dibao_cli.idcard import build_id  # noqa: E402

HEADER = ["乡镇", "村(社区)", "户编号", "户主姓名", "姓名", "身份证号", "与户主关系", "性别", "出生日期", "城乡类别",
          "劳动能力", "残疾等级", "工资性收入", "经营净收入", "转移净收入", "基础养老金", "当前保障类别", "当前月保障金"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "建国秀英永福桂兰德明玉梅有财春花海龙晓燕志强丽华文杰卓玛才让扎西央金"
TOWNSHIPS = ["恰卜恰镇", "倒淌河镇", "龙羊峡镇", "塘格木镇", "黑马河乡", "石乃亥乡", "江西沟乡", "廿地乡"]


def rows(n: int, seed: int = 7):
    rnd = random.Random(seed)
    made = 0
    household = 0
    sequence: dict[tuple, int] = {}
    while made < n:
        household += 1
        size = min(rnd.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)), n - made)
        township = TOWNSHIPS[household % len(TOWNSHIPS)]
        village = f"{township[:2]}{household % 40 + 1}村"
        hid = f"H{household:07d}"
        area = "城市" if household % 10 == 0 else "农村"
        state = rnd.choice(("低保", "无", "无", "边缘"))
        benefit = rnd.randrange(100, 900) if state == "低保" else None
        names = [rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN) for _ in range(size)]
        for i in range(size):
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * (60 if i == 0 else 80)))
            male = rnd.random() < 0.5
            key = (birth, male)
            sequence[key] = sequence.get(key, 0) + 1
            seq = sequence[key] * 2 + (1 if male else 0)
            yield [township, village, hid, names[0], names[i], build_id("632521", birth, seq),
                   "户主" if i == 0 else rnd.choice(("配偶", "子", "女", "父亲", "母亲")), "男" if male else "女",
                   birth, area, rnd.choice(("有", "部分丧失", "完全丧失", "无")),
                   rnd.choice((None,) * 9 + ("二级",)), rnd.choice((0, 0, 6000, 12000, 24000)),
                   rnd.choice((0, 1200, 3600)), rnd.choice((0, 0, 1800)), rnd.choice((0, 2160)),
                   state, benefit]
            made += 1


def messy(rows_, mixed: bool, seed: int = 11):
    """Spoil about one row in twenty the way clerks' rosters are spoiled."""
    rnd = random.Random(seed)
    previous_id = None
    for row in rows_:
        if rnd.random() < 0.05:
            kind = rnd.randrange(14)
            if kind == 0:
                row[4] = " " + row[4][0] + " " + row[4][1:] + "  "  # stray spaces in a name
            elif kind == 1:
                row[5] = "'" + row[5]  # an apostrophe before the ID number
            elif kind == 2:
                row[5] = row[5][:17] + ("0" if row[5][17] != "0" else "1")  # a wrong check digit
            elif kind == 3 and previous_id:
                row[5] = previous_id  # a duplicated person
            elif kind == 4:
                row[5] = row[5].translate(str.maketrans("0123456789", "０１２３４５６７８９"))  # full-width digits
            elif kind == 5:
                row[7] = rnd.choice(("M", "女 ", "妇", "F"))
            elif kind == 6:
                row[10] = rnd.choice(("部分丧失劳动能力", "全部", " 有 "))
            elif kind == 7:
                row[11] = rnd.choice(("2级", "三", "五级", "Ⅱ"))
            elif kind == 8:
                row[12] = rnd.choice((1200.555, -5, 12000.5, 10**13))
            elif kind == 9:
                row[2] = None  # no household number
            elif kind == 10:
                row[6] = rnd.choice(("户主", "本人", None))
            elif kind == 11:
                row[16] = rnd.choice(("低保户", "特困供养", "五保"))
            elif kind == 12:
                row[9] = "城镇" if row[9] == "农村" else "乡"
            elif kind == 13 and mixed:
                row[rnd.choice((5, 12))] = rnd.choice((632521199001011234.0, "1,200元", "#REF!"))
        previous_id = row[5] if isinstance(row[5], str) else previous_id
        yield row


def write(n: int, path: Path, spoil: bool = False, mixed: bool = False) -> None:
    write_rows(messy(rows(n), mixed) if spoil else rows(n), path)


def write_rows(source, path: Path) -> None:
    """A roster workbook of these rows under HEADER."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))  # shared strings, as Excel and WPS save them
    sheet = workbook.add_worksheet("名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(source, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c == 8:
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]), "--messy" in sys.argv, "--mixed" in sys.argv)
