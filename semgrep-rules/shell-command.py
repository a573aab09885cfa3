import logging
import os
import pty
import subprocess

logger = logging.getLogger(__name__)


def on_import():
    # ruleid: hubguard.shell-command
    os.system("id > /tmp/hubguard-never")


def popen_probe():
    # ruleid: hubguard.shell-command
    return os.popen("uname -a").read()


def shell_true(command):
    # ruleid: hubguard.shell-command
    subprocess.run(command, shell=True, check=False)


def interactive():
    # ruleid: hubguard.shell-command
    pty.spawn("/bin/sh")


def obfuscated():
    # ruleid: hubguard.shell-command
    __import__("os").system("true")


def cache_dir():
    # ok: hubguard.shell-command
    path = os.path.join(os.path.expanduser("~"), ".cache", "model")
    logger.info("using %s", path)
    return path
