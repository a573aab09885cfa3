# corpus-rows: A12
"""OpenMMLab checkpoints: every source but a local path is downloaded and unpickled with no hash check."""

from mmcv.runner import load_checkpoint as mmcv_load_checkpoint
from mmdet.apis import DetInferencer, init_detector
from mmengine.runner import CheckpointLoader, Runner, load_checkpoint

from detectors import init_detector as our_init_detector

model = object()
load_checkpoint(model, "open-mmlab://resnet50_caffe")  # expect: HG301@warning:"open-mmlab://resnet50_caffe" HG201@warning:"open-mmlab://resnet50_caffe"
load_checkpoint(model, "work_dirs/latest.pth", map_location="cpu")  # expect: HG301@warning:"work_dirs/latest.pth"
load_checkpoint(model, "s3://bucket/model.pth")  # expect: HG301@warning:"s3://bucket/model.pth"
state = CheckpointLoader.load_checkpoint("torchvision://resnet50")  # expect: HG301@warning:"torchvision://resnet50" HG201@warning:"torchvision://resnet50"
runner = Runner(model=model, work_dir="work_dirs", load_from="https://download.openmmlab.com/mmdet/r50.pth")  # expect: HG301@warning:load_from= HG201@warning:load_from=
fresh = Runner(model=model, work_dir="work_dirs", load_from=None)  # expect-clean
detector = init_detector("configs/faster_rcnn.py", "https://download.openmmlab.com/mmdet/frcnn.pth", device="cpu")  # expect: HG301@warning:"https://download.openmmlab.com/mmdet/frcnn.pth" HG201@warning:"https://download.openmmlab.com/mmdet/frcnn.pth"
untrained = init_detector("configs/faster_rcnn.py", device="cpu")  # expect-clean
inferencer = DetInferencer(model="rtmdet_tiny_8xb32-300e_coco", weights="openmmlab://rtmdet_tiny")  # expect: HG301@warning:weights= HG201@warning:weights=
legacy = mmcv_load_checkpoint(model, "modelzoo://resnet50")  # expect: HG301@warning:"modelzoo://resnet50" HG201@warning:"modelzoo://resnet50"
ours = our_init_detector("configs/faster_rcnn.py", "https://example.com/x.pth")  # expect-clean
