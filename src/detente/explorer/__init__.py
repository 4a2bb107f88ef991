"""The explorer: ``detente serve``, a local web app for what-ifs on a scenario.

Pure parts, testable without a browser: :mod:`~detente.explorer.state` (the view's values as
URL, ``--set`` line and YAML), :mod:`~detente.explorer.evaluation` (a view analysed and cached),
:mod:`~detente.explorer.figures` (Plotly figures), :mod:`~detente.explorer.sweep` (a sweep's
claim shares, brushed). :mod:`~detente.explorer.layout` and :mod:`~detente.explorer.app` make
the Dash page and serve it. Dash and Plotly come with the ``explorer`` extra
(``pip install 'detente[explorer]'``).
"""
