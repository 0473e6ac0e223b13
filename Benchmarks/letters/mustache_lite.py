"""A small Mustache renderer (variables, {{{raw}}}/{{&raw}}, sections, inverted sections,
dotted names, comments) for the benchmark's WeasyPrint run, so the HTML WeasyPrint sees is the
same merge Herald makes. Standard library only."""
import html
import re

_TAG = re.compile(r'\{\{(\{)?\s*([#^/&!]?)\s*([^}]*?)\s*\}?\}\}')


def _lookup(stack, name):
    if name == '.':
        return stack[-1]
    parts = name.split('.')
    for ctx in reversed(stack):
        if isinstance(ctx, dict) and parts[0] in ctx:
            value = ctx[parts[0]]
            for part in parts[1:]:
                value = value.get(part) if isinstance(value, dict) else None
            return value
    return None


def _parse(template):
    """Returns a tree: list of str | ('var', name, escape) | ('sec', name, inverted, children)."""
    root, stack, pos = [], [], 0
    current = root
    for m in _TAG.finditer(template):
        current.append(template[pos:m.start()])
        pos = m.end()
        triple, kind, name = m.group(1), m.group(2), m.group(3)
        if kind == '!':
            continue
        if kind in ('#', '^'):
            node = ('sec', name, kind == '^', [])
            current.append(node)
            stack.append((name, current))
            current = node[3]
        elif kind == '/':
            if not stack or stack[-1][0] != name:
                raise ValueError(f'unbalanced section close {{{{/{name}}}}}')
            current = stack.pop()[1]
        else:
            current.append(('var', name, not (triple or kind == '&')))
    if stack:
        raise ValueError(f'unclosed section {{{{#{stack[-1][0]}}}}}')
    current.append(template[pos:])
    return root


def _render(nodes, stack, out):
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == 'var':
            value = _lookup(stack, node[1])
            if value is None or value is False:
                continue
            text = str(value) if not isinstance(value, bool) else 'true'
            out.append(html.escape(text) if node[2] else text)
        else:
            _, name, inverted, children = node
            value = _lookup(stack, name)
            falsy = value is None or value is False or value == [] or value == ''
            if inverted:
                if falsy:
                    _render(children, stack, out)
            elif not falsy:
                for item in (value if isinstance(value, list) else [value]):
                    _render(children, stack + [item], out)


class Template:
    def __init__(self, text):
        self.tree = _parse(text)

    def render(self, data):
        out = []
        _render(self.tree, [data], out)
        return ''.join(out)
