import subprocess


def mine():
    # ruleid: hubguard.crypto-miner
    pool = "stratum+tcp://pool.supportxmr.com:3333"
    # ruleid: hubguard.crypto-miner
    subprocess.Popen(["./xmrig", "-o", pool, "--donate-level", "1"])


def model_card():
    # ok: hubguard.crypto-miner
    return "https://huggingface.co/docs/transformers"
