"""What the casework commands (apply, step, record, cases, visit, visits) share: the policy and the working-day
calendar, warnings about the calendar, and how a case's next step is said."""

from __future__ import annotations

from dibao_cli.cli.console import console, literal

FORMATS = ("table", "json", "csv", "xlsx")
MAX_WITHIN_DAYS = 3660  # ten years: a longer look-ahead is a typing error


def policy_and_calendar(region, policies):
    from dibao_cli.casework.calendar import build_calendar
    from dibao_cli.policy.config import choose_policy

    policy = choose_policy(region, policies)
    return policy, build_calendar(policy)


def warn_calendar(calendar) -> None:
    for warning in calendar.warnings:
        console(stderr=True).print(f"[yellow]注意[/]：{literal(warning)}")


def parse_people_option(text):
    from dibao_cli.casework.applications import parse_people

    return parse_people(text)


def next_line(state) -> str:
    if state.status != "open":
        from dibao_cli.casework.applications import STATUS_LABEL

        return f"已办结：{STATUS_LABEL[state.status]}"
    return f"下一步：{state.next_step}，期限 {state.due.isoformat()}（{time_left(state)}）"


def time_left(state) -> str:
    if state.days_left is None:
        return ""
    if state.overdue and state.days_left <= 0:
        return f"已逾期 {-state.days_left} 个工作日" if state.days_left < 0 else "今天到期"
    if state.overdue:
        return "已超过总期限"
    return "今天到期" if state.days_left == 0 else f"还有 {state.days_left} 个工作日"
