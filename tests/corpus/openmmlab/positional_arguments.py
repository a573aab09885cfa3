# corpus-rows: A12
"""load_checkpoint(model, filename, map_location, strict, logger): OpenMMLab never checks a hash, whatever
sits where torch.hub's loader takes check_hash."""

import logging

from mmengine.runner import load_checkpoint

model = object()
logger = logging.getLogger(__name__)
load_checkpoint(model, "https://download.openmmlab.com/mmdetection/v2.0/retinanet/retinanet_r50_fpn_1x_coco_20200130-c2398f9e.pth", "cpu", False, logger)  # expect: HG301@warning:"https: HG201@warning:"https:
