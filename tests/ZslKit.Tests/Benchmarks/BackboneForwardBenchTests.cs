// BackboneForwardBenchTests.cs - `zsl bench backbone-forward` in-process: settings validation, a tiny CPU run (VGG-19 at
// 32 px, conv5_4 = 2x2), the output-shape check against the twin (a stand-in twin with a wrong shape must fail the run),
// and, where /usr/bin/python3 has torch + torchvision, a real torchvision twin run. No timing assertions.
using System.Diagnostics;
using ZslKit.Benchmarks;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class BackboneForwardBenchTests
{
    private const string Python = "/usr/bin/python3";

    private static BenchContext Context(TwinLauncher? twin, params string[] overrides)
    {
        var target = new BackboneForwardBench();
        string[] tiny = ["batch=2", "size=32", "batches=1"];
        return new BenchContext(torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 2), new BenchSettings(target.Name, target.Defaults, [.. tiny, .. overrides]),
            Threads: 1, Twin: twin, Log: _ => { });
    }

    [Fact]
    public void The_defaults_are_vgg19_conv5_4_at_batch_64_and_224_pixels_and_the_target_is_registered()
    {
        var d = new BackboneForwardBench().Defaults;
        Assert.Equal(("vgg19", "conv5_4", "64", "224", "2", "0"), (d["model"], d["layer"], d["batch"], d["size"], d["batches"], d["seed"]));
        Assert.IsType<BackboneForwardBench>(BenchRegistry.Find("backbone-forward"));
    }

    [Fact]
    public void An_unknown_model_names_the_setting_and_the_known_models()
    {
        var e = Assert.Throws<ArgumentException>(() => new BackboneForwardBench().Run(Context(null, "model=alexnet")));
        Assert.Contains("setting 'model' must be one of vgg19, vgg19_bn, resnet101, got 'alexnet'", e.Message);
    }

    [Fact]
    public void An_unknown_layer_names_the_setting_and_the_known_feature_maps()
    {
        var e = Assert.Throws<ArgumentException>(() => new BackboneForwardBench().Run(Context(null, "layer=conv5_9")));
        Assert.Contains("setting 'layer'", e.Message);
        Assert.Contains("unknown feature map 'conv5_9'", e.Message);
        Assert.Contains("conv5_4", e.Message);
    }

    [Fact]
    public void A_size_below_32_pixels_is_refused_with_the_setting_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new BackboneForwardBench().Run(Context(null, "size=16")));
        Assert.Contains("setting 'size' must be >= 32", e.Message);
        Assert.Contains("got 16", e.Message);
    }

    [Fact]
    public void A_tiny_cpu_run_counts_batch_times_batches_images_and_leaks_no_tensors()
    {
        long live = LiveTensorBaseline.Read();
        var result = new BackboneForwardBench().Run(Context(null, "batches=2"));
        Assert.Equal(live, torch.LiveTensorCount);
        var m = Assert.Single(result.Measurements);
        Assert.Equal("vgg19 forward to conv5_4 (features.35) x2", m.Name);
        Assert.Equal(4, m.ItemsPerRep);
        Assert.Equal("images", m.ItemUnit);
        Assert.Equal(2, m.Ours.Wall.Count);
        Assert.Null(m.PyTorch);
        Assert.Equal(512 * 2 * 2, result.Metrics["outputElementsPerImage"]);   // conv5_4 at 32 px: 512 x 2 x 2
        Assert.True(result.Metrics["msPerBatch"] > 0);
        Assert.False(result.Metrics.ContainsKey("gpuPeakBytes"));
        Assert.Null(result.Twin);
    }

    [Fact]
    public void Twin_shapes_must_be_reported_and_equal_ours()
    {
        BackboneForwardBench.CheckTwinShape([2, 512, 2, 2], [2, 512, 2, 2]);
        var e = Assert.Throws<InvalidOperationException>(() => BackboneForwardBench.CheckTwinShape([2, 512, 2, 2], [2, 512, 1, 1]));
        Assert.Contains("ours [2, 512, 2, 2], twin [2, 512, 1, 1]", e.Message);
        Assert.Contains("did not report its output shape", Assert.Throws<InvalidOperationException>(() => BackboneForwardBench.CheckTwinShape([1], null)).Message);
    }

    [Fact]
    public void A_twin_whose_output_shape_differs_fails_the_run_before_timing()
    {
        Skip.IfNot(File.Exists(Python), $"{Python} is not installed");
        var dir = Directory.CreateTempSubdirectory("zslbbtwin").FullName;
        try
        {
            // A stand-in twin speaking the serve protocol but claiming conv5_4 is 1x1 (what pool5 would give).
            var script = Path.Combine(dir, "wrong_twin.py");
            File.WriteAllText(script, """
                import json, sys
                print(json.dumps({"ready": True, "torch": "0.0", "device": "cpu", "output_shape": [2, 512, 1, 1]}), flush=True)
                for line in sys.stdin:
                    if line.strip() == "quit":
                        break
                    print(json.dumps({"wall_s": 0.001}), flush=True)
                """);
            var launcher = new TwinLauncher(Python, script, TimeSpan.FromMinutes(1));
            var e = Assert.Throws<InvalidOperationException>(() => new BackboneForwardBench().Run(Context(launcher)));
            Assert.Contains("output shapes differ: ours [2, 512, 2, 2], twin [2, 512, 1, 1]", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool HasTorchvision()
    {
        if (!File.Exists(Python)) return false;
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import torch, torchvision");
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); return false; }
        return p.ExitCode == 0;
    }

    [Theory]
    [InlineData("vgg19", "conv5_4", "features.35", 512 * 2 * 2)]
    [InlineData("resnet101", "layer4", "layer4.2", 2048 * 1 * 1)]
    public void The_torchvision_twin_runs_the_same_cut_network_and_reports_the_same_output_shape(string model, string layer, string step, int elements)
    {
        Skip.IfNot(HasTorchvision(), $"{Python} with torch and torchvision is not installed");
        var launcher = new TwinLauncher(Python, Path.Combine(RepoPaths.Root, "bench", "lesa_twin.py"), TimeSpan.FromMinutes(5));
        var result = new BackboneForwardBench().Run(Context(launcher, $"model={model}", $"layer={layer}"));
        var m = Assert.Single(result.Measurements);
        Assert.Equal($"{model} forward to {layer} ({step}) x1", m.Name);
        Assert.NotNull(m.PyTorch);
        Assert.Equal(2, m.PyTorch!.Wall.Count);
        Assert.Equal(elements, result.Metrics["outputElementsPerImage"]);
        Assert.Contains(result.Notes, n => n.StartsWith("twin output shape [2, ", StringComparison.Ordinal) && n.EndsWith("] equals ours", StringComparison.Ordinal));
        Assert.Equal("cpu", result.Twin!.Device);
    }
}
