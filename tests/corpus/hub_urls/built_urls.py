# corpus-rows: A4 C1
"""Hub paths assembled from pieces: only the known start of the string names the repository (and its revision
when the @ is in it); a part known only at run time ends what can be read."""

import argparse

import duckdb
import pandas as pd
from datasets import load_dataset

COMMIT = "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"
ORG = "acme"
args = argparse.ArgumentParser().parse_args()
split = args.split
SHARDS = ["hf://datasets/acme/reviews/data/train-0.parquet", "hf://datasets/acme/reviews/data/train-1.parquet"]

formatted = pd.read_csv(f"hf://datasets/acme/reviews/{split}.csv")  # expect: HG201@warning:f"hf://datasets/acme/reviews/
formatted_owner = pd.read_csv(f"hf://datasets/{ORG}/reviews/{split}.csv")  # expect: HG201@warning:f"hf://datasets/{ORG}/reviews/
formatted_pinned = pd.read_csv(f"hf://datasets/{ORG}/reviews@{COMMIT}/{split}.csv")  # expect-clean
joined = pd.read_parquet("hf://datasets/" + ORG + "/reviews/" + split)  # expect: HG201@warning:"hf://datasets/"
joined_fstring_start = pd.read_parquet(f"hf://datasets/{ORG}/" + "reviews/" + split)  # expect: HG201@warning:f"hf://datasets/{ORG}/"
joined_then_formatted = pd.read_parquet("hf://datasets/acme/" + f"reviews/{split}.parquet")  # expect: HG201@warning:"hf://datasets/acme/"
joined_inside = pd.read_parquet(("hf://datasets/acme/reviews/" + split) + ".parquet")  # expect: HG201@warning:("hf://datasets/acme/reviews/"
revision_at_run_time = pd.read_csv(f"hf://datasets/acme/reviews{args.at_revision}/train.csv")  # expect-clean
joined_revision_at_run_time = pd.read_csv("hf://datasets/acme/reviews" + args.at_revision + "/train.csv")  # expect-clean
revision_after_at = pd.read_csv(f"hf://datasets/acme/reviews@{args.revision}/train.csv")  # expect-clean
joined_revision_after_at = pd.read_csv("hf://datasets/acme/reviews@" + args.revision + "/train.csv")  # expect-clean
padded = pd.read_csv(f"hf://datasets/acme/reviews/{split:>8}.csv")  # expect: HG201@warning:f"hf://datasets/acme/reviews/
query = duckdb.sql(args.select + " FROM 'hf://datasets/acme/reviews/train.parquet'")  # missing: HG201@warning:args.select  # known-failure: only the known start of a built string is read, so a hub path after a run-time part goes unseen
unpacked = load_dataset("parquet", data_files=[*SHARDS, "data/extra.parquet"])  # expect: HG201@warning:data_files=
