import os
import subprocess
import sys

import torch


def gpu_query():
    # ruleid: hubguard.process-spawn
    return subprocess.check_output(["nvidia-smi", "-L"])


def replace_process(path):
    # ruleid: hubguard.process-spawn
    os.execv(path, [path])


def background(path):
    # ruleid: hubguard.process-spawn
    subprocess.Popen([sys.executable, path])


def hidden_module():
    # ruleid: hubguard.process-spawn
    return __import__("subprocess").Popen(["id"])


def shell_variant(command):
    # ok: hubguard.process-spawn
    subprocess.run(command, shell=True)


def checkpoint_exists(path):
    # ok: hubguard.process-spawn
    if os.path.exists(path):
        return torch.load(path, map_location="cpu", weights_only=True)
    return None
