// BackboneParityTests.cs - VGG-19, VGG-19-BN and ResNet-101 against torchvision 0.14: state-dict names/shapes, and
// tapped feature maps for closed-form weights (committed fixture from tests/fixtures/backbones/gen_backbones.py).
namespace ZslKit.Tests.Models.Backbones;

using System.Text.Json;
using ZslKit.Models.Backbones;
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

public sealed class BackboneParityTests
{
    /// <summary>Parity tolerance: max |diff| &lt;= 1e-4 x max |reference| per map, eval mode.</summary>
    private const double Tolerance = 1e-4;

    private static string Fixture(string name) => RepoPaths.Fixture("backbones", name);

    public static TheoryData<string> Models => new() { "vgg19", "vgg19_bn", "resnet101" };

    [Theory]
    [MemberData(nameof(Models))]
    public void State_dict_names_and_shapes_equal_torchvision_in_order(string model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("keys.json")));
        var expected = doc.RootElement.GetProperty("models").GetProperty(model).EnumerateArray()
            .Select(e => $"{e[0].GetString()} [{string.Join(", ", e[1].EnumerateArray().Select(d => d.GetInt64()))}]").ToList();
        using var net = Backbones.Create(model);
        using var scope = torch.NewDisposeScope();
        var actual = net.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Closed_form_weights_reproduce_every_tapped_torchvision_map(string model)
    {
        var fixture = PthReader.Load(Fixture("closed_form.pth"));
        var taps = fixture.Keys.Where(k => k.StartsWith(model + "/", StringComparison.Ordinal) && !k.EndsWith("/input", StringComparison.Ordinal))
            .Select(k => k[(model.Length + 1)..]).ToList();
        Assert.NotEmpty(taps);
        using var net = Backbones.Create(model);
        ClosedFormWeights.Apply(net);
        net.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = torch.from_data(fixture[$"{model}/input"]);
        // The fixture's input is the closed-form rule too: check C# computes it identically.
        Assert.Equal(input.ToArray<float>(), ClosedFormWeights.Input(input.shape).ToArray<float>());
        var maps = net.Forward(input, taps);
        foreach (var tap in taps) FeatureMapAssert.Close(fixture[$"{model}/{tap}"], maps[tap], Tolerance, $"{model} {tap}");
    }

    [Theory]
    [InlineData("vgg19", "conv5_4", "features.35")]
    [InlineData("vgg19", "pool5", "features.36")]
    [InlineData("vgg19_bn", "conv5_4", "features.51")]
    [InlineData("vgg19_bn", "conv3_4", "features.25")]
    [InlineData("resnet101", "conv5", "layer4.2")]
    [InlineData("resnet101", "layer3", "layer3.22")]
    public void Paper_layer_names_resolve_to_torchvision_modules(string model, string alias, string module)
    {
        using var net = Backbones.Create(model);
        Assert.Equal(module, net.ResolveTap(alias));
    }

    [Fact]
    public void Taps_of_one_pass_equal_separate_passes_and_have_the_paper_shapes()
    {
        using var net = Backbones.Create("vgg19");
        ClosedFormWeights.Apply(net);
        net.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = ClosedFormWeights.Input([2, 3, 64, 64]);
        var both = net.Forward(x, ["conv5_4", "conv4_4"]);
        Assert.Equal([2L, 512, 4, 4], both["conv5_4"].shape);     // 224 px -> 14x14; 64 px -> 4x4
        Assert.Equal([2L, 512, 8, 8], both["conv4_4"].shape);
        var alone = net.Forward(x, ["features.35"])["features.35"];
        Assert.Equal(alone.ToArray<float>(), both["conv5_4"].ToArray<float>());
    }

    [Fact]
    public void In_place_relu_without_autograd_keeps_tapped_conv_outputs_and_equals_the_autograd_pass()
    {
        using var net = Backbones.Create("vgg19");
        ClosedFormWeights.Apply(net);
        net.eval();
        using var scope = torch.NewDisposeScope();
        var x = ClosedFormWeights.Input([1, 3, 32, 32]);
        var withGrad = net.Forward(x, ["features.35"])["features.35"].detach();   // autograd on: ReLU allocates its output
        var inputBefore = x.ToArray<float>();
        Dictionary<string, Tensor> noGradMaps;
        using (torch.no_grad()) noGradMaps = net.Forward(x, ["features.34", "features.35"]);   // ReLU steps run in place
        var conv = noGradMaps["features.34"].ToArray<float>();
        Assert.Contains(conv, v => v < 0);                                           // the tapped conv output was not overwritten
        Assert.Equal(conv.Select(v => Math.Max(v, 0f)), noGradMaps["features.35"].ToArray<float>());
        Assert.Equal(withGrad.ToArray<float>(), noGradMaps["features.35"].ToArray<float>());
        Assert.Equal(inputBefore, x.ToArray<float>());                                // nor was the caller's input
    }

    [Fact]
    public void Unknown_feature_map_is_rejected_with_the_known_names()
    {
        using var net = Backbones.Create("resnet101");
        var e = Assert.Throws<ArgumentException>(() => net.ResolveTap("conv6"));
        Assert.Contains("conv6", e.Message);
        Assert.Contains("layer4", e.Message);
        using var scope = torch.NewDisposeScope();
        var bad = Assert.Throws<ArgumentException>(() => net.Forward(torch.zeros(1, 1, 32, 32), ["layer4"]));
        Assert.Contains("[1, 1, 32, 32]", bad.Message);
    }

    [Fact]
    public void SetTrainable_freezes_only_the_named_stage()
    {
        using var net = Backbones.Create("resnet101");
        net.SetTrainable(false);
        net.SetTrainable("layer4", true);
        net.SetTrainable("fc", true);
        foreach (var (name, p) in net.named_parameters())
            Assert.True(p.requires_grad == (name.StartsWith("layer4.", StringComparison.Ordinal) || name.StartsWith("fc.", StringComparison.Ordinal)), name);
        Assert.Throws<ArgumentException>(() => net.SetTrainable("layer5", true));
    }

    [Fact]
    public void Frozen_stages_get_no_gradient_and_trainable_ones_do()
    {
        using var net = Backbones.Create("vgg19");
        net.SetTrainable(false);
        net.SetTrainable("conv5", true);
        using var scope = torch.NewDisposeScope();
        var x = ClosedFormWeights.Input([1, 3, 32, 32]);
        net.Forward(x, ["conv5_4"])["conv5_4"].sum().backward();
        var named = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Null(named["features.0.weight"].grad);
        Assert.NotNull(named["features.34.weight"].grad);
        Assert.Null(named["classifier.0.weight"].grad);
    }
}
