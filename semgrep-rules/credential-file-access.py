import os
from pathlib import Path


def steal_token():
    # ruleid: hubguard.credential-file-access
    with open(os.path.expanduser("~/.cache/huggingface/token")) as handle:
        return handle.read()


def steal_keys():
    # ruleid: hubguard.credential-file-access
    return (Path.home() / ".ssh/id_rsa").read_text()


def ssh_dir():
    # ruleid: hubguard.credential-file-access
    return os.listdir(os.path.join(os.path.expanduser("~"), ".ssh"))


def aws():
    # ruleid: hubguard.credential-file-access
    return Path("~/.aws/credentials").expanduser().read_text()


def cache_location():
    # ok: hubguard.credential-file-access
    return os.path.join(os.path.expanduser("~"), ".cache", "huggingface", "hub")
