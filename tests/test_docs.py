"""The documentation's code runs, and the numbers it quotes hold.

Every Python block of README.md and docs/*.rst (``code-block:: python``,
``code:: python``, ``sourcecode:: python`` and ``::`` literal blocks, which
Sphinx highlights as Python; README's ```` ```python ```` fences) runs here,
the blocks of a page in order in one namespace, as a reader would type them.
Shell blocks are not run. A block that cannot run here says why just
before it (``.. skip-test: reason`` in reST, ``<!-- skip-test: reason -->``
in Markdown) and is reported as skipped; a block that needs an optional
package (dask, statsmodels, ...) is skipped where it is missing.
"""

import contextlib
import io
import re
import textwrap
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from skxent._link import Cloglog, Logit, Probit

ROOT = Path(__file__).resolve().parent.parent
# sg_execution_times.rst is written by sphinx-gallery, not by hand.
PAGES = [ROOT / "README.md"] + sorted(
    page
    for page in (ROOT / "docs").glob("*.rst")
    if page.name != "sg_execution_times.rst"
)
PYTHON = {"python", "python3", "py", ""}
SHELL = {"bash", "sh", "shell", "console", "text", "none"}
# What a block may import that the test extra may lack.
OPTIONAL = {"dask", "distributed", "glum", "statsmodels", "pandas", "matplotlib"}

RST_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode)::\s*(\S*)\s*$")
RST_SKIP = re.compile(r"^\s*\.\. skip-test:\s*(.+?)\s*$")
MARKDOWN_FENCE = re.compile(r"^```(\S*)\s*$")
MARKDOWN_SKIP = re.compile(r"^<!-- skip-test:\s*(.+?)\s*-->$")


class Block(NamedTuple):
    """A code block: where it starts, its language, its code, why it is skipped."""

    line: int
    language: str
    code: str
    skip: str | None


def _indent(line):
    return len(line) - len(line.lstrip())


def _indented_body(lines, start, indent):
    """Return the lines from ``start`` indented deeper than ``indent``, dedented."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    body = [line for line in lines[start:end] if not line.lstrip().startswith(":")]
    return textwrap.dedent("\n".join(body)).strip("\n")


def _previous_text(lines, index):
    """Return the nearest non-blank line before ``index``, or ''."""
    for line in reversed(lines[:index]):
        if line.strip():
            return line
    return ""


def rst_blocks(text):
    """Return the code blocks of a reST page."""
    lines = text.splitlines()
    blocks = []
    for index, line in enumerate(lines):
        directive = RST_DIRECTIVE.match(line)
        literal = line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        if not (directive or literal):
            continue
        skip = RST_SKIP.match(_previous_text(lines, index))
        language = directive.group(2) if directive else "python"
        code = _indented_body(lines, index + 1, _indent(line))
        blocks.append(Block(index + 1, language, code, skip and skip.group(1)))
    return blocks


def markdown_blocks(text):
    """Return the fenced code blocks of a Markdown page."""
    lines = text.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        fence = MARKDOWN_FENCE.match(lines[index])
        if fence and fence.group(1):
            end = lines.index("```", index + 1)
            skip = MARKDOWN_SKIP.match(_previous_text(lines, index))
            code = "\n".join(lines[index + 1 : end])
            blocks.append(
                Block(index + 1, fence.group(1), code, skip and skip.group(1))
            )
            index = end
        index += 1
    return blocks


def blocks_of(page):
    text = page.read_text(encoding="utf-8")
    return markdown_blocks(text) if page.suffix == ".md" else rst_blocks(text)


def _name(page):
    return str(page.relative_to(ROOT))


def test_every_block_is_python_or_shell():
    """Each block is run or declared a shell block: none is silently left out."""
    languages = {
        (_name(page), block.line, block.language)
        for page in PAGES
        for block in blocks_of(page)
        if block.language not in PYTHON | SHELL
    }
    assert not languages, f"blocks of no known language: {sorted(languages)}"


def test_blocks_are_found():
    found = {_name(page): len(blocks_of(page)) for page in PAGES}
    assert found["README.md"] >= 3
    assert found["docs/getting_started.rst"] >= 4


@pytest.mark.parametrize("page", PAGES, ids=_name)
# check_estimator warns that it skips the array API check without array-api-strict.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_python_blocks_run(page, tmp_path, monkeypatch):
    """Run a page's Python blocks in order, in one namespace."""
    blocks = [block for block in blocks_of(page) if block.language in PYTHON]
    if not blocks:
        pytest.skip("no Python blocks")
    if all(block.skip for block in blocks):
        pytest.skip("; ".join(f"line {block.line}: {block.skip}" for block in blocks))
    monkeypatch.chdir(tmp_path)  # nothing a block writes lands in the clone
    namespace = {"__name__": "__docs__"}
    skipped = []
    for block in blocks:
        if block.skip:
            skipped.append(f"line {block.line}: {block.skip}")
            continue
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                exec(
                    compile(block.code, f"{_name(page)}:{block.line}", "exec"),
                    namespace,
                )
        except ModuleNotFoundError as error:
            if (error.name or "").split(".")[0] not in OPTIONAL:
                raise
            pytest.skip(f"line {block.line} needs {error.name}")
        print(f"{_name(page)}:{block.line}\n{output.getvalue()}")
    if skipped:
        print("not run:", *skipped, sep="\n  ")


# ------------------------------------------------------------ quoted numbers


def faq_bound_table():
    """Return ``{link: (to 1 above, to 0 below, float32 ..., ...)}`` from the FAQ."""
    text = (ROOT / "docs" / "faq.rst").read_text(encoding="utf-8")
    section = text[text.index(".. _bounds:") :]
    rows = re.findall(r"\* - (logit|probit|cloglog)\n((?:\s+- \S+\n){4})", section)
    return {
        link: tuple(float(value) for value in re.findall(r"- (\S+)", values))
        for link, values in rows
    }


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda t: t.__name__)
@pytest.mark.parametrize("link", [Logit(), Probit(), Cloglog()], ids=type)
def test_faq_bounds_are_where_probabilities_round(link, dtype):
    """The FAQ's table: beyond its values of eta the probability is exactly 1 or 0.

    The quoted values are rounded to three digits: 1% beyond them the
    probability is the bound, 1% short of them it is not.
    """
    column = 0 if dtype == np.float64 else 2
    name = type(link).__name__.lower()
    to_one, to_zero = faq_bound_table()[name][column : column + 2]
    for quoted, bound in ((to_one, 1.0), (to_zero, 0.0)):
        beyond, short = np.array([quoted * 1.01, quoted * 0.99], dtype=dtype)
        assert link.inverse(beyond) == bound
        assert link.inverse(short) != bound


def comparison_glum_table():
    """Return the comparison page's glum rows: solver, tolerance, iterations, error."""
    text = (ROOT / "docs" / "comparison.rst").read_text(encoding="utf-8")
    section = text[text.index("On star98 (``alpha=0``, trials as weights), glum") :]
    rows = re.findall(
        r"\* - (irls-ls|irls-cd|lbfgs)\b.*\n\s+- (\S+).*\n\s+- (\d+).*\n\s+- (\S+)",
        section,
    )
    return [
        (solver, None if tol == "default" else float(tol), int(n_iter), float(off))
        for solver, tol, n_iter, off in rows
    ]


# glum's coordinate descent warns, at its default tolerance, of its inner loop.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_comparison_glum_on_star98(star98):
    """Refit the comparison page's glum rows on star98.

    Except lbfgs's 1000 iterations: the benchmark suite's case d runs them.
    """
    glum = pytest.importorskip("glum")
    sm = pytest.importorskip("statsmodels.api")
    page = (ROOT / "docs" / "comparison.rst").read_text(encoding="utf-8")
    if f"glum {glum.__version__}" not in page:
        pytest.skip(f"the page quotes another glum than {glum.__version__}")
    X, y, weights = (np.asarray(data, dtype=float) for data in star98)
    optimum = (
        sm.GLM(
            y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=weights
        )
        .fit(tol=1e-12)
        .params
    )
    rows = comparison_glum_table()
    assert len(rows) == 5
    for solver, gradient_tol, n_iter, off in rows:
        if solver == "lbfgs":
            continue
        model = glum.GeneralizedLinearRegressor(
            family="binomial", alpha=0, solver=solver, gradient_tol=gradient_tol
        ).fit(X, y, sample_weight=weights)
        params = np.r_[model.intercept_, model.coef_]
        measured = np.max(np.abs(params / optimum - 1))
        print(f"glum {solver}, {gradient_tol}: {model.n_iter_} it, {measured:.2e}")
        assert model.n_iter_ == n_iter
        assert measured == pytest.approx(off, rel=0.1)
