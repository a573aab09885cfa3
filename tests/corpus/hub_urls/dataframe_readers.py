# corpus-rows: A4 B5 C1
"""Hub files named by URL: hf:// paths read through HfFileSystem by pandas, polars, duckdb and datasets'
data_files, and huggingface.co resolve URLs (shapes from data-loading scripts and notebooks)."""

import duckdb
import pandas as pd
import polars as pl
from datasets import load_dataset
from huggingface_hub import hf_hub_url

SHA = "3f1e0c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
splits = {"train": "data/train-00000-of-00001.parquet", "test": "data/test-00000-of-00001.parquet"}

reviews = pd.read_parquet("hf://datasets/Yelp/yelp_review_full/" + splits["train"])  # expect: HG201@warning:"hf://datasets/Yelp/yelp_review_full/"
pinned_reviews = pd.read_parquet(f"hf://datasets/Yelp/yelp_review_full@{SHA}/" + splits["test"])  # expect-clean
branch = pd.read_csv("hf://datasets/org/tabular@main/train.csv")  # expect: HG201@warning:"hf://datasets/org/tabular@main/train.csv"
tagged = pl.read_parquet("hf://datasets/org/tabular@v2.0/train.parquet")  # expect: HG201@note:"hf://datasets/org/tabular@v2.0/train.parquet"
lazy = pl.scan_parquet("hf://datasets/org/tabular@~parquet/default/train/*.parquet")  # expect: HG201@warning:"hf://datasets/org/tabular@~parquet/default/train/*.parquet"
converted = duckdb.sql("SELECT * FROM 'hf://datasets/org/tabular@refs/convert/parquet/default/train/0.parquet' LIMIT 10")  # expect: HG201@warning:"SELECT
pinned_sql = duckdb.sql(f"SELECT count(*) FROM 'hf://datasets/org/tabular@{SHA}/data/*.parquet'")  # expect-clean
local_frame = pd.read_csv("data/train.csv")  # expect-clean
web_frame = pd.read_csv("https://example.org/data/train.csv")  # expect-clean
resolved = pd.read_json("https://huggingface.co/datasets/org/qa/resolve/main/train.jsonl", lines=True)  # expect: HG201@warning:"https://huggingface.co/datasets/org/qa/resolve/main/train.jsonl"
resolved_pinned = pd.read_json(f"https://huggingface.co/datasets/org/qa/resolve/{SHA}/train.jsonl", lines=True)  # expect-clean

remote_json = load_dataset("json", data_files={"train": "https://huggingface.co/datasets/org/qa/resolve/main/train.jsonl"})  # expect: HG201@warning:data_files=
listed = load_dataset("parquet", data_files=["hf://datasets/org/tabular@refs%2Fpr%2F3/a.parquet"])  # expect: HG201@warning:data_files=
pinned_files = load_dataset("parquet", data_files=f"hf://datasets/org/tabular@{SHA}/data/*.parquet")  # expect-clean
local_files = load_dataset("csv", data_files={"train": "data/train.csv", "test": "data/test.csv"})  # expect-clean
model_file = pd.read_pickle("hf://org/pickled-frames/frame.pkl")  # expect: HG301@warning:pd.read_pickle HG201@warning:"hf://org/pickled-frames/frame.pkl"
url = hf_hub_url("org/qa", "train.jsonl", repo_type="dataset")  # expect: HG201@warning:"org/qa"
short_host = pd.read_csv("https://hf.co/datasets/org/qa/resolve/main/train.csv")  # expect: HG201@warning:"https://hf.co/datasets/org/qa/resolve/main/train.csv"
short_host_pinned = pd.read_csv(f"https://hf.co/datasets/org/qa/resolve/{SHA}/train.csv")  # expect-clean


def load_shards(extra_files, extra_split):
    listed_with_run_time_parts = load_dataset("parquet", data_files=["hf://datasets/org/tabular/a.parquet", extra_files])  # expect: HG201@warning:data_files=
    mapped_with_run_time_parts = load_dataset("parquet", data_files={"train": "hf://datasets/org/tabular/b.parquet", "extra": extra_split})  # expect: HG201@warning:data_files=
    return listed_with_run_time_parts, mapped_with_run_time_parts
