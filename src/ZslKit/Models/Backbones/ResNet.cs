// ResNet.cs - ResNet-101 (He et al. 2016) as torchvision.models.resnet101: conv1/bn1/relu/maxpool stem, layer1..layer4
// of 3/4/23/3 bottlenecks, avgpool, fc. Li & Wang read conv5 = layer4 (7x7x2048 at 224 px); GBU's res101 features
// are the pooled 2048-d "avgpool" output.
namespace ZslKit.Models.Backbones;

using ZslKit.Torch;

/// <summary>Typed configuration of a bottleneck ResNet (ResNet-101 by default).</summary>
public sealed record ResNetConfig(int[] Blocks, int NumClasses = 1000)
{
    public static ResNetConfig ResNet101 => new([3, 4, 23, 3]);
}

/// <summary>Bottleneck ResNet with torchvision's parameter names and initialisation.</summary>
public sealed class ResNet : Backbone
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1, layer2, layer3, layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    public ResNetConfig Config { get; }

    public override string Architecture => Config.Blocks.SequenceEqual([3, 4, 23, 3]) ? "resnet101" : $"resnet[{string.Join(",", Config.Blocks)}]";

    public ResNet(ResNetConfig config) : base("ResNet")
    {
        if (config.Blocks.Length != 4 || config.Blocks.Any(b => b < 1))
            throw new ArgumentException($"ResNet: expected four positive block counts, got [{string.Join(", ", config.Blocks)}]", nameof(config));
        Config = config;
        conv1 = torch.nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = torch.nn.BatchNorm2d(64);
        maxpool = torch.nn.MaxPool2d(3, 2, 1);
        long inplanes = 64;
        Sequential MakeLayer(long planes, int blocks, long stride)
        {
            var layer = new Sequential(Array.Empty<Module<Tensor, Tensor>>());
            for (var i = 0; i < blocks; i++)
            {
                layer.append(new Bottleneck(inplanes, planes, i == 0 ? stride : 1));
                inplanes = planes * Bottleneck.Expansion;
            }
            return layer;
        }
        layer1 = MakeLayer(64, config.Blocks[0], 1);
        layer2 = MakeLayer(128, config.Blocks[1], 2);
        layer3 = MakeLayer(256, config.Blocks[2], 2);
        layer4 = MakeLayer(512, config.Blocks[3], 2);
        avgpool = torch.nn.AdaptiveAvgPool2d(1);
        fc = torch.nn.Linear(512 * Bottleneck.Expansion, config.NumClasses);
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        register_module(nameof(layer1), layer1);
        register_module(nameof(layer2), layer2);
        register_module(nameof(layer3), layer3);
        register_module(nameof(layer4), layer4);
        register_module(nameof(fc), fc);

        AddStep("conv1", conv1.call);
        AddStep("bn1", bn1.call);
        AddStep("relu", x => x.relu(), x => x.relu_());
        AddStep("maxpool", maxpool.call);
        var layers = new[] { layer1, layer2, layer3, layer4 };
        for (var l = 0; l < 4; l++)
        {
            for (var b = 0; b < layers[l].Count; b++) AddStep($"layer{l + 1}.{b}", layers[l][b].call);
            // "layerK" is the output of its last block; "convK+1" is the paper name (conv5 = layer4).
            AddAlias($"layer{l + 1}", $"layer{l + 1}.{layers[l].Count - 1}");
            AddAlias($"conv{l + 2}", $"layer{l + 1}.{layers[l].Count - 1}");
            AddStage($"layer{l + 1}", [$"layer{l + 1}."]);
        }
        AddStep("avgpool", avgpool.call);
        AddStep("flatten", x => x.flatten(1));   // (N, 2048, 1, 1) -> (N, 2048)
        AddStep("fc", fc.call);
        AddAlias("pool", "flatten");
        AddAlias("logits", "fc");
        AddStage("stem", ["conv1.", "bn1."]);
        AddStage("fc", ["fc."]);
        InitConvAndBatchNormLikeTorchvision();   // torchvision's ResNet init; fc keeps nn.Linear's default
    }
}
