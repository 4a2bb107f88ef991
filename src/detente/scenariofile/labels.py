"""The ``label:`` field: a short display name on issues, items, parameters, positions and claims.

A label is what a reader sees in place of an id (``un_relief`` → "UN sanctions relief"): one
line of text, at most :data:`LONGEST` characters; the longer explanation belongs in
``description:``. :func:`declared_labels` gathers a file's labels by kind for the
:class:`~detente.scenario.Scenario`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

LONGEST = 60
"""The most characters a label may have: it names a thing in a table header or a sentence."""


def one_line(text: str) -> str:
    """A label as written, refused when empty, on several lines or too long.

    >>> one_line("  UN sanctions relief ")
    'UN sanctions relief'
    >>> one_line("UN sanctions\\nrelief")
    Traceback (most recent call last):
    ValueError: a label is one line of text; put the explanation in `description:`
    """
    label = text.strip()
    if not label:
        raise ValueError("a label may not be empty; leave it out to show the id")
    if "\n" in label or "\r" in label:
        raise ValueError("a label is one line of text; put the explanation in `description:`")
    if len(label) > LONGEST:
        raise ValueError(
            f"a label has at most {LONGEST} characters (this one has {len(label)}); "
            "put the explanation in `description:`"
        )
    return label


Label = Annotated[
    str,
    AfterValidator(one_line),
    Field(
        description=f"Short display name (one line, at most {LONGEST} characters) shown in "
        "place of the id in tables, reports and the explorer; default: the id with "
        "underscores as spaces."
    ),
]
"""The type of a ``label:`` field."""
