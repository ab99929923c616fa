"""The documentation site: its link hook, the notebooks executed, and ``mkdocs build --strict``."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((DOCS / "notebooks").glob("*.py"))


def _docs_module(name: str, needs: str):
    """A module of ``docs/_hooks/`` (the site's build code), skipped without the [docs] extra."""
    pytest.importorskip(needs, reason="the [docs] extra is not installed")
    spec = importlib.util.spec_from_file_location(f"docs_hooks_{name}", DOCS / "_hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _links_hook():
    return _docs_module("github_markdown", needs="mkdocs")


def test_sphinx_roles_in_docstrings_show_as_code():
    module = _docs_module("sphinx_roles", needs="griffe")
    text = "See :func:`run`, :class:`~desmig_sim.model.agents.Household` and :mod:`desmig_sim.rules`."
    assert module.strip_roles(text) == "See `run`, `Household` and `desmig_sim.rules`."


def _site_env() -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        env=_site_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_links_to_repository_files_become_site_pages():
    hook = _links_hook()
    rewrite = hook.rewrite_link
    assert rewrite("guide", "../CONTRIBUTING.md", "", DOCS) == "[guide](contributing.md)"
    assert rewrite("log", "../../CHANGELOG.md#unreleased", "api", DOCS) == "[log](../changelog.md#unreleased)"
    assert rewrite("benchmarks/README.md", "../benchmarks/README.md", "", DOCS) == "`benchmarks/README.md`"
    assert rewrite("the notes", "../benchmarks/README.md", "", DOCS) == "the notes (`benchmarks/README.md`)"
    for kept in ("odd.md#31-implementation-details", "https://example.org/x.md", "#local"):
        assert rewrite("x", kept, "", DOCS) is None


def test_lists_written_for_github_render_as_lists():
    hook = _links_hook()
    after_text = "Some text:\n- one\n- two\n"
    assert hook.sane_lists(after_text) == "Some text:\n\n- one\n- two\n"
    nested = "9. Item:\n   - a\n     more\n   - b\n10. Next\n"
    assert hook.sane_lists(nested) == "9. Item:\n\n    - a\n      more\n    - b\n\n10. Next\n"
    in_text = "9. Item\n   text:\n   - a\n"
    assert hook.sane_lists(in_text) == "9. Item\n   text:\n\n    - a\n"
    fenced = "```\ntext\n- not a list\n```\n"
    assert hook.sane_lists(fenced) == fenced
    already = "Text.\n\n- one\n  cont\n- two\n"
    assert hook.sane_lists(already) == already


def test_pending_pages_are_text_only_while_absent(tmp_path):
    hook = _links_hook()
    page = next(iter(hook.PENDING), None)
    if page is None:
        pytest.skip("no page is pending")
    assert hook.rewrite_link("the checks", page, "", tmp_path) == "the checks"
    (tmp_path / page).write_text("# written\n", encoding="utf-8")
    assert hook.rewrite_link("the checks", page, "", tmp_path) is None


def test_every_notebook_is_in_the_site_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert NOTEBOOKS, "docs/notebooks/ has no notebook"
    for notebook in NOTEBOOKS:
        assert f"notebooks/{notebook.stem}.ipynb" in nav, f"{notebook.name} is not in mkdocs.yml's nav"


@pytest.mark.slow
def test_notebooks_execute_and_the_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="the [docs] extra is not installed")
    pytest.importorskip("jupytext", reason="the [docs] extra is not installed")
    executed = subprocess.run(
        [sys.executable, "-m", "jupytext", "--to", "ipynb", "--execute", *map(str, NOTEBOOKS)],
        cwd=ROOT,
        env=_site_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert executed.returncode == 0, executed.stderr[-3000:]
    built = _mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert built.returncode == 0, built.stderr[-3000:]
    for page in ("index.html", "odd/index.html", "trace/index.html", "api/runs/index.html"):
        assert (tmp_path / "site" / page).is_file(), page
    api = (tmp_path / "site" / "api" / "runs" / "index.html").read_text(encoding="utf-8")
    assert 'id="desmig_sim.experiments.runner.run"' in api  # rendered from the docstring
    for notebook in NOTEBOOKS:
        html = (tmp_path / "site" / "notebooks" / notebook.stem / "index.html").read_text(encoding="utf-8")
        assert "data:image/png;base64" in html, f"{notebook.name} has no figure: not executed?"


@pytest.mark.slow
def test_a_broken_anchor_fails_the_strict_build(tmp_path):
    pytest.importorskip("mkdocs", reason="the [docs] extra is not installed")
    for name in ("mkdocs.yml", "README.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "desmig_sim").symlink_to(ROOT / "desmig_sim")
    shutil.copytree(DOCS, tmp_path / "docs", ignore=shutil.ignore_patterns("*.ipynb"))
    for notebook in NOTEBOOKS:  # the build needs the notebooks, not their outputs
        (tmp_path / "docs" / "notebooks" / f"{notebook.stem}.ipynb").write_text(
            '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8"
        )
    good = _mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert good.returncode == 0, good.stderr[-3000:]
    trace = tmp_path / "docs" / "trace.md"
    broken_link = "\n[gone](odd.md#no-such-section)\n"
    trace.write_text(trace.read_text(encoding="utf-8") + broken_link, encoding="utf-8")
    broken = _mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert broken.returncode != 0
    assert "no-such-section" in broken.stderr
