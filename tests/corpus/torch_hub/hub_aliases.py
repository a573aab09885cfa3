# corpus-rows: A7 B2
"""The same entry points reached through `from torch import hub` and module aliases."""

import torch.hub as th
from torch import hub
from torch.hub import load_state_dict_from_url

midas = hub.load("intel-isl/MiDaS", "MiDaS_small")  # expect: HG102@warning:hub.load HG201@error:"intel-isl/MiDaS"
models = th.list("pytorch/vision", force_reload=True)  # expect: HG102@warning:th.list HG201@error:"pytorch/vision"
local = th.load("/opt/models/hubconf_repo", "net", source="local", trust_repo=True)  # expect-clean
weights = load_state_dict_from_url("https://example.com/weights.pth", progress=False)  # expect: HG301@warning:load_state_dict_from_url HG201@warning:"https://example.com/weights.pth"
