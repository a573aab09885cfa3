"""The rule catalogue: the single source of every rule's ID, metadata and documentation.

SARIF ``tool.driver.rules``, ``hubguard rules``, ``hubguard explain`` and the README's rule
table are all rendered from ``RULES``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubguard.findings import Level


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    short_description: str
    what: str  # what it detects
    why: str  # why it is dangerous
    bad_example: str
    good_example: str
    fix: str  # one-line concrete fix, shown in terminal output
    cwe: tuple[int, ...]
    level: Level  # default level
    security_severity: float
    precision: str  # very-high | high | medium | low
    references: tuple[str, ...] = ()


RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    RULES[rule.id] = rule


_register(
    Rule(
        id="HG101",
        name="remote-code-enabled",
        short_description="A loader is allowed to run code from the model or dataset repository.",
        what="Calls that pass trust_remote_code=True (or an equivalent such as diffusers custom_pipeline).",
        why="The repository's Python files are imported and run with the caller's privileges.",
        bad_example='AutoModel.from_pretrained("org/model", trust_remote_code=True)',
        good_example='AutoModel.from_pretrained("org/model", revision="<40-hex sha>", trust_remote_code=True)  # reviewed code',
        fix="remove trust_remote_code, or pin revision to a reviewed commit SHA",
        cwe=(94,),
        level=Level.ERROR,
        security_severity=8.8,
        precision="high",
    )
)
_register(
    Rule(
        id="HG102",
        name="torch-hub-remote-code",
        short_description="torch.hub runs hubconf.py from a GitHub repository.",
        what="torch.hub.load/list/help on a GitHub repository.",
        why="hubconf.py and everything it imports run on load.",
        bad_example='torch.hub.load("owner/repo", "model", trust_repo=True)',
        good_example='torch.hub.load("owner/repo:<40-hex sha>", "model", trust_repo="check")',
        fix="pin the repo to a commit SHA and keep trust_repo='check'",
        cwe=(829,),
        level=Level.WARNING,
        security_severity=7.5,
        precision="high",
    )
)
_register(
    Rule(
        id="HG201",
        name="unpinned-revision",
        short_description="A hub reference is not pinned to a commit SHA.",
        what="A model, dataset or hub repo loaded without a full 40-hex commit SHA revision.",
        why="Branches and tags are mutable: the files that load tomorrow are not the files reviewed today.",
        bad_example='AutoModel.from_pretrained("org/model")',
        good_example='AutoModel.from_pretrained("org/model", revision="<40-hex sha>")',
        fix="pin revision to a commit SHA (hubguard scan --fix does it)",
        cwe=(494,),
        level=Level.WARNING,
        security_severity=5.3,
        precision="high",
    )
)
_register(
    Rule(
        id="HG301",
        name="unsafe-deserialization",
        short_description="A pickle-family load can run code embedded in the file.",
        what="pickle/dill/joblib/torch.load(weights_only=False)/numpy allow_pickle and similar loads.",
        why="Unpickling calls whatever callables the file names: opening a file is running a program.",
        bad_example='torch.load("model.pt")',
        good_example='torch.load("model.pt", weights_only=True)',
        fix="use safetensors, or pass weights_only=True",
        cwe=(502,),
        level=Level.WARNING,
        security_severity=7.8,
        precision="high",
    )
)
_register(
    Rule(
        id="HG401",
        name="remote-code-present",
        short_description="The referenced repository ships code this call would execute.",
        what="Files named by auto_map, custom_pipelines, model_index.json, modules.json or a dataset script.",
        why="That code runs with the caller's privileges when the model is loaded.",
        bad_example='AutoModel.from_pretrained("org/custom", trust_remote_code=True)',
        good_example='AutoModel.from_pretrained("org/custom", revision="<reviewed sha>", trust_remote_code=True)',
        fix="review the listed files at the resolved commit and pin revision to it",
        cwe=(94, 829),
        level=Level.WARNING,
        security_severity=6.5,
        precision="high",
    )
)
_register(
    Rule(
        id="HG402",
        name="dangerous-remote-code",
        short_description="Code in the referenced repository matches a dangerous pattern.",
        what="A Semgrep rule or byte signature matched in code the call would execute.",
        why="Obfuscated exec, shells, exfiltration or downloads in model code are signs of a payload.",
        bad_example='AutoModel.from_pretrained("org/evil", trust_remote_code=True)',
        good_example="do not load the repository; report it to the hub",
        fix="do not load this repository; pin to a reviewed commit or drop trust_remote_code",
        cwe=(94, 506),
        level=Level.ERROR,
        security_severity=9.6,
        precision="medium",
    )
)
_register(
    Rule(
        id="HG403",
        name="malicious-pickle",
        short_description="A pickle the call would load imports callables outside the safe set.",
        what="Pickle opcodes that import or call globals outside the checkpoint allowlist.",
        why="Unpickling runs those callables: os.system, exec, subprocess and friends.",
        bad_example='torch.load("evil.pt", weights_only=False)',
        good_example='safetensors.torch.load_file("model.safetensors")',
        fix="do not load this file; use safetensors weights",
        cwe=(502,),
        level=Level.ERROR,
        security_severity=9.8,
        precision="high",
    )
)
_register(
    Rule(
        id="HG404",
        name="pickle-only-weights",
        short_description="The call would load pickle-format weights because the repo has no safetensors.",
        what="A repository whose weights exist only as .bin/.pt/.ckpt/.pkl pickles.",
        why="Pickle weights can run code when loaded; safetensors cannot.",
        bad_example='AutoModel.from_pretrained("org/pickle-only")',
        good_example='AutoModel.from_pretrained("org/with-safetensors", use_safetensors=True)',
        fix="use a repository or revision that ships safetensors, and pass use_safetensors=True",
        cwe=(502,),
        level=Level.WARNING,
        security_severity=5.0,
        precision="high",
    )
)
_register(
    Rule(
        id="HG405",
        name="remote-scan-incomplete",
        short_description="The referenced repository could not be scanned fully.",
        what="Gated or private repos without a token, rate limits, timeouts, oversize files, offline runs.",
        why="An unscanned repository is not a clean one.",
        bad_example="hubguard scan --offline  # with a reference not in the local cache",
        good_example="HF_TOKEN=... hubguard scan",
        fix="provide HF_TOKEN, raise --timeout, or run online once to fill the cache",
        cwe=(1104,),
        level=Level.NOTE,
        security_severity=3.0,
        precision="high",
    )
)
_register(
    Rule(
        id="HG406",
        name="cross-repo-code",
        short_description="auto_map pulls code from another repository, which revision does not pin.",
        what="auto_map values of the form other/repo--module.Class.",
        why="The code comes from the other repo's main branch unless code_revision pins it.",
        bad_example='AutoModel.from_pretrained("org/model", revision="<sha>", trust_remote_code=True)',
        good_example='AutoModel.from_pretrained("org/model", revision="<sha>", code_revision="<sha of other repo>", trust_remote_code=True)',
        fix="pass code_revision pinned to a commit SHA of the code repository",
        cwe=(829, 494),
        level=Level.ERROR,
        security_severity=8.1,
        precision="high",
    )
)
_register(
    Rule(
        id="HG407",
        name="missing-repo",
        short_description="The referenced repository does not exist on the hub.",
        what="A hub reference that the hub answers with 'repository not found'.",
        why="Anyone can register the name and serve code to this line.",
        bad_example='AutoModel.from_pretrained("typo-org/model")',
        good_example='AutoModel.from_pretrained("real-org/model", revision="<sha>")',
        fix="fix the repository ID, or vendor the model locally",
        cwe=(829,),
        level=Level.ERROR,
        security_severity=8.0,
        precision="high",
    )
)


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
