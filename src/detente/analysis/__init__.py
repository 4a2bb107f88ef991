"""The analysis layer: one pipeline from a scenario to its typed result documents.

:func:`analyze` returns the ``analyze --json`` document; :func:`run` the typed
:class:`~detente.analysis.documents.AnalyzeDocument` it is rendered from. The
pipeline and its steps are described in :mod:`detente.analysis.pipeline`;
the documents of every command in :mod:`detente.analysis.documents`.
"""

from detente.analysis.documents import AnalyzeDocument
from detente.analysis.pipeline import analyze, run

__all__ = ["AnalyzeDocument", "analyze", "run"]
