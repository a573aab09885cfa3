# corpus-rows: A4
"""Loads local files through the packaged builders: none of these is a hub repository."""

from datasets import load_dataset, load_from_disk

jsonl = load_dataset("json", data_files="data/train.jsonl")  # expect-clean
csv = load_dataset("csv", data_files={"train": "train.csv", "test": "test.csv"})  # expect-clean
parquet = load_dataset("parquet", data_dir="./data")  # expect-clean
images = load_dataset("imagefolder", data_dir="./images")  # expect-clean
text = load_dataset("text", data_files="corpus.txt")  # expect-clean
script = load_dataset("./my_dataset")  # expect-clean
cached = load_from_disk("./cached_ds")  # expect-clean
