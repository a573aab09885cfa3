"""OpenMMLab checkpoints: ``open-mmlab://``, ``openmmlab://``, ``mmcls://``, ``torchvision://``/``modelzoo://`` names
expanded to URLs the way mmengine (and mmcv 1.x) expand them, then inspected like any URL (``hub/url.py``).

The name tables are JSON files shipped inside the installed package, so they are read from the scanned project's
environment without importing it: ``mmengine/hub/{openmmlab,deprecated,mmcls,torchvision_0.12}.json`` or
``mmcv/model_zoo/{open_mmlab,deprecated,mmcls}.json``, found in ``<project>/.venv``, ``<project>/venv``,
``$VIRTUAL_ENV``, ``$CONDA_PREFIX`` or hubguard's own environment, in that order. As in the libraries,
``open-mmlab://`` names are first renamed through ``deprecated.json``, then looked up in the package table
updated with ``$MMENGINE_HOME/open_mmlab.json`` (default ``$XDG_CACHE_HOME/mmengine``; mmcv: ``$MMCV_HOME``,
``.../mmcv``). That override can point any well-known name at any URL, so a name it changes is reported
(HG410). A name hubguard cannot expand (no package installed, a name missing from the table, torchvision
weight enums that need torchvision itself) is reported as not scanned, saying which name and why.

``repo_type`` says whose tables apply: ``mmengine``, ``mmcv`` (1.x), or ``openmmlab`` (the model-zoo APIs such as
``init_detector``: mmengine when the project has it, else mmcv).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hubguard.hub.errors import EntryNotFound, Unavailable
from hubguard.hub.outcome import plain
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import ResolverContext
from hubguard.hub.snapshot import Notice
from hubguard.hub.transport import Deadline
from hubguard.hub.url import REPO_TYPE as URL_REPO_TYPE
from hubguard.hub.url import UrlReader, UrlResolver, validate_hash_prefix, validate_url

HUB = "openmmlab"
REPO_TYPES = frozenset({"mmengine", "mmcv", "openmmlab"})
SCHEMES = ("open-mmlab://", "openmmlab://", "mmcls://", "torchvision://", "modelzoo://")
MAX_TABLE_BYTES = 4 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,199}")
_LOCAL_VENVS = (".venv", "venv", "env")


@dataclass(frozen=True)
class Family:
    """Where one library keeps its tables and its home directory."""

    package: str
    folder: str
    openmmlab: str
    home_variable: str
    torchvision: str | None  # mmcv 1.x reads torchvision's own model_urls instead

    def home(self) -> Path:
        default = Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache") / self.package
        return Path(os.path.expanduser(os.environ.get(self.home_variable) or str(default)))


MMENGINE = Family("mmengine", "hub", "openmmlab.json", "MMENGINE_HOME", "torchvision_0.12.json")
MMCV = Family("mmcv", "model_zoo", "open_mmlab.json", "MMCV_HOME", None)


@dataclass(frozen=True)
class Tables:
    family: Family
    folder: Path  # the package's table folder in the environment it was found in
    version: str | None

    @property
    def label(self) -> str:
        return f"{self.family.package} {self.version}" if self.version else self.family.package

    def read(self, name: str) -> dict[str, str]:
        return read_table(self.folder / name)


@dataclass
class Expansion:
    url: str
    notices: list[Notice] = field(default_factory=list)


def read_table(path: Path) -> dict[str, str]:
    """A JSON object of name -> string, read without executing anything; {} when absent or unusable."""
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(MAX_TABLE_BYTES + 1)[:MAX_TABLE_BYTES])
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(key, str) and isinstance(value, str)}


def environments(project_root: Path | None) -> list[Path]:
    """Prefixes of the Python environments that may run the scanned project, most specific first."""
    candidates = [project_root / name for name in _LOCAL_VENVS] if project_root is not None else []
    candidates += [Path(value) for value in (os.environ.get("VIRTUAL_ENV"), os.environ.get("CONDA_PREFIX")) if value]
    candidates.append(Path(sys.prefix))
    return list(dict.fromkeys(path for path in candidates if path.is_dir()))


def find_tables(family: Family, project_root: Path | None) -> Tables | None:
    for prefix in environments(project_root):
        for site in _site_packages(prefix):
            folder = site / family.package / family.folder
            if (folder / family.openmmlab).is_file():
                return Tables(family, folder, _installed_version(site, family.package))
    return None


def _site_packages(prefix: Path) -> list[Path]:
    patterns = ("lib/python3*/site-packages", "lib64/python3*/site-packages", "Lib/site-packages", "site-packages")
    return sorted({path for pattern in patterns for path in prefix.glob(pattern) if path.is_dir()})


def _installed_version(site: Path, package: str) -> str | None:
    for info in sorted(site.glob(f"{package}-*.dist-info")):
        version = info.name[len(package) + 1 : -len(".dist-info")]
        return version if re.fullmatch(r"[0-9A-Za-z.+!-]{1,40}", version) else None
    return None


def split_reference(reference: str) -> tuple[str, str]:
    """(scheme, name) for a checkpoint reference; InvalidReference for anything else."""
    for scheme in SCHEMES:
        if reference.startswith(scheme):
            name = reference[len(scheme) :]
            if not _NAME.fullmatch(name) or ".." in name or "//" in name:
                raise InvalidReference(f"{reference!r:.100} is not a checkpoint name")
            return scheme, name
    raise InvalidReference(f"{reference!r:.100} is neither an http(s) URL nor an OpenMMLab checkpoint name")


class OpenMMLabResolver:
    def __init__(self, urls: UrlResolver, project_root: Path | None) -> None:
        self.urls = urls
        self.project_root = project_root

    @classmethod
    def create(cls, context: ResolverContext) -> OpenMMLabResolver:
        return cls(UrlResolver.create(context), context.project_root)

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        if repo_type not in REPO_TYPES:
            raise InvalidReference(f"repository type {repo_type!r:.40} is not one of {sorted(REPO_TYPES)}")
        if repo_id.startswith(("https://", "http://")):
            validate_url(repo_id, allow_private=self.urls.allow_private)
        else:
            split_reference(repo_id)
        if revision is not None:
            validate_hash_prefix(revision)

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> UrlReader:
        self.validate(repo_type, repo_id, revision)
        expansion = self.expand(repo_type, repo_id)
        try:
            validate_url(expansion.url, allow_private=self.urls.allow_private)
        except InvalidReference as refused:
            raise Unavailable(f"the name expands to a URL hubguard will not fetch: {refused}") from None
        return self.urls.open_url(
            repo_id, expansion.url, revision, deadline, hub=HUB, repo_type=URL_REPO_TYPE, notices=expansion.notices
        )

    def expand(self, repo_type: str, reference: str) -> Expansion:
        if reference.startswith(("https://", "http://")):
            return Expansion(reference)
        scheme, name = split_reference(reference)
        tables = self._tables(repo_type)
        if scheme in ("torchvision://", "modelzoo://"):
            return Expansion(_torchvision(tables, name))
        if scheme == "mmcls://":
            return Expansion(_lookup(tables.read("mmcls.json"), tables, name, "mmcls.json"))
        return self._openmmlab(tables, reference, name)

    def _tables(self, repo_type: str) -> Tables:
        families = {"mmengine": (MMENGINE,), "mmcv": (MMCV,)}.get(repo_type, (MMENGINE, MMCV))
        for family in families:
            tables = find_tables(family, self.project_root)
            if tables is not None:
                return tables
        packages = " or ".join(family.package for family in families)
        raise EntryNotFound(
            f"no {packages} package in the project's environment (looked in .venv, venv, env, "
            "$VIRTUAL_ENV, $CONDA_PREFIX and hubguard's own), so the name's URL is unknown",
            "install the project's dependencies (e.g. into .venv) and re-run, or load the checkpoint by its URL",
        )

    def _openmmlab(self, tables: Tables, reference: str, name: str) -> Expansion:
        family = tables.family
        renamed = tables.read("deprecated.json").get(name, name)
        packaged = tables.read(family.openmmlab)
        override_path = family.home() / "open_mmlab.json"
        override = read_table(override_path)
        value = override.get(renamed, packaged.get(renamed))
        if value is None:
            raise EntryNotFound(
                f"{plain(renamed)} is in neither {tables.label}'s {family.openmmlab} nor "
                f"{override_path} (the load raises KeyError)",
                "fix the checkpoint name",
            )
        if not value.startswith(("https://", "http://")):
            raise EntryNotFound(
                f"the name maps to a local file under {family.home()} ({plain(value)}), which is not fetched",
                "review that file with hubguard model <path>",
            )
        if renamed not in override or override[renamed] == packaged.get(renamed):
            return Expansion(value)
        packaged_url = packaged.get(renamed)
        where = f"{reference} resolves through {override_path} on this machine to {plain(value, limit=200)}"
        if packaged_url:
            message = f"{where} instead of {plain(packaged_url, limit=200)} from {tables.label}'s table"
        else:
            message = f"{where}, a name {tables.label}'s table does not define"
        return Expansion(value, [Notice("HG410", message)])


def _lookup(table: dict[str, str], tables: Tables, name: str, table_name: str) -> str:
    value = table.get(name)
    if value is None:
        raise EntryNotFound(
            f"{plain(name)} is not in {tables.label}'s {table_name} (the load raises KeyError)",
            "fix the checkpoint name",
        )
    return value


def _torchvision(tables: Tables, name: str) -> str:
    if tables.family.torchvision is None:
        raise EntryNotFound(
            f"{tables.label} takes torchvision:// URLs from torchvision's own model_urls, which "
            "hubguard does not read (it would have to import torchvision)",
            "load the checkpoint by its URL",
        )
    table = tables.read(tables.family.torchvision)
    if name not in table and "." in name:
        raise EntryNotFound(
            f"weight names like {plain(name)} come from torchvision's *_Weights enums, which "
            "hubguard does not import",
            "load the checkpoint by its URL",
        )
    return _lookup(table, tables, name, tables.family.torchvision)
