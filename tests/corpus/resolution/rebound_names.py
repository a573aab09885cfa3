# corpus-rows: A1
"""A name bound once to a literal is that constant; bound again anywhere in its scope (a for loop, a walrus, an
augmented assignment, del, global, a comprehension's target, an except clause, tuple unpacking, a starred target)
it is a run-time value, so a pinned revision it held no longer counts. A lambda's parameter is the lambda's own
name, whatever the enclosing scope binds."""

import argparse
import json

from transformers import AutoModel, AutoModelForCausalLM, AutoTokenizer

SHA = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
MODEL_ID: str = "org/annotated-model"
PINNED_REVISION: str = SHA
UNPINNED_REVISION: str = "main"
args = argparse.ArgumentParser().parse_args()

annotated = AutoModel.from_pretrained(MODEL_ID, revision=PINNED_REVISION)  # expect-clean
annotated_branch = AutoModel.from_pretrained(MODEL_ID, revision=UNPINNED_REVISION)  # expect: HG201@warning:revision=UNPINNED_REVISION


def sweep_revisions():
    revision = SHA
    for revision in args.revisions:
        AutoModel.from_pretrained("org/sweep", revision=revision)  # expect: HG201@note:revision=revision


async def sweep_revisions_async(stream):
    revision = SHA
    async for revision in stream:
        AutoModel.from_pretrained("org/sweep", revision=revision)  # expect: HG201@note:revision=revision


def latest_tag(tags):
    revision = SHA
    if tags and (revision := tags[-1]).startswith("v"):
        print("using tag", revision)
    return AutoModel.from_pretrained("org/walrus", revision=revision)  # expect: HG201@note:revision=revision


def patched(revision_suffix):
    revision = SHA
    if revision_suffix:
        revision += revision_suffix
    return AutoTokenizer.from_pretrained("org/augmented", revision=revision)  # expect: HG201@note:revision=revision


def from_run_file(path):
    revision = SHA
    del revision
    globals().update(json.load(open(path)))
    return AutoModel.from_pretrained("org/deleted", revision=revision)  # expect: HG201@note:revision=revision


CURRENT_REVISION = SHA


def load_switched(pinned):
    global CURRENT_REVISION
    if not pinned:
        CURRENT_REVISION = "main"
    return AutoModelForCausalLM.from_pretrained("org/current", revision=CURRENT_REVISION)  # expect: HG201@note:revision=CURRENT_REVISION


def load_each(names):
    model_id = "org/default-model"
    return [AutoTokenizer.from_pretrained(model_id) for model_id in names]  # expect: HG201@note:model_id)


def loaders():
    revision = SHA
    by_revision = lambda revision: AutoModel.from_pretrained("org/lambda", revision=revision)  # expect: HG201@note:revision=revision
    at_commit = lambda: AutoModel.from_pretrained("org/lambda", revision=revision)  # expect-clean
    return by_revision, at_commit


def load_or_report(report):
    status = SHA
    try:
        report(status)
    except ValueError as status:
        print(status)
    return AutoModel.from_pretrained("org/except", revision=status)  # expect: HG201@note:revision=status


def from_command_line(argv):
    revision = SHA
    revision, config_path = argv[1:3]
    return AutoModel.from_pretrained("org/unpacked", revision=revision)  # expect: HG201@note:revision=revision


def last_checkpoints(argv):
    model_ids = "org/default-model"
    program, *model_ids = argv
    return AutoModel.from_pretrained(model_ids)  # expect: HG201@note:model_ids
