"""Sphinx configuration: the skxent documentation site and example gallery."""

import re
import sys
from pathlib import Path

import skxent

# sphinx-gallery finds the sort key below by its qualified name, conf.ExampleOrder.
sys.path.insert(0, str(Path(__file__).parent))

# The order a reader takes the examples in; every example must be listed
# (the test suite checks).
EXAMPLE_ORDER = [
    "quickstart.py",
    "plot_proportions_star98.py",
    "plot_model_comparison.py",
    "plot_choosing_alpha.py",
    "plot_lasso_path.py",
    "plot_soft_labels.py",
    "plot_inference.py",
    "plot_dask.py",
]


class ExampleOrder:
    """sphinx-gallery's sort key: the position in ``EXAMPLE_ORDER``."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        return EXAMPLE_ORDER.index(filename)


project = "skxent"
author = "the skxent developers"
copyright = "2026, the skxent developers"
release = skxent.__version__
version = release

extensions = [
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax from the package, not a CDN: the site renders its formulas
    # offline, opened from disk.
    "sphinx-mathjax-offline",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_templates",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
]

# The API reference is generated from the docstrings.
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# Methods inherited from scikit-learn (score, get_params, set_fit_request,
# ...) keep their docstrings, whose cross-references point into scikit-learn's
# own site (its labels and glossary); without network access for
# intersphinx, they are shown as plain text.
_SKLEARN_ROLE = re.compile(r":(?:ref|term):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")


def _sklearn_references_as_text(app, what, name, obj, options, lines):
    if getattr(obj, "__module__", "skxent").startswith("skxent"):
        return
    lines[:] = [
        _SKLEARN_ROLE.sub(lambda match: match.group(1) or match.group(2), line)
        for line in lines
    ]


def setup(app):
    app.connect("autodoc-process-docstring", _sklearn_references_as_text)


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every script in examples/ runs when the site is built: a failing
    # example fails the build.
    "filename_pattern": r"\.py$",
    "within_subsection_order": "conf.ExampleOrder",
    "doc_module": ("skxent",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
}

html_theme = "pydata_sphinx_theme"
html_title = "skxent"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
# The comparison's wide table gets the whole width of the page.
html_sidebars = {"comparison": []}
html_static_path = ["_static"]
html_css_files = ["skxent.css"]
