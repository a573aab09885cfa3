# corpus-rows: B2 C3
"""load_state_dict_from_url(url, model_dir, map_location, progress, check_hash, file_name): check_hash and
file_name also come positionally, and the hash prefix is read from the URL's file name, never its host."""

import argparse

from torch.hub import download_url_to_file, load_state_dict_from_url

FULL = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
URL = "https://download.pytorch.org/models/resnet18-f37072fd.pth"
args = argparse.ArgumentParser().parse_args()

positional_check = load_state_dict_from_url(URL, "checkpoints", "cpu", True, True, weights_only=True)  # expect: HG201@note:78
positional_name = load_state_dict_from_url(URL, "checkpoints", "cpu", True, True, "resnet18-" + FULL + ".pth", weights_only=True)  # expect-clean
hex_host = load_state_dict_from_url("https://cdn-cafe.example.com/models/resnet.pth", check_hash=True, weights_only=True)  # expect: HG201@warning:check_hash=True
no_hash = load_state_dict_from_url("https://example.com/models/resnet.pth", check_hash=True, weights_only=True)  # expect: HG201@warning:check_hash=True
run_time_name = load_state_dict_from_url(URL, check_hash=True, file_name=args.weights_name, weights_only=True)  # expect: HG201@note:file_name=
download_url_to_file("https://example.com/configs/detr_r50.py", "detr_r50.py", hash_prefix="f37072fd")  # expect: HG201@warning:hash_prefix="f37072fd"
