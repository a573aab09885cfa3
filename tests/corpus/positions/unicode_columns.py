# corpus-rows: A1 B1
"""Columns count code points, not bytes: non-ASCII text before a finding must not shift it."""

import torch
from transformers import AutoModel

données = torch.load("modèle.pt")  # expect: HG301@warning:torch.load
模型 = AutoModel.from_pretrained("组织/模型", revision="main")  # expect: HG201@warning:revision="main"
emoji = AutoModel.from_pretrained("org/m", revision="🚀", trust_remote_code=True)  # expect: HG201@error:revision="🚀" HG101@error:trust_remote_code=True
	# (a tab-indented comment line; tabs count as one column)
if True:
	indented = torch.load("x.pt")  # expect: HG301@warning:torch.load
