"""Generate a synthetic roster of N member rows (18 columns, shared strings as Excel and WPS save them).

    python benchmarks/make_roster.py 100000 benchmarks/out/roster-100k.xlsx
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


def write(n: int, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))  # shared strings, as Excel and WPS save them
    sheet = workbook.add_worksheet("名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows(n), start=1):
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
    write(int(sys.argv[1]), Path(sys.argv[2]))
