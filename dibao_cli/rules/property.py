"""Property test (民发〔2021〕57号, 家庭财产): deposits, vehicles, homes, registered businesses."""

from __future__ import annotations

from decimal import Decimal

from dibao_cli.model import Household
from dibao_cli.money import fen_yuan


def property_failures(household: Household, members: int, monthly_standard_fen: Decimal, policy) -> list[tuple[str, str]]:
    """(code, text) for each property limit the household exceeds; empty when it passes."""
    failures = []
    deposits = household.deposits
    if deposits is not None and members:
        limit = monthly_standard_fen * policy.deposit_limit_months * members
        if deposits > limit:
            failures.append(("property_deposits", f"存款及金融资产 {_yuan(deposits)} 元，超过上限 {_yuan(limit)} 元"
                             f"（人均 {policy.deposit_limit_months} 个月低保标准 × {members} 人）"))
    vehicles = household.vehicles
    if vehicles is not None and vehicles > policy.max_vehicles:
        failures.append(("property_vehicles", f"有机动车辆 {vehicles} 辆，超过上限 {policy.max_vehicles} 辆"))
    homes = household.homes
    if homes is not None and homes > policy.max_homes:
        failures.append(("property_homes", f"有住房 {homes} 套，超过上限 {policy.max_homes} 套"))
    if household.business and not policy.business_allowed:
        failures.append(("property_business", "家庭成员有工商登记（企业、个体工商户或合作社）"))
    return failures


def _yuan(fen) -> str:
    return fen_yuan(fen)
