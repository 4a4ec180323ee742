"""Help pages in Chinese: headings with a full-width colon, columns aligned by display width, Chinese line breaking."""

from __future__ import annotations

import inspect

import click


def _width(text: str) -> int:
    """Columns a text takes in a terminal (Chinese characters take two)."""
    from rich.cells import cell_len

    return cell_len(text)


class ChineseFormatter(click.HelpFormatter):
    """click's help layout with Chinese headings (full-width colon) and columns aligned by display width."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not rows:
            return
        first = min(max(_width(term) for term, _ in rows), col_max)
        for term, definition in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not definition:
                self.write("\n")
                continue
            if _width(term) <= first:
                self.write(" " * (first - _width(term) + col_spacing))
            else:
                self.write("\n" + " " * (first + col_spacing + self.current_indent))
            room = max(self.width - first - col_spacing - self.current_indent, 20)
            lines = _wrap(definition, room)
            pad = " " * (first + col_spacing + self.current_indent)
            self.write(lines[0] + "\n" + "".join(f"{pad}{line}\n" for line in lines[1:]))


NO_LINE_START = "。，、；：？！）》」』”’…"


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns; Chinese breaks between any two characters, other text at spaces
    where it can."""
    lines, line, used = [], "", 0  # `used`: the width of `line`, kept as characters are added
    for char in text:
        if (_width(line + char) if _joins(line) or _joins(char) else used + _width(char)) > width:
            cut = line.rfind(" ")
            if cut > 0 and line[cut + 1:].isascii() and char != " ":
                lines.append(line[:cut])
                line = line[cut + 1:]
            elif char in NO_LINE_START and len(line) > 1:  # 。，）… never open a line: take a character along
                keep = len(line) - 1
                while keep > 1 and line[keep] in NO_LINE_START:
                    keep -= 1
                lines.append(line[:keep])
                line = line[keep:]
            else:
                lines.append(line.rstrip())
                line = ""
            used = _width(line)
            if char == " " and not line:
                continue
        line += char
        used = _width(line) if _joins(line) else used + _width(char)
    return [*lines, line] if line or not lines else lines


def _joins(text: str) -> bool:
    """True when `text` holds a zero-width joiner or an emoji presentation selector, which can make the width of a
    line other than the sum of its characters' widths (then the whole line is measured)."""
    return "\u200d" in text or "\ufe0f" in text


class DibaoContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseHelp:
    """Help pages in Chinese: headings, the help option, commands in the order they were added."""

    context_class = DibaoContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        if isinstance(self, click.Group):
            kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option

    def format_help_text(self, ctx, formatter):
        """The docstring line by line as written (no need for click's backspace marker): a prose line longer than
        the terminal is wrapped by display width (Chinese breaks anywhere); examples and indented lines never are."""
        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                indent = " " * formatter.current_indent
                room = max(formatter.width - formatter.current_indent, 20)
                for line in text.splitlines():
                    if not line.strip():
                        formatter.write("\n")
                    elif line.startswith((" ", "例：", "dibao ")):
                        formatter.write(f"{indent}{line}\n")
                    else:
                        formatter.write("".join(f"{indent}{part}\n" for part in _wrap(line, room)))

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser leaves some errors without their command (for the help hint)
                exc.ctx = ctx
            raise

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), "用法：")

    def format_options(self, ctx, formatter):
        records = [r for p in self.get_params(ctx) if isinstance(p, click.Option) and (r := p.get_help_record(ctx))]
        if records:
            with formatter.section("选项"):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def list_commands(self, ctx):
        return list(getattr(self, "commands", {}))

    def format_commands(self, ctx, formatter):
        listed = getattr(getattr(self, "commands", None), "listed", None)  # a lazy table: its summaries
        found = [(name, listed(name) if listed else self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        found = [(name, cmd) for name, cmd in found if cmd is not None and not cmd.hidden]
        if found:
            limit = formatter.width - 6 - max(len(name) for name, _ in found)
            with formatter.section("命令"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in found])
