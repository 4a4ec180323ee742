"""click's own messages in Chinese, from a gettext catalogue shipped in the package (locale/zh_CN).

click marks every text it prints with gettext (`_("Missing option {name}.")`). The catalogue
dibao_cli/locale/zh_CN/LC_MESSAGES/click.po translates them; its compiled form click.mo is committed
beside it (tests/test_cli_i18n.py fails when the two differ or when click has a message the catalogue lacks).
`install()` points click's gettext functions at the catalogue, whatever the computer's language settings.
"""

from __future__ import annotations

import gettext
import importlib
import os
import sys

# a plain path (pathlib is not needed to start `dibao`, and gettext takes a string)
LOCALE = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "locale")
DOMAIN = "click"
# Every click module that calls gettext for text it prints (click loads _winconsole only on Windows).
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.termui", "click.types", "click.utils", "click.shell_completion", "click._termui_impl",
                 *(("click._winconsole",) if sys.platform.startswith("win") else ()))

_installed: gettext.NullTranslations | None = None


def catalogue() -> gettext.NullTranslations:
    """The Chinese catalogue (a pass-through if the package was installed without it)."""
    return gettext.translation(DOMAIN, LOCALE, languages=["zh_CN"], fallback=True)


def install() -> gettext.NullTranslations:
    """Make click print its messages in Chinese (idempotent)."""
    global _installed
    if _installed is None:
        _installed = catalogue()
        for name in CLICK_MODULES:
            try:
                module = importlib.import_module(name)
            except Exception:  # noqa: BLE001 - a module of another platform, or one a future click drops
                continue
            if hasattr(module, "_"):
                module._ = _installed.gettext
            if hasattr(module, "ngettext"):
                module.ngettext = _installed.ngettext
    return _installed


def compile_catalogue() -> bytes:
    """click.po compiled to .mo bytes (Babel, a development dependency; the .mo is committed)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(os.path.join(LOCALE, "zh_CN", "LC_MESSAGES", f"{DOMAIN}.po"), "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


if __name__ == "__main__":  # python -m dibao_cli.cli.messages: recompile click.mo after editing click.po
    with open(os.path.join(LOCALE, "zh_CN", "LC_MESSAGES", f"{DOMAIN}.mo"), "wb") as out:
        out.write(compile_catalogue())
