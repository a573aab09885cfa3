import os

from huggingface_hub import HfFolder, get_token


def token_from_environment():
    # ruleid: hubguard.credential-read
    return os.environ.get("HF_TOKEN")


def saved_token():
    # ruleid: hubguard.credential-read
    return get_token() or HfFolder.get_token()


def whole_environment():
    # ruleid: hubguard.credential-read
    return dict(os.environ)


def cloud_key():
    # ruleid: hubguard.credential-read
    return os.environ["AWS_SECRET_ACCESS_KEY"]


def rank():
    # ok: hubguard.credential-read
    return int(os.environ.get("LOCAL_RANK", "0"))


def endpoint():
    # ok: hubguard.credential-read
    return os.getenv("HF_ENDPOINT", "https://huggingface.co")
