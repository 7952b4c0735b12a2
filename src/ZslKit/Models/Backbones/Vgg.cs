// Vgg.cs - VGG-19 and VGG-19-BN (Simonyan & Zisserman 2015, configuration E) as torchvision.models.vgg19/vgg19_bn:
// same module names ("features.N", "avgpool", "classifier.N"), so torchvision .pth state dicts load unchanged.
// LESA/BiAM read "conv5_4" = features.35 (ReLU after conv5_4, 14x14x512 at 224 px); (ML)^2P-Encoder taps VGG-19-BN.
namespace ZslKit.Models.Backbones;

using ZslKit.Torch;

/// <summary>Typed configuration of a VGG network.</summary>
public sealed record VggConfig(bool BatchNorm, int NumClasses = 1000, double Dropout = 0.5)
{
    /// <summary>Configuration E (VGG-19): channels per conv, 0 = 2x2 max-pool.</summary>
    public static readonly int[] Layers19 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0];
}

/// <summary>VGG-19 / VGG-19-BN with torchvision's parameter names and initialisation.</summary>
public sealed class Vgg : Backbone
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    public VggConfig Config { get; }

    public override string Architecture => Config.BatchNorm ? "vgg19_bn" : "vgg19";

    public Vgg(VggConfig config) : base(config.BatchNorm ? "VGG19_BN" : "VGG19")
    {
        Config = config;
        features = new Sequential(Array.Empty<Module<Tensor, Tensor>>());
        long inChannels = 3;
        int block = 1, conv = 0;
        var blockPrefixes = new List<string>();
        foreach (var c in VggConfig.Layers19)
        {
            if (c == 0)
            {
                features.append(torch.nn.MaxPool2d(2, 2));
                AddStage($"conv{block}", blockPrefixes.ToArray());
                blockPrefixes.Clear();
                block++; conv = 0;
                continue;
            }
            conv++;
            blockPrefixes.Add($"features.{features.Count}.");
            features.append(torch.nn.Conv2d(inChannels, c, 3, padding: 1));
            if (config.BatchNorm)
            {
                blockPrefixes.Add($"features.{features.Count}.");
                features.append(torch.nn.BatchNorm2d(c));
            }
            features.append(torch.nn.ReLU());
            // Paper names: convB_K is the ReLU output after the K-th conv of block B (what LESA calls conv5_4).
            AddAlias($"conv{block}_{conv}", $"features.{features.Count - 1}");
            inChannels = c;
        }
        avgpool = torch.nn.AdaptiveAvgPool2d(7);
        classifier = torch.nn.Sequential(
            torch.nn.Linear(512 * 7 * 7, 4096), torch.nn.ReLU(), torch.nn.Dropout(config.Dropout),
            torch.nn.Linear(4096, 4096), torch.nn.ReLU(), torch.nn.Dropout(config.Dropout),
            torch.nn.Linear(4096, config.NumClasses));
        register_module(nameof(features), features);
        register_module(nameof(avgpool), avgpool);
        register_module(nameof(classifier), classifier);
        AddStage("classifier", ["classifier."]);
        AddAlias("pool5", $"features.{features.Count - 1}");
        AddAlias("logits", $"classifier.{classifier.Count - 1}");

        for (var i = 0; i < features.Count; i++)
            AddStep($"features.{i}", features[i].call, features[i] is ReLU ? x => x.relu_() : null);
        AddStep("avgpool", avgpool.call);
        AddStep("flatten", x => x.flatten(1));   // (N, 512, 7, 7) -> (N, 25088)
        for (var i = 0; i < classifier.Count; i++) AddStep($"classifier.{i}", classifier[i].call);
        InitLikeTorchvision();
    }

    /// <summary>torchvision's VGG init: conv Kaiming-normal (fan_out, ReLU), bias 0; BN 1/0; linear N(0, 0.01), bias 0.</summary>
    private void InitLikeTorchvision()
    {
        InitConvAndBatchNormLikeTorchvision();
        using var noGrad = torch.no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is not Linear l) continue;
            torch.nn.init.normal_(l.weight, 0, 0.01);
            if (l.bias is not null) torch.nn.init.zeros_(l.bias);
        }
    }
}
