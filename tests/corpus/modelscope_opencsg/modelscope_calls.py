# corpus-rows: A10
"""ModelScope inference: snapshots, transformers-style Auto classes, Model and pipeline."""

from modelscope import AutoModelForCausalLM, AutoTokenizer, MsDataset, model_file_download, snapshot_download
from modelscope.hub.snapshot_download import dataset_snapshot_download
from modelscope.models import Model
from modelscope.pipelines import pipeline
from modelscope.utils.constant import Tasks

SHA = "0d1b3c5e7f9a2b4c6d8e0f1a3b5c7d9e1f2a4b6c"

model_dir = snapshot_download("qwen/Qwen2-7B-Instruct")  # expect: HG201@warning:"qwen/Qwen2-7B-Instruct"
tagged_dir = snapshot_download("qwen/Qwen2-7B-Instruct", revision="v1.0.1")  # expect: HG201@note:revision="v1.0.1"
data_dir = snapshot_download("owner/corpus", repo_type="dataset")  # expect: HG201@warning:"owner/corpus"
config_path = model_file_download("qwen/Qwen2-7B-Instruct", "config.json")  # expect: HG201@warning:"qwen/Qwen2-7B-Instruct"
pinned_path = model_file_download("qwen/Qwen2-7B-Instruct", "config.json", SHA)  # expect-clean
corpus_dir = dataset_snapshot_download("owner/corpus", "master")  # expect: HG201@warning:"master"
tokenizer = AutoTokenizer.from_pretrained("qwen/Qwen-7B-Chat", revision="master", trust_remote_code=True)  # expect: HG201@error:revision="master" HG101@error:trust_remote_code=True
llm = AutoModelForCausalLM.from_pretrained(model_dir, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
asr = pipeline(
    task=Tasks.auto_speech_recognition,
    model="iic/speech_paraformer-large_asr_nat-zh-cn-16k-common-vocab8404-pytorch",  # expect: HG101@warning:model=
    model_revision="v2.0.4",  # expect: HG201@warning:model_revision="v2.0.4"
)
ocr = pipeline(Tasks.ocr_recognition, model="damo/cv_convnextTiny_ocr-recognition-general_damo")  # expect: HG201@error:model= HG101@warning:model=
plugin_model = Model.from_pretrained("damo/nlp_structbert_backbone_base_std", revision="v1.0.0", trust_remote_code=True)  # expect: HG201@warning:revision="v1.0.0" HG101@error:trust_remote_code=True
refused = Model.from_pretrained("iic/nlp_model", trust_remote_code=False)  # expect: HG201@error:"iic/nlp_model" HG101@warning:"iic/nlp_model"
positional = Model.from_pretrained("owner/classifier", SHA, None, "cpu", True)  # expect: HG101@warning:True
community = Model.from_pretrained("owner/classifier", revision=SHA)  # expect-clean
clue = MsDataset.load("clue", subset_name="afqmc", trust_remote_code=True)  # expect: HG201@error:"clue" HG101@error:trust_remote_code=True
scripted = MsDataset.load("owner/scripted", version=SHA, trust_remote_code=True)  # expect: HG101@warning:trust_remote_code=True
local_model = Model.from_pretrained("./local_model")  # expect-clean
local_pipe = pipeline(Tasks.text_classification, model="/srv/models/classifier")  # expect-clean
result = ocr("receipt.png")  # expect-clean
