"""The sandbox templates run in: Jinja's SandboxedEnvironment with limits on what one render may produce
(output size, loop length, calls, size of any value built), so that a bureau's own template cannot hang or
exhaust the machine.
"""

from __future__ import annotations

import functools
import re


#: Limits for one rendered document (one notice, one publicity list, one report).
MAX_OUTPUT = 5_000_000  # characters written
MAX_VALUE = 1_000_000  # characters (or items) of any one value a template builds
MAX_LOOP = 1_000_000  # loop iterations
MAX_CALLS = 1_000_000  # function, method and macro calls
#: A document that lists many records (a prefecture's publicity list, a long report) gets the limits above once
#: more for every RECORDS_PER_ALLOWANCE records it lists: still bounded, in proportion to the data given.
RECORDS_PER_ALLOWANCE = 10_000


def allowance(records: int = 0) -> int:
    """How many times the per-document limits a document listing `records` records may use."""
    return 1 + max(0, int(records)) // RECORDS_PER_ALLOWANCE


class LimitExceeded(Exception):
    """A template went past one of the limits above (message in Chinese)."""


# ---------------------------------------------------------------- the limited sandbox

def too_much_output(limit: int = MAX_OUTPUT) -> LimitExceeded:
    return LimitExceeded(f"输出过长（这份文书最多 {limit:,} 字）")


def _too_long(what: str = "内容") -> LimitExceeded:
    return LimitExceeded(f"生成的{what}过长（一个值最多 {MAX_VALUE:,} 字）")


def _check_size(value):
    if isinstance(value, (str, list, tuple, dict, set, bytes)) and len(value) > MAX_VALUE:
        raise _too_long()
    return value


_BIG_NUMBER = re.compile(r"\d{7,}")


def _check_format(text) -> None:
    """A format string (`%` or `str.format` or the `format` filter) may not ask for huge widths."""
    if isinstance(text, str) and (_BIG_NUMBER.search(text) or re.search(r"%[-#0 +]*\*", text)):
        raise LimitExceeded("格式字符串中的宽度或精度过大")


def _check_args(args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and abs(value) > MAX_VALUE:
            raise LimitExceeded(f"参数 {value} 过大（最多 {MAX_VALUE:,}）")
        if isinstance(value, float) and abs(value) > MAX_VALUE and value == value:
            raise LimitExceeded(f"参数 {value:g} 过大（最多 {MAX_VALUE:,}）")


def _limited_filter(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _check_args(args[1:], kwargs)
        return _check_size(func(*args, **kwargs))

    return wrapper


def _limited_replace(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # (eval_ctx, s, old, new, count=None): the result may grow by (len(new) - len(old)) per match
        s, old, new = (str(a) for a in args[1:4]) if len(args) >= 4 else ("", "", "")
        if old == "":
            grown = len(s) * (len(new) + 1)
        else:
            grown = len(s) + s.count(old) * max(0, len(new) - len(old))
        if grown > MAX_VALUE:
            raise _too_long()
        return func(*args, **kwargs)

    return wrapper


LOOP_FILTER = "_dibao_counted_loop"


def _environment_class():
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import SandboxedEnvironment

    class LimitedCodeGenerator(CodeGenerator):
        def visit_Concat(self, node, frame):
            # `~` is checked after the fact: each step can at most double a value already checked
            self.write("environment.check_size(")
            super().visit_Concat(node, frame)
            self.write(")")

    class LimitedEnvironment(SandboxedEnvironment):
        """The sandbox, plus limits on what one render may produce."""

        intercepted_binops = frozenset(["*", "**", "+", "%", "//"])
        code_generator_class = LimitedCodeGenerator
        check_size = staticmethod(_check_size)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.globals.pop("lipsum", None)
            for name, func in list(self.filters.items()):
                self.filters[name] = _limited_replace(func) if name == "replace" else _limited_filter(func)
            self.filters["format"] = self._format_filter(self.filters["format"])
            self.filters[LOOP_FILTER] = self.limit_iter
            self.reset_limits()

        @staticmethod
        def _format_filter(func):
            @functools.wraps(func)
            def wrapper(value, *args, **kwargs):
                _check_format(value)
                return func(value, *args, **kwargs)

            return wrapper

        def reset_limits(self, times: int = 1) -> None:
            self.loop_limit, self.call_limit = MAX_LOOP * times, MAX_CALLS * times
            self.loops_left = self.loop_limit
            self.calls_left = self.call_limit

        def _parse(self, source, name, filename):
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
            return tree

        def limit_iter(self, iterable):
            for item in iterable:
                self.loops_left -= 1
                if self.loops_left < 0:
                    raise LimitExceeded(f"循环次数过多（这份文书最多 {self.loop_limit:,} 次）")
                yield item

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - jinja's own signature
            __self.calls_left -= 1
            if __self.calls_left < 0:
                raise LimitExceeded(f"调用次数过多（这份文书最多 {__self.call_limit:,} 次；可能是无限递归）")
            _check_args(args, kwargs)
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                _limited_replace(lambda *a: None)(None, owner, *args[:2])
            return _check_size(super().call(__context, __obj, *args, **kwargs))

        def wrap_str_format(self, value):
            owner = getattr(value, "__self__", None)
            _check_format(owner)
            return super().wrap_str_format(value)

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_VALUE:
                        raise _too_long()
                if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 4096:
                    raise LimitExceeded("数值过大")
            elif operator == "**":
                if isinstance(left, int) and isinstance(right, int) and \
                        max(1, left.bit_length()) * max(0, right) > 4096:
                    raise LimitExceeded("数值过大")
            elif operator == "+":
                if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) and \
                        len(left) + len(right) > MAX_VALUE:
                    raise _too_long()
            elif operator == "%":
                _check_format(left)
            return _check_size(super().call_binop(context, operator, left, right))

    return LimitedEnvironment


@functools.lru_cache(maxsize=1)
def limited_class():
    return _environment_class()
