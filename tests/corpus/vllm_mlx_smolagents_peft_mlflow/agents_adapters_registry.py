# corpus-rows: A14 A16 A17 B9
"""Agent tools from the Hub, LoRA adapters, and models from an MLflow registry."""

import mlflow
from peft import AutoPeftModelForCausalLM, PeftModel
from smolagents import CodeAgent, InferenceClientModel, Tool, load_tool
from transformers import AutoModelForCausalLM

SHA = "84a516841ba77a5b4648de2cd0dfcb30ea46dbb4"

image_tool = load_tool("m-ric/text-to-image", trust_remote_code=True)  # expect: HG201@error:"m-ric/text-to-image" HG101@error:trust_remote_code=True
download_tool = Tool.from_hub("huggingface-tools/text-download", trust_remote_code=True)  # expect: HG201@error:"huggingface-tools/text-download" HG101@error:trust_remote_code=True
engine = InferenceClientModel(model_id="Qwen/Qwen2.5-Coder-32B-Instruct")  # expect-clean
agent = CodeAgent(tools=[image_tool, download_tool], model=engine)  # expect-clean
agent.run("Draw a cat")  # expect-clean

adapter = AutoPeftModelForCausalLM.from_pretrained("ybelkada/opt-350m-lora")  # expect: HG201@warning:"ybelkada/opt-350m-lora"
trusted_adapter = AutoPeftModelForCausalLM.from_pretrained("org/adapter", revision=SHA, trust_remote_code=True)  # expect: HG101@warning:trust_remote_code=True
base = AutoModelForCausalLM.from_pretrained("huggyllama/llama-7b", revision=SHA)  # expect-clean
lora = PeftModel.from_pretrained(base, "tloen/alpaca-lora-7b")  # expect: HG201@warning:"tloen/alpaca-lora-7b"
local_lora = PeftModel.from_pretrained(base, "./lora-out")  # expect-clean
merged = lora.merge_and_unload()  # expect-clean

chat = mlflow.transformers.load_model("models:/chat-model/3")  # expect: HG101@warning:mlflow.transformers.load_model
pyfunc = mlflow.pyfunc.load_model("runs:/0a1b2c3d/model")  # expect: HG301@warning:mlflow.pyfunc.load_model
churn = mlflow.sklearn.load_model("models:/churn/Production")  # expect: HG301@warning:mlflow.sklearn.load_model
torch_model = mlflow.pytorch.load_model("runs:/0a1b2c3d/model")  # expect: HG301@warning:mlflow.pytorch.load_model
mlflow.log_metric("loss", 0.1)  # expect-clean
mlflow.transformers.log_model(chat, name="chat-model")  # expect-clean
