"""The README, CONTRIBUTING.md and docs/ name only what exists: every file path, module (and
attribute), model, manage.py command, make target, setting and URL they mention in backticks;
and docs/architecture.md's layer table lists every app of the import contract in its order."""

import importlib
import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import get_commands
from django.urls import Resolver404, get_resolver, resolve

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
CONTRACT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = set(CONTRACT["root_packages"]) | {"tests", "bench"}
SOURCE_SUFFIXES = {".py", ".html", ".js", ".yml", ".toml", ".cfg", ".example"}
SKIPPED_DIRS = {".venv", ".git", "node_modules", "data", "staticfiles", "media", "__pycache__"}

# Named in the docs on purpose, though not found the way the checks look.
NOT_CHECKED = {
    "inbox.public_replies",  # an audit action's code
    "/me",  # a Graph API path
    "LIVECHAT_SESSIONS_WINDOW_SECONDS",  # read as LIVECHAT_<limit> (livechat.limits)
    "LIVECHAT_ATTACHMENT_TYPES",
    "MEDIA_ORIGIN",  # documented as not built
    "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS",  # django-anymail's settings, named to say why
    "WEBHOOK_SECRET",  # they are not used
}


def _source_files():
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if (
            path.is_file()
            and not parts & SKIPPED_DIRS
            and (path.suffix in SOURCE_SUFFIXES or path.name in {"Makefile", "Dockerfile"})
        ):
            yield path


@pytest.fixture(scope="module")
def code_text() -> str:
    return "\n".join(path.read_text(errors="ignore") for path in _source_files())


@pytest.fixture(scope="module")
def file_names() -> set[str]:
    return {
        path.name for path in ROOT.rglob("*") if path.is_file() and not set(path.relative_to(ROOT).parts) & SKIPPED_DIRS
    }


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _mentions():
    """(doc, line number, text in backticks) for every backticked word of the docs."""
    for doc in DOCS:
        for number, line in enumerate(doc.read_text().splitlines(), 1):
            line = re.sub(r"<[^>`]*>", "<x>", line)
            for quoted in re.findall(r"`([^`]+)`", line):
                for word in {quoted, *quoted.split()}:
                    yield doc, number, word.strip().rstrip(".,:;")


def _module_missing(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) == 2 and parts[1][:1].isupper():
        try:
            apps.get_model(name)
            return None
        except (LookupError, ValueError):
            pass
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return f"{'.'.join(parts[:cut])} has no {'.'.join(parts[cut:])}"
            found = getattr(found, attribute)
        return None
    return "no such module"


def _path_missing(word: str, doc: Path, file_names: set[str]) -> str | None:
    path = re.sub(r":\d+(-\d+)?$", "", word.split("::")[0].split("#")[0])
    if any(mark in path for mark in "<>*{}$") or (ROOT / path).exists() or (doc.parent / path).exists():
        return None
    if path.startswith("data/"):
        return None  # made at run time
    if "/" not in path:
        return None if path in file_names else "no such file"
    if not (ROOT / path.split("/")[0]).exists():
        return None  # not a path of ours (Europe/Amsterdam, 60/minute)
    return "no such file"


def _url_missing(url: str, routes: list[str]) -> str | None:
    url = url.split("?")[0].replace("<x>", "1").replace("...", "1")
    for candidate in (url, url.rstrip("/") + "/"):
        try:
            resolve(candidate)
            return None
        except Resolver404:
            pass
    if url.endswith("/") and any(route.startswith(url.lstrip("/")) for route in routes):
        return None  # a prefix of routes: /api/v1/, /attachments/
    return "no route"


def test_what_the_docs_name_exists(code_text, file_names):
    from webcare.routing import livechat_websocket_urlpatterns, websocket_urlpatterns

    routes = [*_routes(get_resolver().url_patterns), "static/"]
    routes += [str(pattern.pattern) for pattern in websocket_urlpatterns + livechat_websocket_urlpatterns]
    routes = [re.sub(r"<[^>]+>", "1", route) for route in routes]
    commands, targets = get_commands(), set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.M))
    wrong = []
    for doc, number, word in _mentions():
        if word in NOT_CHECKED:
            continue
        why = None
        if re.fullmatch(r"[\w./-]+\.(py|md|js|css|html|txt|yml|toml|json|png|example|sh)(:\d+)?(::\w+)?", word) or (
            re.fullmatch(r"[\w.-]+(/[\w.<>*-]*)+", word) and not word.startswith("/")
        ):
            dotted = re.fullmatch(r"([a-z_]+)/([a-z_]+)\.([a-z_]+)", word)
            if dotted and dotted.group(1) in PACKAGES and dotted.group(3) not in {"py", "md"}:
                why = _module_missing(word.replace("/", "."))
            else:
                why = _path_missing(word, doc, file_names)
        elif re.fullmatch(r"[a-z_]+(\.[A-Za-z_]\w*)+", word) and word.split(".")[0] in PACKAGES:
            why = _module_missing(word)
        elif re.fullmatch(r"/[\w./<>?=&-]*", word) and not word.startswith(("/usr", "/proc", "/tmp", "//")):
            why = None if word == "/" else _url_missing(word, routes)
        elif re.fullmatch(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+", word) and not re.search(rf"\b{word}\b", code_text):
            why = "read nowhere in the code"
        if why:
            wrong.append(f"{doc.relative_to(ROOT)}:{number}: `{word}`: {why}")
    for doc in DOCS:
        for number, line in enumerate(doc.read_text().splitlines(), 1):
            wrong += [
                f"{doc.relative_to(ROOT)}:{number}: manage.py {c}"
                for c in re.findall(r"manage\.py (\w+)", line)
                if c not in commands
            ]
            wrong += [
                f"{doc.relative_to(ROOT)}:{number}: make {t}"
                for t in re.findall(r"`make (\w+)", line)
                if t not in targets
            ]
    assert wrong == []


def test_the_architecture_lists_every_app_in_the_order_of_the_import_contract():
    contract = next(c for c in CONTRACT["contracts"] if c["type"] == "layers")
    rank = {app: i for i, layer in enumerate(contract["layers"]) for app in re.split(r"\s*\|\s*", layer)}
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text.split("## The layers", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| layer")]
    listed = [name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[2])]
    installed = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert sorted(listed) == sorted(rank) and installed <= set(listed) and set(CONTRACT["root_packages"]) == set(rank)
    assert [rank[app] for app in listed] == sorted(rank[app] for app in listed)
