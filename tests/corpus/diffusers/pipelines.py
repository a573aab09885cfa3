# corpus-rows: A6
"""Image generation service: base pipelines, custom pipelines and components. A custom_revision that is not a
string (a version number written as a float) pins nothing."""

from diffusers import AutoPipelineForText2Image, DiffusionPipeline, StableDiffusionPipeline

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"

sdxl = DiffusionPipeline.from_pretrained("stabilityai/stable-diffusion-xl-base-1.0")  # expect: HG201@warning:"stabilityai/stable-diffusion-xl-base-1.0"
fp16 = StableDiffusionPipeline.from_pretrained("CompVis/stable-diffusion-v1-4", revision="fp16")  # expect: HG201@warning:revision="fp16"
turbo = AutoPipelineForText2Image.from_pretrained("stabilityai/sdxl-turbo", revision=SHA)  # expect-clean
community = DiffusionPipeline.from_pretrained(
    "stabilityai/stable-diffusion-xl-base-1.0",  # expect: HG201@warning:"stabilityai/stable-diffusion-xl-base-1.0"
    custom_pipeline="lpw_stable_diffusion_xl",  # expect: HG101@warning:custom_pipeline="lpw_stable_diffusion_xl"
)
other_repo = DiffusionPipeline.from_pretrained("org/base", revision=SHA, custom_pipeline="org/pipeline-code")  # expect: HG101@error:custom_pipeline="org/pipeline-code" HG201@error:custom_pipeline="org/pipeline-code"
both_pinned = DiffusionPipeline.from_pretrained(
    "org/base",
    revision=SHA,
    custom_pipeline="org/pipeline-code",  # expect: HG101@warning:custom_pipeline="org/pipeline-code"
    custom_revision=SHA,
)
numbered = DiffusionPipeline.from_pretrained(
    "org/base",
    revision=SHA,
    custom_pipeline="org/pipeline-code",  # expect: HG101@error:custom_pipeline="org/pipeline-code"
    custom_revision=0.21,  # expect: HG201@error:custom_revision=0.21
)
components = DiffusionPipeline.from_pretrained("org/custom-components", trust_remote_code=True)  # expect: HG201@error:"org/custom-components" HG101@error:trust_remote_code=True
no_custom = DiffusionPipeline.from_pretrained("org/base", revision=SHA, custom_pipeline=None)  # expect-clean
single = StableDiffusionPipeline.from_single_file("./v1-5-pruned-emaonly.safetensors")  # expect-clean
sdxl.to("cuda")  # expect-clean
image = sdxl("an astronaut riding a horse").images[0]  # expect-clean
