# corpus-rows: A10
"""ModelScope inference: snapshots, transformers-style Auto classes, Model and pipeline."""

from modelscope import AutoModelForCausalLM, AutoTokenizer, snapshot_download
from modelscope.models import Model
from modelscope.pipelines import pipeline
from modelscope.utils.constant import Tasks

model_dir = snapshot_download("qwen/Qwen2-7B-Instruct")  # expect: HG201@warning:"qwen/Qwen2-7B-Instruct"
tagged_dir = snapshot_download("qwen/Qwen2-7B-Instruct", revision="v1.0.1")  # expect: HG201@note:revision="v1.0.1"
tokenizer = AutoTokenizer.from_pretrained("qwen/Qwen-7B-Chat", revision="master", trust_remote_code=True)  # expect: HG201@error:revision="master" HG101@error:trust_remote_code=True
llm = AutoModelForCausalLM.from_pretrained(model_dir, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
asr = pipeline(
    task=Tasks.auto_speech_recognition,
    model="iic/speech_paraformer-large_asr_nat-zh-cn-16k-common-vocab8404-pytorch",
    model_revision="v2.0.4",  # expect: HG201@note:model_revision="v2.0.4"
)
ocr = pipeline(Tasks.ocr_recognition, model="damo/cv_convnextTiny_ocr-recognition-general_damo")  # expect: HG201@warning:model="damo/cv_convnextTiny_ocr-recognition-general_damo"
plugin_model = Model.from_pretrained("damo/nlp_structbert_backbone_base_std", revision="v1.0.0", trust_remote_code=True)  # expect: HG201@warning:revision="v1.0.0" HG101@error:trust_remote_code=True
local_model = Model.from_pretrained("./local_model")  # expect-clean
local_pipe = pipeline(Tasks.text_classification, model="/srv/models/classifier")  # expect-clean
result = ocr("receipt.png")  # expect-clean
