# corpus-rows: B2 C3
"""Weights and configs fetched from URLs: only a SHA-256 the loader itself checks pins what it loads."""

import argparse

import torch
from torch.hub import download_url_to_file, load_state_dict_from_url

FULL = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
URL = "https://download.pytorch.org/models/resnet18-f37072fd.pth"
args = argparse.ArgumentParser().parse_args()

off = load_state_dict_from_url(URL, check_hash=False, weights_only=True)  # expect: HG201@warning:check_hash=False
full = load_state_dict_from_url("https://example.com/resnet-" + FULL + ".pth", check_hash=True, weights_only=True)  # expect-clean
named = load_state_dict_from_url(URL, weights_only=True, check_hash=True, file_name="resnet18-" + FULL + ".pth")  # expect-clean
short_name = load_state_dict_from_url(URL, weights_only=True, check_hash=True, file_name="resnet18-f37072fd.pth")  # expect: HG201@note:file_name=
empty = load_state_dict_from_url("https://example.com/model-.pth", check_hash=True, weights_only=True)  # expect: HG201@warning:check_hash=True
dynamic = load_state_dict_from_url(URL, check_hash=args.verify, weights_only=True)  # expect: HG201@note:check_hash=args.verify
run_time_url = load_state_dict_from_url(args.url, weights_only=True)  # expect-clean
zoo = torch.utils.model_zoo.load_url(URL, weights_only=True)  # expect: HG201@warning:URL

download_url_to_file(URL, "resnet18.pth")  # expect: HG201@warning:URL
download_url_to_file(URL, "resnet18.pth", hash_prefix="f37072fd")  # expect: HG201@note:hash_prefix="f37072fd"
download_url_to_file(URL, "resnet18.pth", FULL)  # expect-clean
torch.hub.download_url_to_file("https://example.com/configs/detr_r50.py", "detr_r50.py")  # expect: HG201@error:"https://example.com/configs/detr_r50.py"
torch.hub.download_url_to_file("file:///etc/passwd", "passwd")  # expect-clean
