# corpus-rows: A1
"""Command-line loader: the flag and the revision come from argparse and the environment."""

import argparse
import os

from transformers import AutoModel, AutoTokenizer

parser = argparse.ArgumentParser()
parser.add_argument("--trust-remote-code", action="store_true")  # expect-clean
parser.add_argument("--revision", default=None)
parser.add_argument("--safe-mode", action="store_true")
args = parser.parse_args()

model = AutoModel.from_pretrained("mosaicml/mpt-7b", trust_remote_code=args.trust_remote_code)  # expect: HG201@error:"mosaicml/mpt-7b" HG101@warning:trust_remote_code=args.trust_remote_code
tok = AutoTokenizer.from_pretrained("mosaicml/mpt-7b", revision=os.environ["MPT_REVISION"])  # expect: HG201@note:revision=os.environ
env_flag = AutoModel.from_pretrained(
    "mosaicml/mpt-7b",  # expect: HG201@error:"mosaicml/mpt-7b"
    trust_remote_code=os.environ.get("TRUST_REMOTE_CODE") == "1",  # expect: HG101@warning:trust_remote_code=os.environ.get
)
negated = AutoModel.from_pretrained("mosaicml/mpt-7b", trust_remote_code=not args.safe_mode)  # expect: HG201@error:"mosaicml/mpt-7b" HG101@warning:trust_remote_code=not
