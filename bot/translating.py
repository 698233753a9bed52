"""Translate a template's sentences once, when it is compiled, instead of at every render.

Jinja2's i18n extension turns ``{% trans %}…{% endtrans %}`` and ``_("…")`` into gettext calls made at
render time: a look-up, escaping in HTML and ``%`` formatting, sentence after sentence, message after
message. Our environments are built per language and format (``bot.render._environment``), so the catalog
is known when a template is compiled: ``TranslatingEnvironment`` replaces each call whose message is a
literal by the translated text itself, split into literal pieces and the block's variables. A translated
template then runs as fast as one written in that language.

The result is what the runtime calls give (they stay installed for a message that is not a literal):
- in HTML the translation is escaped and so are the variables (``Markup(translation) % variables``);
- ``%%`` is a percent sign, ``%(name)s`` a variable (newstyle gettext formats every message, with or
  without variables);
- a plural picks its form with the catalog's plural rule at render time, the forms themselves translated
  once.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.visitor import NodeTransformer
from markupsafe import escape

PLACEHOLDER = re.compile(r"%(?:(%)|\((\w+)\)s)")
GETTEXT = frozenset({"gettext", "_"})
PLURAL_RULE = "_plural_form"  # the global a plural's test calls


class TranslatingEnvironment(Environment):
    """An ``Environment`` whose templates are compiled with ``catalog``'s translations inlined."""

    catalog: gettext.NullTranslations = gettext.NullTranslations()

    def translate_with(self, catalog: gettext.NullTranslations) -> None:
        self.catalog = catalog
        self.globals[PLURAL_RULE] = plural_rule(catalog)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        inliner = _Inliner(self.catalog, html=bool(self.autoescape), name=name, filename=filename)
        return inliner.visit(tree)  # type: ignore[no-any-return]


def plural_rule(catalog: gettext.NullTranslations) -> Callable[[int], int]:
    """The index of the plural form for a count: the catalog's rule, or English's for the source language."""
    rule = getattr(catalog, "plural", None)
    return rule if callable(rule) else (lambda n: int(n != 1))


class _Inliner(NodeTransformer):
    def __init__(
        self, catalog: gettext.NullTranslations, *, html: bool, name: str | None, filename: str | None
    ) -> None:
        self.catalog, self.html, self.name, self.filename = catalog, html, name, filename
        self.rule = plural_rule(catalog)
        self.examples: dict[int, int] = {}  # each plural form -> the smallest count of that form
        for n in range(200, -1, -1):
            self.examples[self.rule(n)] = n
        self.english_rule = all(self.rule(n) == int(n != 1) for n in range(201))

    def visit_Output(self, node: nodes.Output) -> list[nodes.Node]:
        """A ``{% trans %}`` block (or ``{{ _("…") }}``) becomes template text and variables in the output;
        a plural becomes an ``{% if %}`` choosing between its forms, each written out the same way."""
        statements: list[nodes.Node] = []
        out: list[nodes.Expr] = []
        for child in node.nodes:
            pieces = self._singular(child)
            if pieces is not None:
                self._write(out, pieces, child.lineno)
                continue
            plural = self._plural(child) if isinstance(child, nodes.Call) else None
            if plural is None:
                out.append(self.visit(child))
                continue
            if out:
                statements.append(nodes.Output(out, lineno=node.lineno))
                out = []
            count, forms = plural
            statements.extend(self._choose(count, [[self._output(f, child.lineno)] for f in forms], child.lineno))
        if out or not statements:
            statements.append(nodes.Output(out, lineno=node.lineno))
        return statements

    def visit_Call(self, node: nodes.Call) -> nodes.Expr:
        """A call inside an expression (``_("…")|bold``) becomes the translated value."""
        pieces = self._singular(node)
        if pieces is not None:
            return self._value(pieces, node.lineno)
        plural = self._plural(node)
        if plural is not None:
            count, forms = plural
            values = [self._value(f, node.lineno) for f in forms]
            expr = values[-1]
            for form in range(len(values) - 2, -1, -1):
                expr = nodes.CondExpr(self._test(count, form, node.lineno), values[form], expr, lineno=node.lineno)
            return expr
        return self.generic_visit(node)  # type: ignore[return-value]

    # -- the translations ------------------------------------------------------------------------------

    def _singular(self, node: nodes.Node) -> list[str | nodes.Expr] | None:
        if not (_called(node, GETTEXT) and len(node.args) == 1 and _literal(node.args[0])):  # type: ignore[attr-defined]
            return None
        call: nodes.Call = node  # type: ignore[assignment]
        self.generic_visit(call)
        message = self.catalog.gettext(call.args[0].value)  # type: ignore[attr-defined]
        return self._pieces(message, _variables(call), call.lineno)

    def _plural(self, call: nodes.Call) -> tuple[nodes.Expr, list[list[str | nodes.Expr]]] | None:
        """The count and the translated forms (in the order of the catalog's plural rule) of an ngettext call."""
        if not (
            _called(call, {"ngettext"}) and len(call.args) == 3 and _literal(call.args[0]) and _literal(call.args[1])
        ):
            return None
        self.generic_visit(call)
        singular, plural, count = call.args[0].value, call.args[1].value, call.args[2]  # type: ignore[attr-defined]
        variables = {"num": count, **_variables(call)}
        forms = [
            self._pieces(self.catalog.ngettext(singular, plural, n), variables, call.lineno)
            for _, n in sorted(self.examples.items())
        ]
        return count, forms

    def _choose(self, count: nodes.Expr, bodies: list[list[nodes.Node]], lineno: int) -> list[nodes.Node]:
        """``{% if <count is of form 0> %}…{% elif … %}…{% else %}…{% endif %}``."""
        if len(bodies) == 1:
            return bodies[0]  # one form (a language without plurals)
        first, *others = [
            nodes.If(self._test(count, form, lineno), body, [], [], lineno=lineno)
            for form, body in enumerate(bodies[:-1])
        ]
        first.elif_, first.else_ = others, bodies[-1]
        return [first]

    def _test(self, count: nodes.Expr, form: int, lineno: int) -> nodes.Expr:
        if self.english_rule:  # one and many, as in English (and our source language): no call at render time
            return nodes.Compare(count, [nodes.Operand("eq" if form == 0 else "ne", nodes.Const(1))], lineno=lineno)
        which = nodes.Call(nodes.Name(PLURAL_RULE, "load"), [count], [], None, None, lineno=lineno)
        return nodes.Compare(which, [nodes.Operand("eq", nodes.Const(form))], lineno=lineno)

    def _write(self, out: list[nodes.Expr], pieces: list[str | nodes.Expr], lineno: int) -> None:
        for piece in pieces:
            if isinstance(piece, str):
                text = str(escape(piece)) if self.html else piece
                if out and isinstance(out[-1], nodes.TemplateData):
                    out[-1] = nodes.TemplateData(out[-1].data + text, lineno=lineno)
                else:
                    out.append(nodes.TemplateData(text, lineno=lineno))
            else:
                out.append(piece)

    def _output(self, pieces: list[str | nodes.Expr], lineno: int) -> nodes.Output:
        out: list[nodes.Expr] = []
        self._write(out, pieces, lineno)
        return nodes.Output(out, lineno=lineno)

    def _pieces(self, message: str, variables: dict[str, nodes.Expr], lineno: int) -> list[str | nodes.Expr]:
        """``"hạn %(due)s, đạt %(p)s%%"`` -> ``["hạn ", <due>, ", đạt ", <p>, "%"]``."""
        pieces: list[str | nodes.Expr] = []
        text, at = "", 0
        for match in PLACEHOLDER.finditer(message):
            text += message[at : match.start()] + ("%" if match.group(1) else "")
            at = match.end()
            if match.group(2):
                if match.group(2) not in variables:
                    raise self._error(
                        f"the translation {message!r} names {match.group(2)!r}, which the sentence lacks", lineno
                    )
                pieces += [text, variables[match.group(2)]] if text else [variables[match.group(2)]]
                text = ""
        if "%" in message[at:]:
            raise self._error(f"a lone % in {message!r} (write %% for a percent sign)", lineno)
        text += message[at:]
        return [*pieces, text] if text else pieces

    def _error(self, message: str, lineno: int) -> TemplateSyntaxError:
        return TemplateSyntaxError(message, lineno, self.name, self.filename)

    def _value(self, pieces: list[str | nodes.Expr], lineno: int) -> nodes.Expr:
        """The pieces as one value: a string in text, Markup in HTML (the text escaped, like the calls')."""
        if all(isinstance(p, str) for p in pieces):
            return self._text("".join(pieces), lineno)  # type: ignore[arg-type]
        return nodes.Concat([self._text(p, lineno) if isinstance(p, str) else p for p in pieces], lineno=lineno)

    def _text(self, text: str, lineno: int) -> nodes.Expr:
        if self.html:
            return nodes.MarkSafe(nodes.Const(str(escape(text))), lineno=lineno)
        return nodes.Const(text, lineno=lineno)


def _called(node: nodes.Node, names: frozenset[str] | set[str]) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name in names
        and node.dyn_args is None
        and node.dyn_kwargs is None
    )


def _literal(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, str)


def _variables(call: nodes.Call) -> dict[str, nodes.Expr]:
    return {keyword.key: keyword.value for keyword in call.kwargs}
