# corpus-rows: A4
"""Data preparation for a QA fine-tune."""

from datasets import load_dataset, load_dataset_builder, load_from_disk

SHA = "84a516841ba77a5b4648de2cd0dfcb30ea46dbb4"

squad = load_dataset("rajpurkar/squad")  # expect: HG201@warning:"rajpurkar/squad"
imdb = load_dataset("imdb", split="train")  # expect: HG201@warning:"imdb"
p3 = load_dataset("bigscience/P3", "xsum_summarize_this_DOC_summary", trust_remote_code=True)  # expect: HG201@error:"bigscience/P3" HG101@error:trust_remote_code=True
parquet = load_dataset("allenai/c4", "en", revision="refs/convert/parquet")  # expect: HG201@warning:revision="refs/convert/parquet"
c4 = load_dataset("allenai/c4", "en", revision=SHA, streaming=True)  # expect-clean
voice = load_dataset_builder("mozilla-foundation/common_voice_11_0", "en", trust_remote_code=True)  # expect: HG201@error:"mozilla-foundation/common_voice_11_0" HG101@error:trust_remote_code=True
no_trust = load_dataset("org/scripted-dataset", revision=SHA, trust_remote_code=False)  # expect-clean
by_keyword = load_dataset(path="HuggingFaceH4/ultrachat_200k", split="train_sft")  # expect: HG201@warning:path="HuggingFaceH4/ultrachat_200k"
