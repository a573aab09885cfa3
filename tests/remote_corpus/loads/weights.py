"""Weights the call loads: pickle-only repositories (HG404) and what is inside the pickles (HG403)."""

from transformers import AutoModel

evil = AutoModel.from_pretrained("rc/pickle-os-system", revision="<sha of rc/pickle-os-system>")  # remote: HG403@error HG404@warning
odd = AutoModel.from_pretrained("rc/pickle-unknown-class", revision="<sha of rc/pickle-unknown-class>")  # remote: HG403@warning HG404@warning
estimator = AutoModel.from_pretrained("rc/pickle-sklearn", revision="<sha of rc/pickle-sklearn>")  # remote: HG403@note HG404@warning
state_dict = AutoModel.from_pretrained("rc/pickle-state-dict", revision="<sha of rc/pickle-state-dict>")  # remote: HG404@warning
preferred = AutoModel.from_pretrained("rc/with-safetensors", revision="<sha of rc/with-safetensors>")  # remote: clean
