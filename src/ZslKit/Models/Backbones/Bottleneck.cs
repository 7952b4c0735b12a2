// Bottleneck.cs - ResNet's bottleneck block (He et al. 2016) as torchvision's (v1.5: the stride sits on the 3x3 conv):
// 1x1 reduce, 3x3, 1x1 expand (x4), batch norms, identity or 1x1-conv+BN shortcut ("downsample.0/1"), ReLU after the sum.
namespace ZslKit.Models.Backbones;

using ZslKit.Torch;

/// <summary>One bottleneck block: (N, in, H, W) -> (N, 4 * planes, H / stride, W / stride).</summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public Bottleneck(long inplanes, long planes, long stride) : base(nameof(Bottleneck))
    {
        conv1 = torch.nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = torch.nn.BatchNorm2d(planes);
        conv2 = torch.nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = torch.nn.BatchNorm2d(planes);
        conv3 = torch.nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = torch.nn.BatchNorm2d(planes * Expansion);
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        register_module(nameof(conv2), conv2);
        register_module(nameof(bn2), bn2);
        register_module(nameof(conv3), conv3);
        register_module(nameof(bn3), bn3);
        if (stride != 1 || inplanes != planes * Expansion)
        {
            downsample = torch.nn.Sequential(torch.nn.Conv2d(inplanes, planes * Expansion, 1, stride: stride, bias: false),
                torch.nn.BatchNorm2d(planes * Expansion));
            register_module(nameof(downsample), downsample);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var y = bn1.call(conv1.call(input)).relu();
        y = bn2.call(conv2.call(y)).relu();
        y = bn3.call(conv3.call(y));
        var shortcut = downsample is null ? input : downsample.call(input);
        return (y + shortcut).relu().MoveToOuterDisposeScope();
    }
}
