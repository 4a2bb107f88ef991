"""Experiments at scale: robustness sweeps and tournaments, run anywhere, resumable.

>>> from detente.experiments import Uncertain, plan_chunks
>>> len(plan_chunks(10, 4))
3
"""

from detente.experiments.chunks import Chunk, plan_chunks, unit_seed
from detente.experiments.draws import Choice, Uncertain, draw_values
from detente.experiments.executors import DaskCluster, InProcess, LocalWorkers, open_executor
from detente.experiments.runner import RunOptions, execute, run_experiment
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.store import Manifest, ResultsError, ResultStore
from detente.experiments.summary import summarize
from detente.experiments.sweep import ScenarioModel, Sweep, run_sweep, scenario_sweep

__all__ = [
    "Choice",
    "Chunk",
    "DaskCluster",
    "InProcess",
    "LocalWorkers",
    "Manifest",
    "ResultStore",
    "ResultsError",
    "RunOptions",
    "ScenarioModel",
    "ScenarioText",
    "Sweep",
    "Uncertain",
    "draw_values",
    "execute",
    "open_executor",
    "plan_chunks",
    "run_experiment",
    "run_sweep",
    "scenario_sweep",
    "summarize",
    "unit_seed",
]
