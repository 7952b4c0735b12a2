// Backbones.cs - creates a backbone by its torchvision name ("vgg19", "vgg19_bn", "resnet101").
namespace ZslKit.Models.Backbones;

/// <summary>Factory of the supported ImageNet backbones.</summary>
public static class Backbones
{
    public static readonly IReadOnlyList<string> Names = ["vgg19", "vgg19_bn", "resnet101"];

    /// <summary>A backbone with torchvision's random initialisation; load weights with <see cref="Backbone.LoadPth"/>.</summary>
    public static Backbone Create(string name) => name switch
    {
        "vgg19" => new Vgg(new VggConfig(BatchNorm: false)),
        "vgg19_bn" => new Vgg(new VggConfig(BatchNorm: true)),
        "resnet101" => new ResNet(ResNetConfig.ResNet101),
        _ => throw new ArgumentException($"unknown backbone '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
