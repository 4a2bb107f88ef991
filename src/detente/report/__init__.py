"""The report a person reads: one self-contained HTML file (or Markdown with PNG files).

Three steps, each its own module: :mod:`~detente.report.data` holds the
result documents of the analyses that ran (:class:`ReportData`, filled by the
producers in :data:`REPORT_PRODUCERS`, :mod:`~detente.report.producers`);
:mod:`~detente.report.sections` turns
them into titled sections with captions computed from the numbers and figures
to draw (:mod:`~detente.report.figures`, matplotlib on the Agg canvas); and
:mod:`~detente.report.render` lays them out with the jinja2 templates shipped
in ``detente/report/templates``.

>>> from pathlib import Path
>>> from detente.scenariofile.loader import load_scenario
>>> scenario = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
>>> report = Report.build(gather(scenario))
>>> [s.key for s in report.sections]
['setting', 'space']
>>> report.sections[1].summary
'Nash puts the deal at MediumDeal, worth 4 to Side A and 5 to Side B.'
"""

from detente.report.data import ReportData, read_sweep
from detente.report.document import FORMATS, Report, write_report
from detente.report.producers import REPORT_PRODUCERS, gather
from detente.report.sections import REPORT_SECTIONS, ReportTable, Section, build_sections

__all__ = [
    "FORMATS",
    "REPORT_PRODUCERS",
    "REPORT_SECTIONS",
    "Report",
    "ReportData",
    "ReportTable",
    "Section",
    "build_sections",
    "gather",
    "read_sweep",
    "write_report",
]
