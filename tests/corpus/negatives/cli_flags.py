# corpus-rows: A1 A4
"""Argument parsing and config plumbing for trust flags, without any loader call."""

import argparse
from dataclasses import dataclass


@dataclass
class LoadOptions:
    model_id: str = "org/model"
    revision: str = "main"
    trust_remote_code: bool = False


parser = argparse.ArgumentParser()
parser.add_argument("--model", default="org/model")  # expect-clean
parser.add_argument("--trust-remote-code", action="store_true")  # expect-clean
options = LoadOptions(model_id="org/model", trust_remote_code=False)  # expect-clean
options.trust_remote_code = True
