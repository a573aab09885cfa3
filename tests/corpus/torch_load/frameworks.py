# corpus-rows: B11 B12 B13
"""Loaders in higher-level frameworks that end in torch.load without weights_only."""

import nemo.collections.asr as nemo_asr
from fastai.learner import load_learner
from huggingface_hub import from_pretrained_fastai
from ultralytics import YOLO

SHA = "84a516841ba77a5b4648de2cd0dfcb30ea46dbb4"

learner = load_learner("export.pkl")  # expect: HG301@warning:load_learner
hub_learner = from_pretrained_fastai("espejelomar/identify-my-cat")  # expect: HG301@warning:from_pretrained_fastai HG201@warning:"espejelomar/identify-my-cat"
pinned_learner = from_pretrained_fastai("espejelomar/identify-my-cat", revision=SHA)  # expect: HG301@warning:from_pretrained_fastai
prediction = learner.predict("cat.jpg")  # expect-clean

detector = YOLO("yolov8n.pt")  # expect: HG301@warning:YOLO
results = detector("bus.jpg")  # expect-clean
detector.export(format="onnx")  # expect-clean

asr = nemo_asr.models.ASRModel.restore_from("asr_model.nemo")  # expect: HG301@warning:nemo_asr.models.ASRModel.restore_from
ctc = nemo_asr.models.EncDecCTCModel.from_pretrained("nvidia/stt_en_conformer_ctc_small")  # expect: HG301@warning:nemo_asr.models.EncDecCTCModel.from_pretrained HG201@warning:"nvidia/stt_en_conformer_ctc_small"
transcripts = asr.transcribe(["sample.wav"])  # expect-clean
