"""Who signs a notice: the bureau, the body that hears a review, the number prefix and the date.
"""

from __future__ import annotations

import datetime as _dt

from dibao_cli.documents.notices import Issuer
from dibao_cli.errors import UsageInvalid
from dibao_cli.policy.loader import COUNTIES, PREFECTURES, region_name


def default_issuer(region: str, day: _dt.date, bureau: str | None, review_body: str | None, prefix: str | None,
                   phone: str | None) -> Issuer:
    name = region_name(region)
    known = region in COUNTIES or region in PREFECTURES
    if bureau is None:
        if not known or region == "630000":
            raise UsageInvalid("请用 --bureau 写明发文单位（如 共和县民政局），或用 --region 指定本县。")
        bureau = f"{name}民政局"
    if review_body is None:
        review_body = f"{name}人民政府" if known and region != "630000" else "本级人民政府"
    if prefix is None:
        short = name.rstrip("县市区州") if known and region != "630000" else ""
        prefix = f"{short}民低〔{day.year}〕"
    return Issuer(bureau, review_body, prefix, day, phone or "")
