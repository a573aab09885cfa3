# corpus-rows: A1
"""Revisions and repository IDs built from strings: an f-string or a + of known parts is that string; a part
known only at run time, a format spec or a conversion makes it a run-time value, shown as written. An f-string
concatenated with another string (however its lines are indented) is left unevaluated; a triple-quoted
f-string is one string."""

import argparse

from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoTokenizer

COMMIT = "4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d"
VERSION = "1.2"
ORG = "acme"
args = argparse.ArgumentParser().parse_args()

tagged = AutoModel.from_pretrained("acme/tagged", revision=f"v{VERSION}")  # expect: HG201@note:revision=
joined_tag = AutoModel.from_pretrained("acme/joined-tag", revision="v" + VERSION)  # expect: HG201@note:revision=
joined_commit = AutoTokenizer.from_pretrained(ORG + "/joined-id", revision=COMMIT)  # expect-clean
formatted_id = AutoTokenizer.from_pretrained(f"{ORG}/formatted-id", revision=COMMIT)  # expect-clean
short_commit = AutoModel.from_pretrained("acme/short", revision=f"{COMMIT:.7}")  # expect: HG201@note:revision=
quoted_commit = AutoModel.from_pretrained("acme/quoted", revision=f"{COMMIT!r}")  # missing: HG201@warning:revision=  # wrong: HG201@note:revision=  # known-failure: a conversion is not applied, so the quoted commit is a run-time value, not the unpinned string it is
suffixed = AutoConfig.from_pretrained("acme/suffixed", revision=COMMIT + args.suffix)  # expect: HG201@note:revision=
implicit = AutoModelForCausalLM.from_pretrained(f"{ORG}/" "implicit", trust_remote_code=True)  # expect: HG201@note:f"{ORG}/" HG101@error:trust_remote_code=True
grouped = AutoModelForCausalLM.from_pretrained(
    (
            f"{ORG}/"  # expect: HG201@note:f"{ORG}/"
        "grouped"
    ),
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
triple_quoted = AutoModel.from_pretrained(f"""{ORG}/triple-quoted""")  # expect: HG201@warning:f"""

FORMATTED = {"revision": f"{args.branch}-stable"}
JOINED = {"revision": "release-" + args.version}
CALLED = {"revision": args.revision.strip()}
IMPLICIT = {"revision": f"{args.branch}" "-stable"}
from_formatted = AutoModel.from_pretrained("acme/options", **FORMATTED)  # expect: HG201@note:**FORMATTED
from_joined = AutoModel.from_pretrained("acme/options", **JOINED)  # expect: HG201@note:**JOINED
from_called = AutoModel.from_pretrained("acme/options", **CALLED)  # expect: HG201@note:**CALLED
from_implicit = AutoModel.from_pretrained("acme/options", **IMPLICIT)  # expect: HG201@note:**IMPLICIT
