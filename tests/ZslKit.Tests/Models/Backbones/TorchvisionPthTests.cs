// TorchvisionPthTests.cs - the .pth path end to end: when Debian's /usr/bin/python3 has torchvision, the generator builds
// each model with torch's own random init (seed 0), torch.saves it (zip; ResNet-101 also legacy format), and the C#
// backbone loaded from that .pth must match every tapped map. Skipped with the reason otherwise.
namespace ZslKit.Tests.Models.Backbones;

using System.Diagnostics;
using ZslKit.Models.Backbones;
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

public sealed class TorchvisionPthTests
{
    private const string Python = "/usr/bin/python3";

    private static string? Unavailable()
    {
        if (!File.Exists(Python)) return $"{Python} is absent";
        var psi = new ProcessStartInfo(Python, new[] { "-c", "import torch, torchvision" }) { RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? null : $"{Python} cannot import torch/torchvision";
    }

    private static void Generate(string folder, string model)
    {
        var script = RepoPaths.Fixture("backbones", "gen_backbones.py");
        var psi = new ProcessStartInfo(Python, new[] { script, "--pth", folder, "--models", model }) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gen_backbones.py --pth failed: {err.Result}");
    }

    [Theory]
    [InlineData("vgg19", "vgg19.pth")]
    [InlineData("vgg19_bn", "vgg19_bn.pth")]
    [InlineData("resnet101", "resnet101.pth")]
    [InlineData("resnet101", "resnet101-legacy.pth")]
    public void Model_loaded_from_a_torchvision_pth_matches_every_tapped_map(string model, string file)
    {
        var reason = Unavailable();
        if (reason is not null) Assert.Skip(reason);
        var folder = Path.Combine(Path.GetTempPath(), $"zsl-bb-{model}-{Guid.NewGuid():N}");
        try
        {
            Generate(folder, model);
            var reference = PthReader.Load(Path.Combine(folder, $"{model}-taps.pth"));
            using var net = Backbones.Create(model);
            net.LoadPth(Path.Combine(folder, file));
            net.eval();
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var taps = reference.Keys.Where(k => k != "input").ToList();
            Assert.True(taps.Count >= 4, $"only {taps.Count} taps in the reference");
            var maps = net.Forward(torch.from_data(reference["input"]), taps);
            foreach (var tap in taps) FeatureMapAssert.Close(reference[tap], maps[tap], 1e-4, $"{file} {tap}");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
