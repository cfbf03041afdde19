"""Every script in examples/ runs top to bottom, as ``python examples/<name>.py``."""

import runpy
from pathlib import Path

import matplotlib
import pytest
import sklearn

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_the_gallery_orders_every_example():
    conf = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    assert sorted(conf["EXAMPLE_ORDER"]) == sorted(path.name for path in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_example_runs(path, capsys):
    # An example may change scikit-learn's global configuration (metadata
    # routing); config_context restores it.
    with sklearn.config_context():
        runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    figures = [plt.figure(number) for number in plt.get_fignums()]
    plt.close("all")
    assert out.strip()
    if path.stem.startswith("plot_"):
        assert figures, f"{path.name} makes no plot"
        for figure in figures:
            for axes in figure.axes:
                assert axes.get_xlabel() or axes.get_ylabel(), path.name
                assert axes.get_title() or figure.get_suptitle(), path.name
