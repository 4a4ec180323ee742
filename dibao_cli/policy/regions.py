"""Region codes: the province, its prefectures and the counties dibao names, and a region's chain of policy
files (province -> prefecture -> county)."""

from __future__ import annotations

import re

from dibao_cli.errors import PolicyInvalid

PROVINCE = "630000"
PREFECTURES = {
    "630100": "西宁市", "630200": "海东市", "632200": "海北州", "632300": "黄南州", "632500": "海南州",
    "632600": "果洛州", "632700": "玉树州", "632800": "海西州",
}
COUNTIES = {"632521": "共和县", "632523": "贵德县", "630223": "互助县", "632621": "玛沁县", "632701": "玉树市",
            "632801": "格尔木市"}


def region_chain(code: str) -> list[str]:
    """630000 -> [630000]; 632500 -> [630000, 632500]; 632521 -> [630000, 632500, 632521]."""
    check_region(code)
    chain = [PROVINCE]
    if code != PROVINCE:
        prefecture = code[:4] + "00"
        chain.append(prefecture)
        if code != prefecture:
            chain.append(code)
    return chain


def check_region(code: str) -> None:
    if not re.fullmatch(r"\d{6}", code or ""):
        raise PolicyInvalid(f"地区代码“{code}”应为6位数字，如共和县 632521、海南州 632500、青海省 630000。")
    if not code.startswith("63"):
        raise PolicyInvalid(f"地区代码 {code} 不在青海省（63开头）。dibao 目前只带青海省政策。")
    prefecture = code[:4] + "00"
    if code != PROVINCE and prefecture not in PREFECTURES:
        raise PolicyInvalid(f"地区代码 {code} 不属于青海省的任何市州（{'、'.join(f'{k} {v}' for k, v in PREFECTURES.items())}）。")


def region_name(code: str) -> str:
    if code == PROVINCE:
        return "青海省"
    return PREFECTURES.get(code) or COUNTIES.get(code) or code
