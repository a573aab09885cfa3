# corpus-rows: C1
"""The file's only hub download goes through a bound method kept in a name: the quick text screen must let the
file through to the analysis, or its finding would never be seen."""

from huggingface_hub import HfApi

download = HfApi().snapshot_download
path = download("org/bound-method")  # expect: HG201@warning:"org/bound-method"
