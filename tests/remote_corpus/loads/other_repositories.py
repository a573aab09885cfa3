"""Code a load runs from another repository or revision: cross-repository auto_map (HG406), code_revision,
custom_pipeline and custom_generate repositories, fetched and judged with the load (HG402, HG407, HG408)."""

from diffusers import DiffusionPipeline
from transformers import AutoModel

cross = AutoModel.from_pretrained("rc/cross-clean", revision="<sha of rc/cross-clean>", trust_remote_code=True)  # remote: HG406@error
cross_pinned = AutoModel.from_pretrained("rc/cross-clean", revision="<sha of rc/cross-clean>", code_revision="<sha of rc-code/clean-arch>", trust_remote_code=True)  # remote: clean
cross_tag = AutoModel.from_pretrained("rc/cross-tag", revision="<sha of rc/cross-tag>", code_revision="v1.0", trust_remote_code=True)  # remote: HG406@error
cross_evil = AutoModel.from_pretrained("rc/cross-evil", revision="<sha of rc/cross-evil>", trust_remote_code=True)  # remote: HG402@error HG406@error
cross_missing = AutoModel.from_pretrained("rc/cross-missing", revision="<sha of rc/cross-missing>", trust_remote_code=True)  # remote: HG406@error HG407@error
self_named = AutoModel.from_pretrained("rc/self-named", revision="<sha of rc/self-named>", trust_remote_code=True)  # remote: HG401@warning
code_on_dev = AutoModel.from_pretrained("rc/custom-model", revision="<sha of rc/custom-model>", code_revision="dev", trust_remote_code=True)  # remote: HG401@warning HG402@error
pipe = DiffusionPipeline.from_pretrained("rc/sd-base", revision="<sha of rc/sd-base>", custom_pipeline="rc/pipe-evil", custom_revision="<sha of rc/pipe-evil>")  # remote: HG402@error
generated = model.generate(input_ids, custom_generate="rc/gen-clean", revision="<sha of rc/gen-clean>", trust_remote_code=True)  # remote: clean
fan_out = AutoModel.from_pretrained("rc/fan-out", revision="<sha of rc/fan-out>", trust_remote_code=True)  # remote: HG406@error HG406@error HG406@error HG406@error HG406@error HG406@error HG406@error HG406@error HG408@error
