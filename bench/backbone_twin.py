#!/usr/bin/python3
"""torchvision twin of `zsl bench backbone-forward` (src/ZslKit/Benchmarks/BackboneForwardBench.cs): a randomly
initialised torchvision backbone in eval mode, cut after the tapped step, forwarded under no_grad on
torch.randn([batch, 3, size, size]). Imported by bench/lesa_twin.py only for --target backbone-forward, so the LESA
targets never need torchvision.

Taps are our step names (src/ZslKit/Models/Backbones, docs/backbones.md), already resolved from aliases on the C# side:
  vgg19 / vgg19_bn: "features.N" -> model.features[:N + 1]   (conv5_4 = features.35 on vgg19: the ReLU after conv5_4)
  resnet101:        "conv1", "bn1", "relu", "maxpool", "layerK.J" -> the stem, layer1 .. layerK[:J + 1]
                    (our alias layer4 = conv5 is "layer4.2", the last bottleneck)
"""
import torch
import torch.nn as nn

RESNET_STEM = ["conv1", "bn1", "relu", "maxpool"]


def build(model_name):
    """The torchvision model with random weights (weights=None on torchvision >= 0.13, pretrained=False before)."""
    import torchvision
    ctor = getattr(torchvision.models, model_name, None)
    if ctor is None or model_name not in ("vgg19", "vgg19_bn", "resnet101"):
        raise ValueError(f"backbone twin: unknown model '{model_name}' (known: vgg19, vgg19_bn, resnet101)")
    try:
        return ctor(weights=None)
    except TypeError:
        return ctor(pretrained=False)


def truncate(model, model_name, tap):
    """The module that maps an image batch to the output of step `tap` (nothing after it is run)."""
    if model_name.startswith("vgg"):
        if not tap.startswith("features."):
            raise ValueError(f"backbone twin: {model_name} tap must be features.N, got '{tap}'")
        n = int(tap.split(".", 1)[1])
        if not 0 <= n < len(model.features):
            raise ValueError(f"backbone twin: {model_name} has features.0..{len(model.features) - 1}, got '{tap}'")
        return model.features[: n + 1]
    if tap in RESNET_STEM:
        return nn.Sequential(*[getattr(model, s) for s in RESNET_STEM[: RESNET_STEM.index(tap) + 1]])
    layer, _, block = tap.partition(".")
    if layer not in ("layer1", "layer2", "layer3", "layer4") or not block.isdigit() or int(block) >= len(getattr(model, layer)):
        raise ValueError(f"backbone twin: {model_name} tap must be one of {', '.join(RESNET_STEM)} or layerK.J, got '{tap}'")
    k = int(layer[-1])
    stages = [getattr(model, s) for s in RESNET_STEM] + [getattr(model, f"layer{i}") for i in range(1, k)]
    return nn.Sequential(*stages, getattr(model, layer)[: int(block) + 1])


def make_rep(model_name, tap, batch, size, batches, seed, dev):
    """Builds the cut model and input on `dev`; returns (one repetition = `batches` forward passes, output shape)."""
    torch.manual_seed(seed)
    net = truncate(build(model_name), model_name, tap).to(dev).eval()
    x = torch.randn(batch, 3, size, size, device=dev)                     # [B, 3, S, S]
    with torch.no_grad():
        shape = list(net(x).shape)                                        # e.g. [B, 512, S/16, S/16] at conv5_4

    def rep():
        with torch.no_grad():
            for _ in range(batches):
                net(x)
    return rep, shape
