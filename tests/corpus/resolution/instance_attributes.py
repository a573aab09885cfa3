# corpus-rows: A1
"""self.x (and cls.x): a constant when the class assigns it once, a run-time value when it is assigned again or
augmented, unknown when the class never assigns it, and unknown in a function that only takes a parameter named
self (even when that function assigns it: no class says what self is)."""

from transformers import AutoModel, AutoTokenizer

COMMIT = "1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"


class Evaluator:
    def __init__(self):
        self.model_id = "acme/evaluator"
        self.revision = COMMIT

    def load(self):
        return AutoModel.from_pretrained(self.model_id, revision=self.revision)  # expect-clean

    def load_tokenizer(self):
        return AutoTokenizer.from_pretrained(self.model_id)  # expect: HG201@warning:self.model_id


class PatchedEvaluator:
    def __init__(self):
        self.revision = COMMIT

    def patch(self, suffix):
        self.revision += suffix

    def load(self):
        return AutoModel.from_pretrained("acme/patched", revision=self.revision)  # expect: HG201@note:revision=


class Registry:
    @classmethod
    def configure(cls):
        cls.model_id = "acme/registry"

    @classmethod
    def load(cls):
        return AutoModel.from_pretrained(cls.model_id)  # expect: HG201@warning:cls.model_id


class ConfiguredElsewhere:
    def load(self):
        return AutoModel.from_pretrained("acme/configured", revision=self.revision)  # expect: HG201@note:revision=


def load_for(self):
    return AutoModel.from_pretrained(self.model_id)  # expect: HG201@note:self.model_id


def load_assigned(self):
    self.model_id = "acme/plain-function"
    return AutoModel.from_pretrained(self.model_id)  # expect: HG201@note:self.model_id
