# corpus-rows: B11 B12 B13
"""Loaders in higher-level frameworks that end in torch.load without weights_only."""

import nemo.collections.asr as nemo_asr
from fastai.learner import load_learner
from huggingface_hub import from_pretrained_fastai
from ultralytics import YOLO

SHA = "84a516841ba77a5b4648de2cd0dfcb30ea46dbb4"

learner = load_learner("export.pkl")  # expect: HG301
hub_learner = from_pretrained_fastai("espejelomar/identify-my-cat")  # expect: HG301 HG201
pinned_learner = from_pretrained_fastai("espejelomar/identify-my-cat", revision=SHA)  # expect: HG301
prediction = learner.predict("cat.jpg")  # expect-clean

detector = YOLO("yolov8n.pt")  # expect: HG301
results = detector("bus.jpg")  # expect-clean
detector.export(format="onnx")  # expect-clean

asr = nemo_asr.models.ASRModel.restore_from("asr_model.nemo")  # expect: HG301
ctc = nemo_asr.models.EncDecCTCModel.from_pretrained("nvidia/stt_en_conformer_ctc_small")  # expect: HG301 HG201
transcripts = asr.transcribe(["sample.wav"])  # expect-clean
