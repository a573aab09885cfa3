# corpus-rows: A1 A7 B1 B6
"""Calls whose names resemble loaders but are not: user classes, other libraries, strings."""

import json
import pickle

import requests
import yaml


class Registry:
    @classmethod
    def from_pretrained(cls, name: str) -> "Registry":
        return cls()

    def load(self, path: str) -> dict:
        return {}


registry = Registry.from_pretrained("org/model")  # expect-clean
settings = registry.load("settings.pt")  # expect-clean
config = yaml.safe_load("a: 1")  # expect-clean
payload = json.loads("{}")  # expect-clean
response = requests.get("https://huggingface.co/api/models/org/model", timeout=10)  # expect-clean
data = response.json()  # expect-clean
blob = pickle.dumps(data)  # expect-clean

HELP = "Pass trust_remote_code=True to AutoModel.from_pretrained to run repo code."
USAGE = 'torch.hub.load("owner/repo", "model", trust_repo=True)'
print(HELP, USAGE)  # expect-clean
options = {"trust_remote_code": True}  # expect-clean
