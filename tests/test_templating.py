"""Compiled templates are kept between runs (partnerskab/templating.py): an edited template is
compiled again, a damaged or unsafe cache is never used, and without a cache the build works."""

from __future__ import annotations

import os

import jinja2
import pytest

from partnerskab.templating import bytecode_cache, cache_folder

from .conftest import EXAMPLES, run_cli


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _render(folder, **values) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), bytecode_cache=bytecode_cache())
    return env.get_template("t.j2").render(**values)


def test_a_compiled_template_is_kept_and_an_edited_one_compiled_again(tmp_path, cache_home):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("Hej {{ name }}", encoding="utf-8")
    assert _render(templates, name="Fjordby") == "Hej Fjordby"
    [kept] = list(cache_folder().iterdir())
    assert cache_folder() == cache_home / "partnerskab" / "jinja"
    assert (cache_folder().stat().st_mode & 0o777) == 0o700
    assert _render(templates, name="Åby") == "Hej Åby"  # from the cache
    (templates / "t.j2").write_text("Goddag {{ name }}", encoding="utf-8")
    assert _render(templates, name="Åby") == "Goddag Åby"
    kept.write_bytes(b"not a compiled template")
    assert _render(templates, name="Vestby") == "Goddag Vestby"


@pytest.mark.parametrize("make", ["open to others", "a link", "a file"])
def test_no_cache_in_a_folder_others_could_write(tmp_path, cache_home, make):
    folder = cache_home / "partnerskab" / "jinja"
    folder.parent.mkdir(parents=True)
    if make == "open to others":
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o777)
    elif make == "a link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.write_text("", encoding="utf-8")
    assert bytecode_cache() is None
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("Hej {{ name }}", encoding="utf-8")
    assert _render(templates, name="Fjordby") == "Hej Fjordby"


def test_a_build_works_where_no_cache_can_be_written(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("", encoding="utf-8")  # a file where the cache folder's parent should be
    draft = next(e for e in EXAMPLES if e.stem == "aaby-ungementor")
    out = tmp_path / "out"
    result = run_cli("build", str(draft), "--out", str(out), env={"XDG_CACHE_HOME": str(blocked)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "aaby-ungementor.pdf").stat().st_size > 1000
