"""The notice template rendered in one pass over many notices, cut into each notice's part.

When the template is `prefix {% for n in notices %}body{% endfor %} suffix` with a body that depends only on
its notice, a household's own file is the frame (prefix and suffix) around its part of the combined file,
and each notice is rendered once.
"""

from __future__ import annotations


class Positioned:
    """The `notices` list a template loops over, handed out one at a time: the writer knows which notice
    each piece of output belongs to, and each notice gets the template limits afresh."""

    def __init__(self, items: list[dict], env, first: dict | None = None, length: int | None = None):
        self.items = items
        self.env = env
        self.first = first
        self.length = len(items) if length is None else length
        self.position = -1

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if self.first is not None:
            if index == 0 or (index == -1 and self.length == 1):
                return self.first
            raise IndexError(index)
        return self.items[index]

    def __iter__(self):
        for i, item in enumerate(self.items):
            self.position = i
            self.env.reset_limits()
            yield item
        self.position = len(self.items)


def separable(templates, name: str) -> tuple[bool, tuple | None]:
    """True when the notice template is `prefix {% for n in notices %}body{% endfor %} suffix`, with a body
    that depends only on its notice: then a household's own file is its prefix, its body from the combined
    file and its suffix, and each notice is rendered once."""
    from jinja2 import nodes

    from dibao_cli.documents.sandbox import LOOP_FILTER

    env = templates.env(True)
    try:
        tree = _inlined(env, env.parse(env.loader.get_source(env, name)[0]), 0)
    except Exception:  # noqa: BLE001 - any doubt: render each notice in full
        return False, None
    if tree is None or any(True for _ in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport,
                                                        nodes.NSRef, nodes.Block))):
        return False, None

    def unwrap(node):
        return node.node if isinstance(node, nodes.Filter) and node.name == LOOP_FILTER else node

    loops = [f for f in tree.find_all(nodes.For) if isinstance(unwrap(f.iter), nodes.Name) and unwrap(f.iter).name == "notices"]
    if len(loops) != 1:
        return False, None
    loop = loops[0]
    if loop.recursive or loop.test is not None or loop.else_ or not isinstance(loop.target, nodes.Name):
        return False, None
    if loop not in tree.body:  # not inside a condition, macro or another loop
        return False, None
    # outside the loop, `notices` only as notices|length, notices|count or notices[number]
    allowed_uses = set()
    for f in tree.find_all(nodes.Filter):
        if f.name in ("length", "count") and isinstance(f.node, nodes.Name) and f.node.name == "notices":
            allowed_uses.add(id(f.node))
    fields: set | None = set()
    first_items = set()
    for g in tree.find_all(nodes.Getitem):
        if isinstance(g.node, nodes.Name) and g.node.name == "notices" and isinstance(g.arg, nodes.Const) \
                and g.arg.value == 0:
            allowed_uses.add(id(g.node))
            first_items.add(id(g))
    used_fields = {id(a.node): a.attr for a in tree.find_all(nodes.Getattr) if id(a.node) in first_items}
    for g in tree.find_all(nodes.Getitem):
        if id(g) in first_items:
            if id(g) in used_fields and g.arg.value == 0:
                fields.add(used_fields[id(g)])
            else:
                fields = None
                break
    in_body = {id(n) for child in loop.body for n in child.find_all(nodes.Name)}
    for n in tree.find_all(nodes.Name):
        if n.name == "notices" and id(n) != id(unwrap(loop.iter)) and (id(n) in in_body or id(n) not in allowed_uses):
            return False, None
    # the body reads only its notice, names it sets itself, `loop` of its own inner loops, globals, and names
    # nothing sets (undefined in every render alike, e.g. `recipient | default(n.head_name)`)
    stored = {loop.target.name} | set(env.globals)
    for child in loop.body:
        for n in child.find_all(nodes.Name):
            if n.ctx in ("store", "param"):
                stored.add(n.name)
        for m in child.find_all(nodes.Macro):
            stored.add(m.name)
    body_names = {id(n) for child in loop.body for n in child.find_all((nodes.Name, nodes.Macro))}
    set_outside = {n.name for n in tree.find_all((nodes.Name, nodes.Macro)) if id(n) not in body_names
                   and (isinstance(n, nodes.Macro) or n.ctx in ("store", "param"))}

    def check(node, inner_loop: bool) -> bool:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name == "loop":
                return inner_loop
            return node.name in stored or (node.name not in set_outside and node.name != "notices")
        if isinstance(node, nodes.For):
            return (check(node.iter, inner_loop) and (node.test is None or check(node.test, True))
                    and all(check(c, True) for c in node.body) and all(check(c, inner_loop) for c in node.else_))
        return all(check(c, inner_loop) for c in node.iter_child_nodes())

    if not all(check(c, False) for c in loop.body):
        return False, None
    return True, (tuple(sorted(fields)) if fields is not None else None)


def sections(templates, name: str, notices: list[dict], on_section, on_outside) -> None:
    """Render the notice template over `notices` in one pass: on_section(i, body) for each notice in order
    (its part of the output), on_outside(text) for what the template writes before and after its loop."""
    from dibao_cli.documents.sandbox import MAX_OUTPUT, too_much_output

    env = templates.env(True)
    seq = Positioned(notices, env)
    n = len(notices)
    owner, done, count = -1, 0, 0
    buffer: list[str] = []
    append = buffer.append

    def flush(upto: int) -> None:
        nonlocal done
        text = "".join(buffer)
        if 0 <= owner < n:
            on_section(owner, text)
            done = owner + 1
        else:
            on_outside(text)
        while done < min(upto, n):  # notices whose part of the output is empty
            on_section(done, "")
            done += 1

    env.reset_limits()
    try:
        pieces = templates.get(name, True).generate(notices=seq)
        for piece in pieces:
            if seq.position != owner:
                flush(seq.position)
                owner, count = seq.position, 0
                buffer.clear()
            append(piece)
            count += 1
            if not count & 63 and sum(map(len, buffer)) > MAX_OUTPUT:
                pieces.throw(too_much_output())  # raised where the template is writing: its line is known
        flush(n)
    except Exception as exc:  # noqa: BLE001 - sorted by templates.failure
        raise templates.failure(exc, name) from None


def _inlined(env, node, depth: int):
    """The template with each `{% include "name" %}` replaced by the included template's body (for the
    analysis only), or None where an include is not a plain one."""
    from jinja2 import nodes

    if depth > 8:
        return None
    for field in node.fields:
        value = getattr(node, field)
        if isinstance(value, nodes.Node):
            if _inlined(env, value, depth) is None:
                return None
        elif isinstance(value, list):
            out = []
            for child in value:
                if isinstance(child, nodes.Include):
                    if not (isinstance(child.template, nodes.Const) and isinstance(child.template.value, str)) \
                            or child.ignore_missing or not child.with_context:
                        return None
                    sub = _inlined(env, env.parse(env.loader.get_source(env, child.template.value)[0]), depth + 1)
                    if sub is None:
                        return None
                    out.extend(sub.body)
                elif isinstance(child, nodes.Node):
                    if _inlined(env, child, depth) is None:
                        return None
                    out.append(child)
                else:
                    out.append(child)
            setattr(node, field, out)
    return node


class Frames:
    """What the template writes around one notice's part in that notice's own file (cached by the fields the
    template reads there, e.g. the title)."""

    def __init__(self, templates, name: str, fields):
        self.templates, self.name, self.fields = templates, name, fields
        self.cache: dict = {}

    def __call__(self, notice: dict, length: int = 1) -> tuple[str, str]:
        key = (length, *(str(notice.get(f)) for f in self.fields)) if self.fields is not None else None
        if key is not None and key in self.cache:
            return self.cache[key]
        outer = Positioned([], self.templates.env(True), first=notice, length=length)
        before, after = [], []
        for piece in self.templates.stream(self.name, True, notices=outer):
            (before if outer.position < 0 else after).append(piece)
        result = "".join(before), "".join(after)
        if key is not None:
            self.cache[key] = result
        return result


class EncodedFrames:
    """Frames, as UTF-8 bytes."""

    def __init__(self, frame):
        self.frame = frame
        self.cache: dict = {}

    def __call__(self, notice: dict) -> tuple[bytes, bytes]:
        head, tail = self.frame(notice)
        key = (head, tail)
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) > 64:
                self.cache.clear()
            found = self.cache[key] = (head.encode("utf-8"), tail.encode("utf-8"))
        return found
