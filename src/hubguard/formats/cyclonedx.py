"""``--format cyclonedx``: the inventory as a CycloneDX 1.7 ML-BOM (JSON), built with cyclonedx-python-lib.

The scanned project is the root component; each repository version it loads is a component (a model is
``machine-learning-model``, a dataset ``data``, a repository version reached only as a load's code ``library``),
with its call sites as ``evidence.occurrences`` and the files the load involves as nested ``file`` components.
Facts the specification has no field for live in ``hubguard:`` properties (README, "Model inventory").

The output is deterministic: no timestamp unless ``SOURCE_DATE_EPOCH`` asks for one, and a serial number
derived from the content, so the same scan gives the same bytes.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Commit, Component, ComponentType, Pedigree
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from hubguard.config import ConfigError
from hubguard.findings import ScanResult
from hubguard.formats.context import ReportContext
from hubguard.hub.huggingface import DEFAULT_ENDPOINT, default_endpoint
from hubguard.hub.repo_ids import InvalidReference, validate_repo_id
from hubguard.inventory import (
    CODE,
    UNRESOLVED,
    CallSite,
    Inventory,
    InventoryItem,
    RepoFile,
    build_inventory,
    without_credentials,
)
from hubguard.revisions import is_commit_sha

SCHEMA_VERSION = SchemaVersion.V1_7
PROJECT_REF = "project"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/hubguard/hubguard")
_PLACEHOLDER_SERIAL = uuid.UUID(int=0)
_TOP_LEVEL_ORDER = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata", "components")
_COMPONENT_TYPES = {
    "model": ComponentType.MACHINE_LEARNING_MODEL,
    "dataset": ComponentType.DATA,
    "space": ComponentType.APPLICATION,
}
_HF_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}


def render_cyclonedx(result: ScanResult, ctx: ReportContext) -> str:
    inventory = build_inventory(result, project_name(ctx))
    bom = Bom(serial_number=_PLACEHOLDER_SERIAL)
    bom.metadata.component = project = Component(
        name=inventory.project, type=ComponentType.APPLICATION, bom_ref=PROJECT_REF
    )
    tool = Component(name="hubguard", version=ctx.tool_version, type=ComponentType.APPLICATION)
    bom.metadata.tools.components.add(tool)
    if inventory.remote_pass is not None:
        bom.metadata.properties.add(Property(name="hubguard:remote-pass", value=inventory.remote_pass))
    components = {item.key: _component(item) for item in inventory.items}
    bom.components.update(components.values())
    bom.register_dependency(project, [components[item.key] for item in inventory.items if item.direct])
    for item in inventory.items:
        bom.register_dependency(components[item.key], [components[key] for key in sorted(item.depends_on)])
    document = json.loads(make_outputter(bom, OutputFormat.JSON, SCHEMA_VERSION).output_as_string())
    return json.dumps(finish(document, inventory, _requested_timestamp()), indent=2) + "\n"


def project_name(ctx: ReportContext) -> str:
    """The scanned directory's name when one directory was scanned, else the project root's."""
    targets = [target for target in ctx.targets if target.is_dir()]
    directory = targets[0] if len(ctx.targets) == 1 and targets else ctx.root
    return Path(os.path.abspath(directory)).name or "project"


def finish(document: dict[str, Any], inventory: Inventory, timestamp: str | None) -> dict[str, Any]:
    """Everything cyclonedx-python-lib cannot express, in one place: ``modelCard`` and ``data`` (not modelled
    by the library), the timestamp it always writes (kept only when asked for), and the serial number, a
    UUID derived from the rest of the document so that the same inventory gives the same bytes."""
    items = {item.bom_ref: item for item in inventory.items}
    for component in document.get("components", []):
        item = items[component["bom-ref"]]
        if component["type"] == ComponentType.MACHINE_LEARNING_MODEL.value and item.facts is not None:
            parameters = {"architectureFamily": item.facts.model_type, "modelArchitecture": _architectures(item)}
            parameters = {name: value for name, value in parameters.items() if value}
            if parameters:
                component["modelCard"] = {"modelParameters": parameters}
        elif component["type"] == ComponentType.DATA.value:
            data: dict[str, Any] = {"type": "dataset", "name": item.repo_id}
            url = repository_url(item)
            if url is not None:
                data["contents"] = {"url": url}
            component["data"] = [data]
    metadata = document["metadata"]
    metadata.pop("timestamp", None)
    if timestamp is not None:
        metadata["timestamp"] = timestamp
    document.pop("serialNumber", None)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    document["serialNumber"] = f"urn:uuid:{uuid.uuid5(_NAMESPACE, canonical)}"
    ordered = {name: document[name] for name in _TOP_LEVEL_ORDER if name in document}
    return ordered | {name: value for name, value in document.items() if name not in ordered}


def _component(item: InventoryItem) -> Component:
    kind = _COMPONENT_TYPES.get(item.repo_type, ComponentType.MACHINE_LEARNING_MODEL)
    if not item.direct:
        kind = ComponentType.LIBRARY  # only reached as another repository's code
    url = repository_url(item)
    references = []
    if url is not None:
        kind_of_url = ExternalReferenceType.DISTRIBUTION if item.hub == "url" else ExternalReferenceType.VCS
        references.append(ExternalReference(type=kind_of_url, url=XsUri(url)))
    commit = item.version if item.resolution != UNRESOLVED and is_commit_sha(item.version) else None
    occurrences = [_occurrence(item, site) for site in item.call_sites]
    return Component(
        type=kind,
        name=item.repo_id,
        version=item.version,
        bom_ref=item.bom_ref,
        purl=package_url(item),
        external_references=references,
        pedigree=Pedigree(commits=[Commit(uid=commit)]) if commit else None,  # a URL's identity is no commit
        properties=_properties(item),
        evidence=ComponentEvidence(occurrences=occurrences) if occurrences else None,
        components=[_file(item, file) for file in item.facts.files] if item.facts else [],
    )


def _properties(item: InventoryItem) -> list[Property]:
    values: list[tuple[str, str]] = [
        ("hub", item.hub),
        ("repo-type", item.repo_type),
        ("resolution", item.resolution),
    ]
    if item.direct:
        values += [("requested-revision", revision or "(default)") for revision in item.requested_revisions]
        values += [("pinned", _bool(item.pinned)), ("trust-remote-code", _bool(item.trust_remote_code))]
    if item.facts is not None or item.depends_on:
        # what its loads run (here, or elsewhere: repo@version:path, a dependency), or itself code that runs
        values.append(("remote-code", _bool(bool(item.runs_code or item.depends_on or item.files(CODE)))))
        values += [("remote-code-file", path) for path in item.runs_code]
    if item.facts is not None and len(item.facts.files) < item.facts.files_total:
        values.append(("files-listed", f"{len(item.facts.files)} of {item.facts.files_total}"))
    if item.weights_verdict is not None:
        values.append(("weights-verdict", item.weights_verdict))
    if item.rules and item.worst_level is not None:
        values += [("findings", ",".join(sorted(item.rules))), ("findings-level", item.worst_level.value)]
    return [Property(name=f"hubguard:{name}", value=value) for name, value in values]


def _occurrence(item: InventoryItem, site: CallSite) -> Occurrence:
    revision = f"revision {site.requested_revision}" if site.requested_revision is not None else "no revision"
    context = [f"{revision} ({site.revision_state.value})"]
    context += ["runs repository code"] if site.runs_remote_code else []
    context += ["loads weights"] if site.loads_weights else []
    # The library orders occurrences by bom-ref first: without one, their order would change from run to run.
    bom_ref = f"{item.bom_ref}|{site.path}:{site.line}:{site.column}"
    return Occurrence(bom_ref=bom_ref, location=site.path, line=site.line, additional_context="; ".join(context))


def _file(item: InventoryItem, file: RepoFile) -> Component:
    values = [("role", file.role), ("size", str(file.size))]
    values += [("git-blob-id", file.blob_id)] if file.blob_id else []
    values += [("format", file.format), ("format-source", file.format_source or "")] if file.format else []
    values += [("inspector-verdict", file.verdict)] if file.verdict else []
    url = public_url(file.url)
    page = [ExternalReference(type=ExternalReferenceType.VCS, url=XsUri(url))] if url else []
    return Component(
        type=ComponentType.FILE,
        name=file.path,
        bom_ref=f"{item.bom_ref}#{file.path}",
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=file.sha256)] if file.sha256 else [],
        external_references=page,
        properties=[Property(name=f"hubguard:{name}", value=value) for name, value in values],
    )


def package_url(item: InventoryItem) -> PackageURL | None:
    """``pkg:huggingface`` for Hugging Face models (namespace/name; the commit lowercased; ``repository_url``
    off huggingface.co) and ``pkg:github`` for torch.hub repositories. Other hubs and Hugging Face datasets
    have no purl type: their components carry the repository's URL as an external reference instead."""
    version = item.version.lower() if item.version is not None and item.resolution != UNRESOLVED else None
    namespace, _, name = item.repo_id.partition("/")
    if item.hub == "huggingface" and item.repo_type == "model" and name and _valid_hf_id(item.repo_id):
        endpoint = public_url(default_endpoint())
        qualifiers = {"repository_url": endpoint} if endpoint and endpoint != DEFAULT_ENDPOINT else None
        return PackageURL("huggingface", namespace, name, version, qualifiers)
    if item.hub == "torchhub" and name and _valid_hf_id(item.repo_id):
        return PackageURL("github", namespace.lower(), name.lower(), version)
    return None


def repository_url(item: InventoryItem) -> str | None:
    if item.hub == "huggingface" and item.repo_type in _HF_PREFIX and _valid_hf_id(item.repo_id):
        return public_url(f"{default_endpoint()}/{_HF_PREFIX[item.repo_type]}{item.repo_id}")
    if item.hub == "torchhub" and _valid_hf_id(item.repo_id):
        return f"https://github.com/{item.repo_id}"
    if item.hub == "url" and item.repo_id.startswith(("https://", "http://")):
        return public_url(item.repo_id)
    return None


def public_url(url: str | None) -> str | None:
    """A URL fit for the BOM: printable ASCII without spaces (anything else is left out, as scanned code or a
    hub may hand over any text) and without the credentials an endpoint may carry."""
    if not url or not url.isascii() or not url.isprintable() or " " in url:
        return None
    return without_credentials(url)


def _valid_hf_id(repo_id: str) -> bool:
    try:
        validate_repo_id(repo_id)
    except InvalidReference:
        return False
    return True


def _architectures(item: InventoryItem) -> str | None:
    return ", ".join(item.facts.architectures) if item.facts and item.facts.architectures else None


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _requested_timestamp() -> str | None:
    """``SOURCE_DATE_EPOCH`` (reproducible-builds.org): the only way a timestamp enters the BOM."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    try:
        moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(f"SOURCE_DATE_EPOCH must be a number of seconds since 1970, got {epoch!r}") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
