# corpus-rows: A1 A7 B1
"""Where `# hubguard: ignore[...]` may sit on a multi-line call, and which codes it takes."""

import pickle

import torch
from transformers import AutoModel

flagged_line = AutoModel.from_pretrained(
    "org/m",  # expect: HG201@error:"org/m"
    trust_remote_code=True,  # hubguard: ignore[HG101]  # expect-suppressed: HG101@error:trust_remote_code=True
)
first_line = AutoModel.from_pretrained(  # hubguard: ignore[HG101]
    "org/m",  # expect: HG201@error:"org/m"
    trust_remote_code=True,  # expect-suppressed: HG101@error:trust_remote_code=True
)
closing_line = AutoModel.from_pretrained(
    "org/m",  # expect: HG201@error:"org/m"
    trust_remote_code=True,  # expect-suppressed: HG101@error:trust_remote_code=True
)  # hubguard: ignore[HG101]
closing_argument_line = AutoModel.from_pretrained(
    "org/m",  # expect-suppressed: HG201@error:"org/m"
    trust_remote_code=True)  # hubguard: ignore[HG101, HG201]  # expect-suppressed: HG101@error:trust_remote_code=True
revision_line = AutoModel.from_pretrained(
    "org/m",
    revision="main",  # hubguard: ignore[HG201]  # expect-suppressed: HG201@error:revision="main"
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
other_argument_line = AutoModel.from_pretrained(
    "org/m",  # hubguard: ignore[HG101]
    revision="main",  # expect: HG201@error:revision="main"
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
blanket_closing = AutoModel.from_pretrained(
    "org/m",  # expect-suppressed: HG201@error:"org/m"
    trust_remote_code=True,  # expect-suppressed: HG101@error:trust_remote_code=True
)  # hubguard: ignore
callee_finding = torch.load(  # hubguard: ignore[HG301]  # expect-suppressed: HG301@warning:torch.load
    "checkpoint.pt",
)
callee_finding_closing = torch.load(  # expect-suppressed: HG301@warning:torch.load
    "checkpoint.pt",
)  # hubguard: ignore[HG301]
callee_finding_argument = torch.load(  # expect: HG301@warning:torch.load
    "checkpoint.pt",  # hubguard: ignore[HG301]
)

lower_case = torch.load("x.pt")  # hubguard: ignore[hg301]  # expect-suppressed: HG301@warning:torch.load
lower_case_list = AutoModel.from_pretrained("org/m", trust_remote_code=True)  # hubguard: ignore[hg101,hg201]  # expect-suppressed: HG201@error:"org/m" HG101@error:trust_remote_code=True
mixed_case = torch.load("x.pt")  # hubguard: ignore[Hg301]  # expect-suppressed: HG301@warning:torch.load
unknown_code = torch.load("x.pt")  # hubguard: ignore[HG999]  # expect: HG301@warning:torch.load
unknown_and_known = torch.load("x.pt")  # hubguard: ignore[HG999, HG301]  # expect-suppressed: HG301@warning:torch.load
empty_list = torch.load("x.pt")  # hubguard: ignore[]  # expect: HG301@warning:torch.load
malformed_code = torch.load("x.pt")  # hubguard: ignore[HG-301]  # expect: HG301@warning:torch.load
unclosed_list = torch.load("x.pt")  # hubguard: ignore[HG301  # expect: HG301@warning:torch.load
blanket = torch.load("x.pt")  # hubguard: ignore  # expect-suppressed: HG301@warning:torch.load
spaced_list = torch.load("x.pt")  # hubguard: ignore [HG201]  # expect: HG301@warning:torch.load
space_separated = torch.load("x.pt")  # hubguard: ignore[HG201 HG301]  # expect-suppressed: HG301@warning:torch.load
not_the_word = torch.load("x.pt")  # hubguard: ignored since 2023  # expect: HG301@warning:torch.load
no_space = torch.load("x.pt")  #hubguard:ignore[HG301]  # expect-suppressed: HG301@warning:torch.load
two_calls = torch.load("a.pt"), pickle.loads(b"")  # hubguard: ignore[HG301]  # expect-suppressed: HG301@warning:torch.load HG301@warning:pickle.loads
nested = pickle.loads(pickle.loads(b""))  # hubguard: ignore[HG301]  # expect-suppressed: HG301@warning:10 HG301@warning:23
hub = torch.hub.load("owner/repo", "net", trust_repo=True)  # hubguard: ignore[HG102]  # expect: HG201@error:"owner/repo"  # expect-suppressed: HG102@error:trust_repo=True
