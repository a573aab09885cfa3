import importlib.util
import os
import subprocess
import sys


def ensure_flash_attention():
    if importlib.util.find_spec("flash_attn") is None:
        # ruleid: hubguard.dynamic-pip-install
        subprocess.check_call([sys.executable, "-m", "pip", "install", "flash-attn"])


def ensure_helper(name):
    # ruleid: hubguard.dynamic-pip-install
    os.system(f"pip install {name}")


def ensure_plain():
    # ruleid: hubguard.dynamic-pip-install
    os.system("pip install einops")


def has_flash_attention():
    # ok: hubguard.dynamic-pip-install
    return importlib.util.find_spec("flash_attn") is not None
