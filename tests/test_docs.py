"""The docs cannot drift from the code: every command in README.md and docs/*.md is checked.

A command is a line of a ``sh`` block, or an inline code span that starts with one of the
project's programs. For each one: ``make`` targets exist; ``python -m MODULE`` and ``newsclean
SUBCOMMAND`` accept every option the docs give them (checked against their own ``--help``);
``scrapy crawl news`` / ``newsclean crawl`` name only spider arguments the spider knows and
settings the project or Scrapy defines, with values that parse. ``python`` blocks compile and
their imports resolve; ``toml`` blocks parse as the file they show (a sites file or chrome rules);
``json`` blocks are JSON. The commands that do work are also run by other tests (the demo crawl,
the cleaners, the add-on, the report...).
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from scrapy.settings import default_settings

import crawler.settings
from cleaners.body.chrome import ChromeRules
from crawler.plan import SPIDER_ARGUMENTS, PlanError, plan_from_arguments
from tests.crawling import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
OWN_PROGRAMS = ("newsclean ", "python -m ", "scrapy crawl ", "make ")
OTHER_PROGRAMS = {"apt-get", "pip", "git", "redis-server", "redis-cli", "cd", "ls", "docker"}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def _blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        text = path.read_text("utf-8")
        found += [(f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}", m.group(2))
                  for m in FENCE.finditer(text) if m.group(1) == language]
    return found


def _commands() -> list[tuple[str, str]]:
    commands = []
    for where, block in _blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append((where, line))
    for path in DOCS:
        prose = FENCE.sub("", path.read_text("utf-8"))
        for match in INLINE.finditer(prose):
            text = match.group(1).removeprefix(".venv/bin/")
            if text.startswith(OWN_PROGRAMS) and text not in ("make test", "make run"):
                commands.append((str(path.relative_to(ROOT)), text))
    return commands


def _tokens(command: str) -> list[str]:
    command = command.replace("[", " ").replace("]", " ").replace("...", " ")
    return [t.removeprefix(".venv/bin/") for t in shlex.split(command)]


@functools.cache
def _help(program: tuple[str, ...]) -> str:
    result = subprocess.run([*program, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"{' '.join(program)} --help failed: {result.stderr[-1000:]}"
    return result.stdout + result.stderr


def _known_setting(name: str) -> bool:
    return hasattr(crawler.settings, name) or hasattr(default_settings, name)


def _check_crawl(tokens: list[str]) -> None:
    arguments: dict[str, str] = {}
    words = iter(tokens)
    for word in words:
        if word in ("-a", "-s"):
            name, _, value = next(words).partition("=")
            if word == "-a":
                assert name in SPIDER_ARGUMENTS, f"unknown spider argument {name!r}"
                arguments[name] = value
            else:
                assert _known_setting(name), f"unknown setting {name!r}"
        elif word.startswith("-") and word not in ("-o", "-O", "-h", "--help"):
            pytest.fail(f"unknown crawl option {word!r}")
    checkable = {k: v for k, v in arguments.items() if k not in ("urls_file", "sites") and v and "..." not in v}
    if {"urls", "feeds", "sitemaps", "site"} & set(checkable):
        try:
            plan_from_arguments(checkable)
        except PlanError as error:
            pytest.fail(str(error))


def _check_options(program: tuple[str, ...], tokens: list[str]) -> None:
    shown = _help(program)
    for word in tokens:
        if word.startswith("-") and len(word) > 1 and not word[1:2].isdigit():
            option = word.split("=", 1)[0]
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown), \
                f"{' '.join(program)} has no option {option}"


def check_command(command: str) -> None:
    tokens = _tokens(command)
    program = tokens[0]
    if program in OTHER_PROGRAMS:
        return
    if program == "make":
        makefile = (ROOT / "Makefile").read_text()
        for target in tokens[1:]:
            assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"no make target {target!r}"
        return
    if program == "scrapy":
        assert tokens[1] == "crawl", command
        if tokens[2] == "news":
            _check_crawl(tokens[3:])
        return
    if program == "newsclean":
        subcommand = tokens[1]
        assert subcommand in ("crawl", "clean", "report", "finish"), f"no newsclean subcommand {subcommand!r}"
        if subcommand == "crawl":
            _check_crawl(tokens[2:])
        else:
            _check_options((str(BIN / "newsclean"), subcommand), tokens[2:])
        return
    if program in ("python", "python3"):
        assert tokens[1] == "-m", command
        module = tokens[2]
        assert importlib.util.find_spec(module) is not None, f"no module {module}"
        rest = tokens[3:]
        if module == "crawler.cluster" and rest and not rest[0].startswith("-"):
            _check_options((sys.executable, "-m", module, rest[0]), rest[1:])
        else:
            _check_options((sys.executable, "-m", module), rest)
        return
    pytest.fail(f"unknown program {program!r}: add it to OTHER_PROGRAMS if it is not the project's")


@pytest.mark.parametrize(("where", "command"), _commands(), ids=lambda value: str(value)[:60])
def test_every_documented_command_is_accepted(where, command):
    check_command(command)


def test_the_checker_finds_the_commands_and_rejects_drifted_ones():
    assert len(_commands()) > 40
    for drifted in ("newsclean clean saved/ --no-such-option", "scrapy crawl news -a sitez=https://x.example/",
                    "scrapy crawl news -s NO_SUCH_SETTING=1", "make no-such-target",
                    "python -m benchmarks.distributed --no-such-flag", "scrapy crawl news -a since=2024-13-01 "
                    "-a urls=https://x.example/", "newsclean crawl -a follow=maybe -a urls=https://x.example/"):
        with pytest.raises(pytest.fail.Exception if "since" in drifted or "follow" in drifted else AssertionError):
            check_command(drifted)


@pytest.mark.parametrize(("where", "code"), _blocks("python"), ids=lambda value: str(value)[:40])
def test_every_python_example_compiles_and_its_imports_resolve(where, code):
    tree = ast.parse(code, filename=where)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                importlib.import_module(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{where}: {node.module} has no {alias.name}"


@pytest.mark.parametrize(("where", "text"), _blocks("toml"), ids=lambda value: str(value)[:40])
def test_every_toml_example_is_a_valid_file_of_its_kind(where, text, tmp_path):
    data = tomllib.loads(text)
    path = tmp_path / "example.toml"
    path.write_text(text)
    if "site" in data:  # a sites file: each table holds spider arguments (rules paths need not exist here)
        for table in data["site"]:
            assert set(table) - {"rules"} <= SPIDER_ARGUMENTS, table
    else:
        ChromeRules.from_file(str(path))


@pytest.mark.parametrize(("where", "text"), _blocks("json"), ids=lambda value: str(value)[:40])
def test_every_json_example_parses(where, text):
    json.loads(text)
