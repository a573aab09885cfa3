# corpus-rows: A1
"""Values made by calls: str() of a run-time value and string methods stay run-time values (not local folders);
dict(**base, key=value) is the dict it builds, and a spread only known at run time adds nothing known."""

import argparse

from transformers import AutoModel, AutoModelForCausalLM

COMMIT = "7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
args = argparse.ArgumentParser().parse_args()
BASE = {"trust_remote_code": True}
PINNED_OPTIONS = dict(**BASE, revision=COMMIT)
CLI_OPTIONS = dict(**vars(args), revision=COMMIT)

stripped = AutoModel.from_pretrained(args.model.strip())  # expect: HG201@note:args.model.strip()
converted = AutoModel.from_pretrained(str(args.model))  # expect: HG201@note:str(args.model)
converted_revision = AutoModel.from_pretrained("acme/converted", revision=str(args.revision))  # expect: HG201@note:revision=
pinned_remote_code = AutoModelForCausalLM.from_pretrained("acme/remote", **PINNED_OPTIONS)  # expect: HG101@warning:**PINNED_OPTIONS
from_cli = AutoModel.from_pretrained("acme/cli", **CLI_OPTIONS)  # expect-clean
