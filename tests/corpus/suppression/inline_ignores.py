# corpus-rows: A1 A7 B1
"""Reviewed exceptions: findings suppressed in source stay in the report, marked suppressed."""

import torch
from transformers import AutoModel

reviewed = AutoModel.from_pretrained("org/reviewed", trust_remote_code=True)  # hubguard: ignore[HG101]  # expect: HG201@error:"org/reviewed"  # expect-suppressed: HG101@error:trust_remote_code=True
both = AutoModel.from_pretrained("org/reviewed", trust_remote_code=True)  # hubguard: ignore[HG101,HG201]  # expect-suppressed: HG201@error:"org/reviewed" HG101@error:trust_remote_code=True
spaced = torch.hub.load("owner/repo", "net")  # hubguard: ignore[HG102, HG201]  # expect-suppressed: HG102@warning:torch.hub.load HG201@error:"owner/repo"
checkpoint = torch.load("trusted.pt")  # hubguard: ignore[HG301]  # expect-suppressed: HG301@warning:torch.load
wrong_rule = torch.load("trusted.pt")  # hubguard: ignore[HG201]  # expect: HG301@warning:torch.load
multi_line = AutoModel.from_pretrained(  # hubguard: ignore[HG201]
    "org/reviewed",  # expect-suppressed: HG201@error:"org/reviewed"
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
# hubguard: ignore[HG301]
previous_line = torch.load("other.pt")  # expect: HG301@warning:torch.load
