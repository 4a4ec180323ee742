"""rules/property.py: 民发〔2021〕57号 家庭财产 limits (deposits, vehicles, homes, registered businesses)."""

from decimal import Decimal

from dibao_cli.rules.property import property_failures
from rules.helpers import household, member, policy


def test_property_limits_民发2021_57():
    """民发〔2021〕57号：家庭财产状况符合规定. Deposits limit: 24 months x 400.00 x 2 people = 19,200.00."""
    p, monthly = policy(), Decimal(40000)
    ok = household(member(), member("乙"), deposits=1920000, vehicles=0, homes=1)
    assert property_failures(ok, 2, monthly, p) == []
    over = household(member(), member("乙"), deposits=1920001, vehicles=1, homes=2, business=True)
    assert property_failures(over, 2, monthly, p) == [
        ("property_deposits", "存款及金融资产 19,200.01 元，超过上限 19,200.00 元（人均 24 个月低保标准 × 2 人）"),
        ("property_vehicles", "有机动车辆 1 辆，超过上限 0 辆"),
        ("property_homes", "有住房 2 套，超过上限 1 套"),
        ("property_business", "家庭成员有工商登记（企业、个体工商户或合作社）"),
    ]
