"""Formatting-preserving edits of a call's argument list and of plain string literals."""

from __future__ import annotations

import libcst as cst

_QUOTES = ('"""', "'''", '"', "'")


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def preferred_quote(call: cst.Call) -> str:
    """The quote character the call's first plain string literal uses (default ``"``)."""
    for arg in call.args:
        if isinstance(arg.value, cst.SimpleString) and plain_string_parts(arg.value) is not None:
            return arg.value.quote[0]
    return '"'


def plain_string_parts(node: cst.BaseExpression) -> tuple[str, str, str] | None:
    """(prefix, quote, body) of a str literal whose body has no escapes, else None.

    Only such literals can be rewritten by editing their text without changing what they mean.
    """
    if not isinstance(node, cst.SimpleString):
        return None
    prefix = node.prefix.lower()
    if "b" in prefix:
        return None
    quote = next(q for q in _QUOTES if node.value[len(node.prefix) :].startswith(q))
    body = node.value[len(node.prefix) + len(quote) : -len(quote)]
    if "\\" in body or "\n" in body or node.evaluated_value != body:
        return None
    return node.prefix, quote, body


def with_body(node: cst.SimpleString, body: str) -> cst.SimpleString:
    parts = plain_string_parts(node)
    assert parts is not None, "only plain literals are rewritten"
    prefix, quote, _ = parts
    return node.with_changes(value=f"{prefix}{quote}{body}{quote}")


def append_keyword(call: cst.Call, name: str, value: cst.BaseExpression, comment: str | None) -> cst.Call:
    """Append ``name=value`` as the call's last argument, following the call's layout.

    When the closing parenthesis sits on its own line, the new keyword gets its own line with the
    indentation of the previous argument (and ``comment`` at its end); otherwise it is appended
    inline and the caller places ``comment`` at the end of the line.
    """
    new_arg = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    tail = _tail(last)
    separator: cst.BaseParenthesizableWhitespace
    new_tail: cst.BaseParenthesizableWhitespace
    if isinstance(tail, cst.ParenthesizedWhitespace):
        separator, new_tail = _own_line_layout(call, tail, comment)
    else:
        separator, new_tail = cst.SimpleWhitespace(" "), tail
    if isinstance(last.comma, cst.Comma):
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
        new_arg = new_arg.with_changes(comma=last.comma.with_changes(whitespace_after=new_tail))
    else:
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=separator), whitespace_after_arg=cst.SimpleWhitespace("")
        )
        new_arg = new_arg.with_changes(whitespace_after_arg=new_tail)
    return call.with_changes(args=[*args, new_arg])


def closes_on_own_line(call: cst.Call) -> bool:
    """Whether a line break separates the last argument from the closing parenthesis."""
    return bool(call.args) and isinstance(_tail(call.args[-1]), cst.ParenthesizedWhitespace)


def replace_arg_value(call: cst.Call, target: cst.Arg, value: cst.BaseExpression) -> cst.Call:
    return call.with_changes(args=[arg.with_changes(value=value) if arg is target else arg for arg in call.args])


def _tail(arg: cst.Arg) -> cst.BaseParenthesizableWhitespace:
    return arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else arg.whitespace_after_arg


def _own_line_layout(
    call: cst.Call, tail: cst.ParenthesizedWhitespace, comment: str | None
) -> tuple[cst.BaseParenthesizableWhitespace, cst.ParenthesizedWhitespace]:
    """Separator before the new argument and the whitespace after it, for a call closed on its own line."""
    previous_comma = call.args[-2].comma if len(call.args) > 1 else None
    before_last = previous_comma.whitespace_after if isinstance(previous_comma, cst.Comma) else call.whitespace_before_args
    if isinstance(before_last, cst.ParenthesizedWhitespace):
        # The last argument's own line keeps its comment; the new argument starts a line indented like it.
        separator: cst.BaseParenthesizableWhitespace = tail.with_changes(
            indent=before_last.indent, last_line=before_last.last_line
        )
        first_line = cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  " if comment else ""),
            comment=cst.Comment(comment) if comment else None,
        )
        return separator, tail.with_changes(first_line=first_line, empty_lines=())
    # Arguments share a line and only the parenthesis is on the next: stay on that line.
    return cst.SimpleWhitespace(" "), tail.with_changes(first_line=add_comment(tail.first_line, comment))


def add_comment(trailing: cst.TrailingWhitespace, comment: str | None) -> cst.TrailingWhitespace:
    if comment is None:
        return trailing
    if trailing.comment is None:
        return trailing.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment))
    return trailing.with_changes(comment=cst.Comment(f"{trailing.comment.value}  {comment}"))
