"""The rule catalogue: the single source of every rule's ID, metadata and documentation.

SARIF ``tool.driver.rules``, ``hubguard rules``, ``hubguard explain`` and the README's rule
table are all rendered from ``RULES`` (see ``hubguard.formats.rule_docs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hubguard.findings import Level

CWE_NAMES: dict[int, str] = {
    94: "Improper Control of Generation of Code ('Code Injection')",
    494: "Download of Code Without Integrity Check",
    502: "Deserialization of Untrusted Data",
    506: "Embedded Malicious Code",
    693: "Protection Mechanism Failure",
    829: "Inclusion of Functionality from Untrusted Control Sphere",
    1357: "Reliance on Insufficiently Trustworthy Component",
}


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    short_description: str
    what: str  # what it detects
    why: str  # why it is dangerous, one line (terminal output)
    bad_example: str
    good_example: str
    fix: str  # one-line concrete fix, shown in terminal output
    cwe: tuple[int, ...]  # empty for a rule about hubguard itself rather than a weakness
    level: Level  # default level
    # CVSS-like 0.1-10.0 score GitHub shows as Critical/High/Medium/Low. Only for rules reported at one level,
    # whose band it must match: a rule-wide severity would contradict the level of some of its results.
    security_severity: float | None
    precision: str  # very-high | high | medium | low
    references: tuple[Reference, ...] = ()
    details: str = ""  # the full "why is this bad?" explanation
    remediation: str = ""  # the full "how to fix" explanation
    # One-line fixes for particular loaders, by variant (see ``hubguard.formats.rule_docs.fix_advice``);
    # ``fix`` applies to every other finding of the rule.
    fixes: dict[str, str] = field(default_factory=dict)
    # For a rule reported at more than one level: when each level applies (every level it can be reported at).
    levels: dict[Level, str] = field(default_factory=dict)

    @property
    def reported_levels(self) -> tuple[Level, ...]:
        """Every level this rule's findings can have, most severe first."""
        return tuple(sorted(self.levels, reverse=True)) if self.levels else (self.level,)


RULES: dict[str, Rule] = {}
REMOTE_PASS_PREFIX = "HG4"  # rules only the remote pass reports: an --offline run cannot check them


def _register(rule: Rule) -> None:
    RULES[rule.id] = rule


_TRANSFORMERS_CUSTOM_MODELS = Reference(
    "Transformers: Customizing models (trust_remote_code)",
    "https://huggingface.co/docs/transformers/custom_models",
)
_HUB_PICKLE = Reference("Hugging Face Hub: Pickle scanning", "https://huggingface.co/docs/hub/security-pickle")
_PYTHON_PICKLE = Reference(
    "Python documentation: pickle (security warning)", "https://docs.python.org/3/library/pickle.html"
)
_SAFETENSORS = Reference("safetensors documentation", "https://huggingface.co/docs/safetensors/index")
_NAMESPACE_REUSE = Reference(
    "Unit 42: Model Namespace Reuse", "https://unit42.paloaltonetworks.com/model-namespace-reuse/"
)
_HUB_DOWNLOAD = Reference(
    "huggingface_hub: Download files (revision)",
    "https://huggingface.co/docs/huggingface_hub/guides/download",
)
_JFROG_MALICIOUS_MODELS = Reference(
    "JFrog: Malicious Hugging Face ML models with silent backdoor",
    "https://jfrog.com/blog/data-scientists-targeted-by-malicious-hugging-face-ml-models-with-silent-backdoor/",
)

_register(
    Rule(
        id="HG001",
        name="not-analysed",
        short_description="A file that mentions a model loader could not be analysed, fully or in part.",
        what=(
            "Reports Python files and notebook cells that mention a loader hubguard knows but could not be "
            "analysed: a syntax error, an undecodable or oversized file, a statement nested too deeply for "
            "Python's parser, or an internal error while analysing it. The finding sits at the parser's "
            "position (or the first line of the part that was skipped); findings in the rest of the file are "
            "still reported."
        ),
        why="A file the gate cannot read is a file the gate did not check: its loader calls may hide findings.",
        details=(
            "hubguard parses code, it never runs it, so anything that stops the parser stops the check. An "
            "attacker who can add one pathological line to a file (a thousand nested brackets or operators) "
            "could otherwise switch the gate off for that file. Where only part of a file fails, hubguard "
            "analyses every other statement and reports this finding for the part it skipped; internal "
            "errors are reported at level error. A file that fails to parse and mentions no loader is only "
            "a notice."
        ),
        bad_example=(
            "from transformers import AutoModel\n"
            'model = AutoModel.from_pretrained("org/model", trust_remote_code=True\n'
            "x = ((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))"
        ),
        good_example=(
            "from transformers import AutoModel\n"
            'model = AutoModel.from_pretrained("org/model", revision="<40-hex commit sha>")'
        ),
        fix="fix the syntax error or simplify the statement so Python's parser accepts it",
        remediation=(
            "Make the file valid Python 3 (the message gives the parser's position), split expressions "
            "that nest hundreds of levels deep, or raise `max-file-size` in `[tool.hubguard]` for a large "
            "file. For files that are not Python 3 on purpose (templates, Python 2 fixtures), exclude them "
            "or set `not-analysed-level = \"note\"`. Internal errors are bugs: please report them."
        ),
        cwe=(693,),
        level=Level.WARNING,
        security_severity=None,
        levels={
            Level.ERROR: "an internal error while analysing the file, or the process analysing it died",
            Level.WARNING: (
                "input the parser rejects (syntax error, nesting too deep, undecodable, oversized) that mentions a "
                "loader; `not-analysed-level` in `[tool.hubguard]` moves it to note or error"
            ),
        },
        precision="very-high",
        references=(
            Reference(
                "Python documentation: ast.parse (deeply nested input and the parser's limits)",
                "https://docs.python.org/3/library/ast.html#ast.parse",
            ),
        ),
    )
)
_register(
    Rule(
        id="HG002",
        name="unused-suppression",
        short_description="A `# hubguard: ignore` comment suppresses nothing.",
        what=(
            "With `--report-unused-ignores` (or `report-unused-ignores = true` in `[tool.hubguard]`), reports "
            "suppression comments that matched no finding in this run, listing the codes that are unused, not "
            "enabled (turned off by `select`, `ignore` or `per-file-ignores`, or remote rules in an offline run) "
            "or unknown."
        ),
        why="A stale suppression silently hides the next real finding on that line.",
        details=(
            "Suppressions outlive the code they were written for: the call is fixed or moved, the comment stays, "
            "and the next risky load added to that line is hidden without review. A misspelt rule code never "
            "suppressed anything. Comments that list `HG002` themselves are not reported."
        ),
        bad_example='config = json.load(f)  # hubguard: ignore[HG301]',
        good_example="config = json.load(f)",
        fix="delete the comment, or the rule codes in it that no longer apply",
        remediation=(
            "Remove the comment, or the codes the message lists as unused or unknown. Keep a code that is only "
            "'non-enabled' if the rule is off on purpose in this run but on elsewhere (for example the remote "
            "rules, which an `--offline` run cannot check)."
        ),
        cwe=(),
        level=Level.WARNING,
        security_severity=None,
        precision="very-high",
    )
)
_register(
    Rule(
        id="HG101",
        name="remote-code-enabled",
        short_description="A loader is allowed to run code from the model or dataset repository.",
        what=(
            "Finds hub loads that pass `trust_remote_code=True` or an equivalent switch: diffusers "
            "`custom_pipeline=`, sentence-transformers `model_kwargs={'trust_remote_code': True}`, "
            "vLLM `LLM(..., trust_remote_code=True)`, ModelScope `pipeline(..., trust_remote_code=True)`, "
            "and ModelScope `Model.from_pretrained`/`pipeline` on the `iic` and `damo` namespaces, which "
            "ModelScope trusts by itself. ModelScope releases before the trust gate (`Model.from_pretrained` < "
            "1.28.1, `pipeline` < 1.37.0) run a repository's `configuration.json` plugins whatever the flag "
            "says: a load of such a repository at a mutable revision gets a note that states it (a commit SHA "
            "implies modelscope >= 1.38, which has the gate)."
        ),
        why="The repository's Python files are imported and run with the caller's privileges.",
        details=(
            "With the switch on, transformers (and the libraries built on it) imports the modules named "
            "by `auto_map` in the repository's config files and runs them in your process: they can read "
            "your files and credentials, open network connections and start programs. Whoever can push "
            "to the repository, or to the branch you load, decides what that code is. Without a pinned "
            "commit the code can change between the review and the next load, and past bypasses "
            "(CVE-2025-66448 in vLLM) show that the flag is the last line of defence."
        ),
        bad_example='model = AutoModel.from_pretrained("org/model", trust_remote_code=True)',
        good_example=(
            "# Either load a natively supported architecture without remote code:\n"
            'model = AutoModel.from_pretrained("org/model", revision="<40-hex commit sha>")\n'
            "# or, after reviewing the code at that commit, pin it:\n"
            "model = AutoModel.from_pretrained(\n"
            '    "org/model", revision="<40-hex commit sha>", trust_remote_code=True\n'
            ")"
        ),
        fix="remove trust_remote_code, or pin revision to a reviewed commit SHA",
        fixes={
            "custom_pipeline": (
                "use a pipeline built into diffusers, or review the pipeline code and pin custom_revision to its "
                "commit SHA"
            ),
            "implicit_remote_code": (
                "set MLFLOW_ALLOW_MODEL_CODE_EXECUTION=false, or load the model with transformers at a pinned revision"
            ),
        },
        remediation=(
            "Drop `trust_remote_code=True` when the architecture is supported by the installed library. "
            "If the custom code is really needed, read it at one commit, pin `revision=` to that full "
            "40-hex commit SHA (and `code_revision=` when the code lives in another repository), and "
            "add the repository to `allow-remote-code` in `[tool.hubguard]` to record the review. For "
            "diffusers `custom_pipeline=`, prefer a built-in pipeline, or pin `custom_revision=` to the "
            "commit of the pipeline code you reviewed; `allow-remote-code` is matched against the pipeline "
            "(its repository, or a community pipeline's name), never against the model repository."
        ),
        cwe=(94, 829),
        level=Level.ERROR,
        security_severity=None,
        levels={
            Level.ERROR: "trust_remote_code=True, or custom_pipeline naming a hub repository",
            Level.WARNING: (
                "the switch is a run-time value that may be on, a diffusers community pipeline, or an MLflow "
                "model that enables remote code by itself; trust_remote_code=True on a load pinned to a commit"
            ),
            Level.NOTE: (
                "a run-time switch on a load pinned to a commit; a ModelScope Model/pipeline load at a mutable "
                "revision, which releases without the trust gate run code from"
            ),
        },
        precision="high",
        references=(
            _TRANSFORMERS_CUSTOM_MODELS,
            Reference("CVE-2025-66448 (vLLM auto_map remote code)", "https://nvd.nist.gov/vuln/detail/CVE-2025-66448"),
        ),
    )
)
_register(
    Rule(
        id="HG102",
        name="torch-hub-remote-code",
        short_description="torch.hub runs hubconf.py from a GitHub repository.",
        what=(
            "Finds `torch.hub.load`, `torch.hub.list` and `torch.hub.help` calls on a GitHub repository "
            "(`source='github'`, the default)."
        ),
        why="hubconf.py and everything it imports run on load.",
        details=(
            "torch.hub downloads the repository archive and imports its `hubconf.py`, which can run any "
            "Python code. `trust_repo=True` (or `None` before torch 2.11) skips the confirmation prompt, "
            "and a reference without `:<ref>` loads whatever `main` or `master` holds today. A cached "
            "checkout is reused silently, so a compromised branch stays compromised on your machine."
        ),
        bad_example='model = torch.hub.load("owner/repo", "resnet50", trust_repo=True)',
        good_example='model = torch.hub.load("owner/repo:<40-hex commit sha>", "resnet50", trust_repo="check")',
        fix="pin the repo to a commit SHA and keep trust_repo='check'",
        remediation=(
            "Append `:<40-hex commit sha>` to the repository after reviewing `hubconf.py` at that commit "
            "(an older commit may also need `skip_validation=True`), keep `trust_repo='check'`, or vendor "
            "the model code into your own repository and load weights with `torch.load(..., weights_only=True)`."
        ),
        cwe=(94, 829),
        level=Level.WARNING,
        security_severity=None,
        levels={
            Level.ERROR: "trust_repo=True or None: the repository is trusted without asking",
            Level.WARNING: "torch.hub asks before trusting the repository, or trust_repo is a run-time value",
        },
        precision="high",
        references=(Reference("PyTorch: torch.hub", "https://pytorch.org/docs/stable/hub.html"),),
    )
)
_register(
    Rule(
        id="HG201",
        name="unpinned-revision",
        short_description="A hub reference is not pinned to a commit SHA.",
        what=(
            "Finds models, datasets and hub repositories loaded without a full 40-hex commit SHA: no "
            "`revision`, a branch such as `main`, a tag, a short SHA, or `refs/pr/N` (torch.hub: no `:ref`, a "
            "branch or a tag). For a file fetched from a URL, the pin is the SHA-256 the loader checks "
            "(`check_hash=True` with `-<sha256>.` in the file name, `hash_prefix=`): none, or a prefix shorter "
            "than the full 64 hex digits, is reported; OpenMMLab's loaders never check one."
        ),
        why="Branches and tags are mutable: the files that load tomorrow are not the files reviewed today.",
        details=(
            "A hub repository is a git repository and its owner (or anyone who compromises the owner's "
            "token, or re-registers a deleted namespace) can move a branch or tag at any time. Code, "
            "configs and pickle weights are fetched at load time, so an unpinned reference turns every "
            "run into a fresh, unreviewed download. Only a full commit SHA is immutable, and it also "
            "survives a namespace takeover because the new owner cannot serve the old commit."
        ),
        bad_example='tokenizer = AutoTokenizer.from_pretrained("org/model")',
        good_example='tokenizer = AutoTokenizer.from_pretrained("org/model", revision="<40-hex commit sha>")',
        fix="pin revision to a commit SHA (hubguard scan --fix does it)",
        fixes={
            "unfixable": (
                "pin the revision by hand where the loader takes one, or download a commit with "
                "snapshot_download(revision=<sha>) and load the local copy"
            ),
        },
        remediation=(
            'Look up the commit you reviewed (the hub\'s "Files and versions" history, or '
            "`HfApi().model_info(repo_id).sha`) and pass it as `revision=`. `hubguard scan --fix` writes "
            "the SHA of the current branch head for you; review that commit before committing the change. "
            "ModelScope loads a commit SHA from modelscope 1.38 on (older releases accept only branch and "
            "tag names); pycsghub's `AutoModel*` and `load_dataset` wrappers ignore `revision`, so download "
            "with `snapshot_download(..., revision=<sha>)` and load the local directory."
        ),
        cwe=(494,),
        level=Level.WARNING,
        security_severity=None,
        levels={
            Level.ERROR: "no revision or a branch, on a call that also runs repository code",
            Level.WARNING: (
                "no revision or a branch on a call that runs no repository code, a tag or short SHA on one "
                "that does, or a loader that cannot be pinned"
            ),
            Level.NOTE: (
                "the revision or repository is a run-time value, or a tag or short SHA on a call that runs "
                "no repository code"
            ),
        },
        precision="high",
        references=(_HUB_DOWNLOAD, _NAMESPACE_REUSE),
    )
)
_register(
    Rule(
        id="HG301",
        name="unsafe-deserialization",
        short_description="A pickle-family load can run code embedded in the file.",
        what=(
            "Finds pickle, dill, joblib and cloudpickle loads, `torch.load` without `weights_only=True`, "
            "`numpy.load(..., allow_pickle=True)`, pandas `read_pickle` and similar loaders."
        ),
        why="Unpickling calls whatever callables the file names: opening a file is running a program.",
        details=(
            "The pickle format stores instructions, not data: a file can ask the loader to import "
            "`os.system` and call it. Model checkpoints shared on hubs are a known delivery vehicle for "
            "such payloads, and `weights_only=True` was itself bypassable before torch 2.6 "
            "(CVE-2025-32434)."
        ),
        bad_example='state = torch.load("model.pt")',
        good_example=(
            "from safetensors.torch import load_file\n"
            'state = load_file("model.safetensors")\n'
            "# or, for a checkpoint you must keep, with torch >= 2.6:\n"
            'state = torch.load("model.pt", weights_only=True)'
        ),
        fix="load a format that cannot run code (safetensors, JSON, ONNX), or only files you created",
        fixes={
            "torch_load": "pass weights_only=True (torch >= 2.6), or store the weights as safetensors",
            "weights_only_default_false": "pass weights_only=True, or store the weights as safetensors",
            "numpy_allow_pickle": "drop allow_pickle=True and store plain numeric arrays (no object dtype)",
            "keras_safe_mode": "keep safe_mode=True (the default); rebuild Lambda layers in code",
            "skops_trusted": "pass trusted= only the types skops.io.get_untrusted_types() lists and you reviewed",
            "dangerous_deserialization_flag": (
                "keep allow_dangerous_deserialization=False and load only indexes you built yourself"
            ),
        },
        remediation=(
            "Store and load weights as safetensors. Where a pickle is unavoidable, use "
            "`torch.load(..., weights_only=True)` on torch >= 2.6, keep the allowlist "
            "(`add_safe_globals`) minimal, and only load files whose origin you control."
        ),
        cwe=(502,),
        level=Level.WARNING,
        security_severity=None,
        levels={
            Level.ERROR: (
                "a safeguard is explicitly off: weights_only=False, pickle_module=, safe_mode=False, trusted=True, "
                "allow_dangerous_deserialization=True"
            ),
            Level.WARNING: (
                "the loader unpickles unless told otherwise (pickle.load, torch.load without weights_only=True), "
                "or a safeguard is relaxed (numpy allow_pickle=True, skops trusted=[...])"
            ),
            Level.NOTE: "the safeguard's value is only known at run time",
        },
        precision="high",
        references=(
            _PYTHON_PICKLE,
            Reference("PyTorch: torch.load", "https://pytorch.org/docs/stable/generated/torch.load.html"),
            Reference(
                "CVE-2025-32434 (torch.load weights_only bypass)", "https://nvd.nist.gov/vuln/detail/CVE-2025-32434"
            ),
            _HUB_PICKLE,
        ),
    )
)
_register(
    Rule(
        id="HG401",
        name="remote-code-present",
        short_description="The referenced repository ships code this call would execute.",
        what=(
            "Reports, for a call that lets repository code run, the files that would execute: modules "
            "named by `auto_map` or `custom_pipelines`, diffusers `model_index.json` components, "
            "sentence-transformers `modules.json` entries, dataset loading scripts, `hubconf.py`; for "
            "ModelScope's `Model.from_pretrained` and `pipeline`, every `.py` of the repository, the "
            "`*requirement*` files it pip-installs and `configuration.json` `plugins`."
        ),
        why="That code runs with the caller's privileges when the model is loaded.",
        details=(
            "The remote pass fetched the repository at the revision the call would load and found Python "
            "code on the load path. Nothing dangerous was necessarily matched in it, but it is code you "
            "are about to run, written by someone else, and it deserves the same review as a new dependency."
        ),
        bad_example='model = AutoModel.from_pretrained("org/custom", trust_remote_code=True)',
        good_example=(
            "model = AutoModel.from_pretrained(\n"
            '    "org/custom", revision="<reviewed commit sha>", trust_remote_code=True\n'
            ")"
        ),
        fix="review the listed files at the resolved commit and pin revision to it",
        remediation=(
            "Open the related locations (the files at the resolved commit), review them, and pin "
            "`revision=` to that commit. If you do not need the custom code, load a repository that the "
            "library supports natively instead."
        ),
        cwe=(94, 829),
        level=Level.WARNING,
        security_severity=6.5,
        precision="high",
        references=(_TRANSFORMERS_CUSTOM_MODELS,),
    )
)
_register(
    Rule(
        id="HG402",
        name="dangerous-remote-code",
        short_description="Code in the referenced repository matches a dangerous pattern.",
        what=(
            "Reports a Semgrep rule or byte-signature match in code the call would execute: obfuscated "
            "`exec`/`eval`, shell commands, network exfiltration, downloads of further payloads."
        ),
        why="Obfuscated exec, shells, exfiltration or downloads in model code are signs of a payload.",
        details=(
            "Model code has no reason to start shells, decode and execute blobs, or send data to hosts "
            "other than the hub. These patterns are how malicious repositories deliver backdoors and "
            "steal credentials; a match in code on the load path means loading the model may compromise "
            "the machine."
        ),
        bad_example='model = AutoModel.from_pretrained("org/evil", trust_remote_code=True)',
        good_example="# Do not load the repository; report it to the hub and load a reviewed alternative.",
        fix="do not load this repository; pin to a reviewed commit or drop trust_remote_code",
        remediation=(
            "Do not run the code. Inspect the matched lines (related locations) without executing them; "
            "if they are malicious, report the repository to the hub. Otherwise pin `revision=` to a "
            "commit you reviewed, or load a repository that needs no remote code."
        ),
        cwe=(94, 506),
        level=Level.ERROR,
        security_severity=None,
        levels={
            Level.ERROR: "a known payload technique: Semgrep rules of ERROR severity and byte signatures",
            Level.WARNING: "a risky pattern that legitimate code sometimes uses: Semgrep rules of WARNING severity",
        },
        precision="medium",
        references=(_JFROG_MALICIOUS_MODELS, _TRANSFORMERS_CUSTOM_MODELS),
    )
)
_register(
    Rule(
        id="HG403",
        name="malicious-pickle",
        short_description="A model file would run code, or carries a hostile payload, when loaded.",
        what=(
            "Reports model files whose content a loader would turn into code or harm: pickles (also inside "
            "PyTorch zip and tar checkpoints, joblib, NumPy and 7z archives) that import or call globals "
            "outside the checkpoint allowlist, such as `os.system`, `builtins.exec` or `subprocess.Popen`; "
            "Keras `Lambda` layers carrying bytecode and configs naming dangerous or custom objects (`.keras`, "
            "legacy `.h5`); pickle bombs; GGUF chat templates with Jinja sandbox-escape gadgets; ONNX external "
            "data outside the model directory; archives that are malformed, encrypted or over budget."
        ),
        why="Unpickling runs those callables; Keras runs Lambda bytecode; the other payloads escape their file.",
        details=(
            "A checkpoint only needs tensor-rebuilding functions and a few collections. Any other import "
            "in the pickle stream is either a payload or a format the loader cannot vouch for; with "
            "`weights_only=False`, or a library that loads pickles by default, it runs as soon as the "
            "file is loaded. Levels: error when code would run (a denied or unresolvable callable, Lambda "
            "bytecode); warning when the file is suspicious (an unlisted class, a bomb, a template gadget, "
            "an escaping path, a file that could not be inspected fully); note when a pickle names only "
            "reviewed library classes (scikit-learn estimators, `training_args.bin`), listed in the message. "
            "Projects add their own classes with `pickle-allowlist = [\"pkg.module:Class\", \"pkg.module:*\"]` "
            "in `[tool.hubguard]`; callables with side effects can never be allowed."
        ),
        bad_example='model = torch.load("evil.pt", weights_only=False)',
        good_example='state = safetensors.torch.load_file("model.safetensors")',
        fix="do not load this file; use safetensors weights",
        remediation=(
            "Do not load the file. Use safetensors weights from a trusted repository, or convert a "
            "checkpoint you trust in an isolated environment, and report malicious files to the hub. For a "
            "note, review the listed classes; for your own classes, add them to `pickle-allowlist`."
        ),
        cwe=(502,),
        level=Level.ERROR,
        security_severity=None,
        levels={
            Level.ERROR: "code would run: a denied or unresolvable callable in a pickle, Keras Lambda bytecode",
            Level.WARNING: (
                "the file is suspicious: an unlisted class, a pickle bomb, a template gadget, an escaping path, "
                "or a file that could not be inspected fully"
            ),
            Level.NOTE: "a pickle names only reviewed library classes (scikit-learn estimators, training_args.bin)",
        },
        precision="high",
        references=(_HUB_PICKLE, _JFROG_MALICIOUS_MODELS, _PYTHON_PICKLE),
    )
)
_register(
    Rule(
        id="HG404",
        name="pickle-only-weights",
        short_description="The call would load pickle-format weights because the repo has no safetensors.",
        what=(
            "Reports repositories whose weights exist only as pickle-based files (`.bin`, `.pt`, "
            "`.pth`, `.ckpt`, `.pkl`) for a call that loads weights."
        ),
        why="Pickle weights can run code when loaded; safetensors cannot.",
        details=(
            "Without a safetensors file the library falls back to unpickling, which is only as safe as "
            "its allowlist and the installed torch version. No payload was found, but the format leaves "
            "the door open for the next push to the repository."
        ),
        bad_example='model = AutoModel.from_pretrained("org/pickle-only")',
        good_example=(
            'model = AutoModel.from_pretrained("org/with-safetensors", revision="<sha>", use_safetensors=True)'
        ),
        fix="use a repository or revision that ships safetensors, and pass use_safetensors=True",
        remediation=(
            "Prefer a revision or mirror with `.safetensors` weights and pass `use_safetensors=True` so "
            "the library refuses to fall back to pickles; pin `revision=` to a commit SHA."
        ),
        cwe=(502,),
        level=Level.WARNING,
        security_severity=5.0,
        precision="high",
        references=(_SAFETENSORS, _HUB_PICKLE),
    )
)
_register(
    Rule(
        id="HG405",
        name="remote-scan-incomplete",
        short_description="The referenced repository could not be scanned fully.",
        what=(
            "Reports references the remote pass could not fully analyse: gated or private repositories "
            "without a token, rate limits, timeouts, truncated or refused answers, model files the inspector "
            "could not judge (unknown formats, exhausted work budgets), more weight files than it inspects, "
            "hubs it cannot scan yet, and offline runs that found only part of a repository in the local cache."
        ),
        why="An unscanned repository is not a clean one.",
        details=(
            "hubguard reports what it could see. When files were skipped, the repository may still hold "
            "remote code or malicious pickles; treat the reference as unreviewed until a complete scan "
            "succeeds. Code the call executes and hubguard could not analyse is HG408, an error.\n\n"
            "Why two levels: a gap caused by the hub or by the content is a warning, so the default gate "
            "(`--fail-on warning`) fails closed: a hostile, slow or failing hub cannot turn a check green by "
            "stopping the scan. A gap the user chose is a note: offline mode (`HF_HUB_OFFLINE=1`), where only "
            "the local cache is read, by request."
        ),
        bad_example='model = AutoModel.from_pretrained("org/gated-model")  # gated, and no HF_TOKEN: not scanned',
        good_example="HF_TOKEN=hf_... hubguard scan  # a token with access to the repository",
        fix="provide HF_TOKEN, raise --timeout, or run online once to fill the cache",
        remediation=(
            "Export the hub's token with read access for gated or private repositories, or for a higher rate "
            "limit (`HF_TOKEN`, `MODELSCOPE_API_TOKEN`, `CSGHUB_TOKEN`, `GITHUB_TOKEN`), raise `--timeout`, re-run "
            "after a rate limit or a failing hub, or run once online to fill the cache; the message says which of "
            "these applies. A file hubguard cannot judge needs a review by hand."
        ),
        cwe=(1357,),
        level=Level.WARNING,
        security_severity=None,
        levels={
            Level.WARNING: (
                "the hub or the content left the scan incomplete: no token for a gated or private repository, a "
                "rate limit, a timeout, a truncated or refused answer, an unreachable hub, a model file that cannot "
                "be judged, a hub hubguard cannot scan yet; hubguard model could not inspect the target"
            ),
            Level.NOTE: "offline mode (HF_HUB_OFFLINE=1) read only what the local cache holds, by request",
        },
        precision="high",
        references=(
            Reference("Hugging Face Hub: Gated models", "https://huggingface.co/docs/hub/models-gated"),
            Reference("Hugging Face Hub: User access tokens", "https://huggingface.co/docs/hub/security-tokens"),
        ),
    )
)
_register(
    Rule(
        id="HG406",
        name="cross-repo-code",
        short_description="auto_map pulls code from another repository, which revision does not pin.",
        what='Reports `auto_map` values of the form `"other/repo--module.Class"` on the load path.',
        why="The code comes from the other repo's main branch unless code_revision pins it.",
        details=(
            "transformers fetches cross-repository code at `code_revision`, which defaults to `main` of "
            "the *other* repository. Pinning `revision=` of the model therefore does not pin the code "
            "that runs, and the other repository's owner can change it at any time.\n\n"
            "hubguard fetches that code where the loader would (the other repository's default branch, or "
            "`code_revision`) and judges it with the load's own code: what it finds there is HG402 at this "
            "call, a missing repository is HG407. The finding names the commit the branch points at now "
            "(`resolvedCodeRevision`); ModelScope loads take it from `master` whatever `code_revision` says."
        ),
        bad_example='model = AutoModel.from_pretrained("org/model", revision="<sha>", trust_remote_code=True)',
        good_example=(
            "model = AutoModel.from_pretrained(\n"
            '    "org/model", revision="<sha>", code_revision="<sha of the code repository>",\n'
            "    trust_remote_code=True,\n"
            ")"
        ),
        fix="pass code_revision pinned to a commit SHA of the code repository",
        remediation=(
            "Review the code in the repository named by `auto_map` (the finding links the file at the commit "
            "hubguard scanned) and pass `code_revision=` set to the full commit SHA you reviewed there."
        ),
        cwe=(829, 494),
        level=Level.ERROR,
        security_severity=8.1,
        precision="high",
        references=(_TRANSFORMERS_CUSTOM_MODELS,),
    )
)
_register(
    Rule(
        id="HG407",
        name="missing-repo",
        short_description="The referenced repository does not exist on the hub.",
        what=(
            "Reports hub references that the hub answers with 'repository not found', and GitHub repositories "
            "(torch.hub) that GitHub redirects because they were renamed or transferred."
        ),
        why="Anyone can register the name and serve code to this line.",
        details=(
            "A missing repository is a typo, a deleted model or a deleted account. Hub namespaces are "
            "reusable: whoever registers the name next decides what this line loads, including remote "
            "code and pickles (model namespace reuse)."
        ),
        bad_example='model = AutoModel.from_pretrained("typo-org/model")',
        good_example='model = AutoModel.from_pretrained("real-org/model", revision="<40-hex commit sha>")',
        fix="fix the repository ID, or vendor the model locally",
        remediation=(
            "Correct the repository ID and pin `revision=` to a commit SHA, or keep a copy of the model "
            "in storage you control and load it from a local path."
        ),
        cwe=(829,),
        level=Level.ERROR,
        security_severity=8.0,
        precision="high",
        references=(_NAMESPACE_REUSE,),
    )
)

_register(
    Rule(
        id="HG408",
        name="remote-code-not-analysed",
        short_description="Code the call would execute could not be fully analysed.",
        what=(
            "Reports files on the load path of a call that runs repository code which hubguard could not "
            "read or analyse in full: a download that failed, a module name it refused to map to a file "
            "(`auto_map` to `..escape.Cfg`, a `modules.json` path `../../x`), a file Semgrep could not "
            "parse in time, or an import chain longer than the closure limits. The same holds for code the "
            "load runs from another repository or revision (cross-repository `auto_map`, `code_revision`, "
            "`custom_pipeline`, `custom_generate`): a repository that could not be fetched, and names past "
            "the 8 other repositories hubguard fetches for one load."
        ),
        why="An unread file that will execute is a blocker, not a pass.",
        details=(
            "The byte signatures read every byte of every fetched file, and Semgrep reads the code with "
            "large data literals blanked out, but a file that could not be fetched, or whose code is too "
            "large or too slow for Semgrep, runs unreviewed. Attackers pad payloads past scanner limits "
            "and craft names that scanners refuse and loaders accept; hubguard fails the check instead of "
            "guessing."
        ),
        bad_example='model = AutoModel.from_pretrained("org/padded-payload", trust_remote_code=True)',
        good_example=(
            "# Review the listed files by hand at the resolved commit, then pin it:\n"
            'model = AutoModel.from_pretrained("org/model", revision="<reviewed sha>", trust_remote_code=True)'
        ),
        fix="review the listed files by hand at the resolved commit, or do not load the repository",
        remediation=(
            "Open the related locations at the resolved commit and review them by hand; the message says "
            "why each could not be analysed. Re-run if a download failed. Once reviewed, pin `revision=` to "
            "that commit and suppress the finding with a reason."
        ),
        cwe=(94, 1357),
        level=Level.ERROR,
        security_severity=7.5,
        precision="high",
        references=(_TRANSFORMERS_CUSTOM_MODELS,),
    )
)

_register(
    Rule(
        id="HG410",
        name="checkpoint-name-redirected",
        short_description="A local table redirects an OpenMMLab checkpoint name to another URL.",
        what=(
            "Reports `open-mmlab://` / `openmmlab://` names that `$MMENGINE_HOME/open_mmlab.json` (or "
            "`$MMCV_HOME/open_mmlab.json`) on the scanning machine maps to a URL other than the one in the "
            "installed package's own table, or defines although the package does not."
        ),
        why="Whoever can write that file decides which pickle every open-mmlab:// name loads.",
        details=(
            "mmengine and mmcv look checkpoint names up in the JSON table shipped with the package, updated "
            "with `open_mmlab.json` from their home directory. That file is not part of the code under review, "
            "yet it can point a well-known name such as `open-mmlab://resnet50_caffe` at any URL, and the "
            "checkpoint behind it is unpickled. hubguard inspected the file the override points to; the "
            "redirect itself deserves a look, on every machine that runs the code."
        ),
        bad_example=(
            "# $MMENGINE_HOME/open_mmlab.json: {\"detectron/resnet50_caffe\": \"https://mirror.example/r50.pth\"}\n"
            'load_checkpoint(model, "open-mmlab://resnet50_caffe")'
        ),
        good_example=(
            'load_checkpoint(model, "https://download.openmmlab.com/pretrain/third_party/'
            'resnet50_caffe-788b5fa3.pth")'
        ),
        fix="remove the entry from open_mmlab.json, or load the checkpoint by its reviewed URL",
        remediation=(
            "Check who wrote the override file and why. Prefer loading checkpoints by explicit, reviewed URLs "
            "(or local copies) so that no machine-local table decides what is unpickled."
        ),
        cwe=(829, 494),
        level=Level.WARNING,
        security_severity=6.1,
        precision="high",
        references=(
            Reference(
                "MMEngine: load_checkpoint and the open-mmlab:// scheme",
                "https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.runner.load_checkpoint.html",
            ),
        ),
    )
)


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
