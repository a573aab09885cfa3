"""What the remote pass could not see: the hub withheld it (HG405), the name is free (HG407), or code that runs
was not analysed (HG408)."""

import torch
from transformers import AutoModel

gated = AutoModel.from_pretrained("rc/gated", revision="<sha of rc/gated>", trust_remote_code=True)  # remote: HG405@warning
limited = AutoModel.from_pretrained("rc/rate-limited", revision="<sha of rc/rate-limited>", trust_remote_code=True)  # remote: HG405@warning
missing = AutoModel.from_pretrained("rc/does-not-exist")  # remote: HG407@error
hub_model = torch.hub.load("owner/repo:0123456789abcdef0123456789abcdef01234567", "model", trust_repo=True)  # remote: HG405@warning
refused = AutoModel.from_pretrained("rc/refused-name", revision="<sha of rc/refused-name>", trust_remote_code=True)  # remote: HG401@warning HG408@error
