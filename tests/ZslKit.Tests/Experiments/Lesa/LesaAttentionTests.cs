// LesaAttentionTests.cs - per-label attention, attention peaks and module usage (LesaAttention, Figure 4) on models with
// hand-set weights whose attention is known in closed form: 2x2 grid, D = 2, features one-hot in two regions, tanh
// saturated by a weight of 10, so module / label attention lands on the region holding "its" feature channel.
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Lesa;
using ZslKit.Models;
using ZslKit.Models.Baselines;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

public class LesaAttentionTests
{
    internal const double K = 10;   // weight scale: tanh(K) ≈ 1

    /// <summary>LESA, M = 2, no constant channels: module 0 attends to feature channel 0, module 1 to channel 1; W3 = I.</summary>
    internal static LesaTrainable HandSetLesa()
    {
        var config = new LesaConfig
        {
            Modules = 2, FeatureDim = 2, AttentionHidden = 2, WordDim = 2, GridHeight = 2, GridWidth = 2, AppendConstantChannel = false,
        };
        var model = new LesaTrainable(config);
        var eye = torch.tensor<float>(new float[] { 1, 0, 0, 1 }.AsSpan(), [2, 2]);
        model.Model.load_state_dict(new Dictionary<string, Tensor> { ["W1"] = eye * K, ["W2"] = eye * K, ["W3"] = eye }, strict: true);
        return model;
    }

    /// <summary>One attention per label: W1 = K·I (constant-channel row 0), W_a = K·I, W3 = I: label v attends where ⟨v, F_r⟩ is largest.</summary>
    internal static OneAttentionPerLabel HandSetPerLabel()
    {
        var model = new OneAttentionPerLabel(featureDim: 2, wordDim: 2, hidden: 2);
        var w1 = torch.tensor<float>(new float[] { (float)K, 0, 0, (float)K, 0, 0 }.AsSpan(), [3, 2]);
        var eye = torch.tensor<float>(new float[] { 1, 0, 0, 1 }.AsSpan(), [2, 2]);
        model.load_state_dict(new Dictionary<string, Tensor> { ["W1"] = w1, ["Wa"] = eye * K, ["W3"] = eye }, strict: true);
        return model;
    }

    /// <summary>Image 0: channel 0 in region 0, channel 1 in region 3; image 1: swapped. Regions 1 and 2 are zero. [2, 4, 2].</summary>
    internal static Tensor Features() => torch.tensor<float>(new float[]
    {
        1, 0, 0, 0, 0, 0, 0, 1,
        0, 1, 0, 0, 0, 0, 1, 0,
    }.AsSpan(), [2, 4, 2]);

    /// <summary>Labels a = (1, 0), b = (0, 1), c = (0.6, 0.8): [3, 2].</summary>
    internal static Tensor Vectors() => torch.tensor<float>(new float[] { 1, 0, 0, 1, 0.6f, 0.8f }.AsSpan(), [3, 2]);

    /// <summary>softmax over 4 regions of logits (x at <paramref name="at"/>, 0 elsewhere).</summary>
    private static double[] OneHotSoftmax(double x, int at) =>
        Enumerable.Range(0, 4).Select(r => (r == at ? Math.Exp(x) : 1.0) / (Math.Exp(x) + 3)).ToArray();

    [Fact]
    public void Lesa_gives_each_label_the_attention_of_the_module_with_its_highest_score()
    {
        using var scope = torch.NewDisposeScope();
        using var model = HandSetLesa();
        using var noGrad = torch.no_grad();
        var a = LesaAttention.LabelAttention(model, Features(), Vectors());
        Assert.Equal(new long[] { 2, 3, 4 }, a.shape);
        var v = a.ToArray<float>();
        // Module 0 logits: K·tanh(K) at the region holding channel 0; module 1 likewise for channel 1.
        double peak = K * Math.Tanh(K);
        var expected = new[]
        {
            OneHotSoftmax(peak, 0), OneHotSoftmax(peak, 3), OneHotSoftmax(peak, 3),   // image 0: a -> module 0, b and c -> module 1
            OneHotSoftmax(peak, 3), OneHotSoftmax(peak, 0), OneHotSoftmax(peak, 0),   // image 1: the channels swapped regions
        }.SelectMany(x => x).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], v[i], 5);
    }

    [Fact]
    public void Lesa_peaks_follow_the_feature_channel_and_name_the_selected_module()
    {
        using var scope = torch.NewDisposeScope();
        using var model = HandSetLesa();
        using var noGrad = torch.no_grad();
        var p = LesaAttention.Peaks(model, Features(), Vectors());
        Assert.Equal((2, 3), (p.Images, p.Labels));
        Assert.Equal(new[] { 0, 3, 3, 3, 0, 0 }, p.PeakRegion);
        Assert.Equal(new[] { 0, 1, 1, 0, 1, 1 }, p.Module);
        // Scores s_c = max_m ⟨θ_c, z_m⟩ with z_m ≈ the one-hot feature: a and b near 1, c near 0.8.
        var expectedScores = new[] { 1.0, 1.0, 0.8, 1.0, 1.0, 0.8 };
        for (int i = 0; i < 6; i++) Assert.Equal(expectedScores[i], p.Scores[i], 3);
    }

    [Fact]
    public void One_attention_per_label_attends_where_the_label_vector_matches_the_region()
    {
        using var scope = torch.NewDisposeScope();
        using var model = HandSetPerLabel();
        using var noGrad = torch.no_grad();
        var a = LesaAttention.LabelAttention(model, Features(), Vectors()).ToArray<float>();   // [2, 3, 4]
        double peak = K * Math.Tanh(K);
        var expectedA0 = OneHotSoftmax(peak, 0);
        for (int r = 0; r < 4; r++) Assert.Equal(expectedA0[r], a[r], 5);                 // image 0, label a
        // Label c: logits 0.6·K·tanh(K) at region 0 and 0.8·K·tanh(K) at region 3 (image 0).
        double e0 = Math.Exp(0.6 * peak), e3 = Math.Exp(0.8 * peak), z = e0 + e3 + 2;
        Assert.Equal(e3 / z, a[2 * 4 + 3], 5);
        Assert.Equal(e0 / z, a[2 * 4 + 0], 5);
        var p = LesaAttention.Peaks(model, Features(), Vectors());
        Assert.Equal(new[] { 0, 3, 3, 3, 0, 0 }, p.PeakRegion);
        Assert.Null(p.Module);
    }

    [Fact]
    public void Module_usage_counts_the_selected_module_per_image_and_label()
    {
        using var scope = torch.NewDisposeScope();
        using var model = HandSetLesa();
        var usage = LesaAttention.Usage(model, Features(), Vectors(), ["a", "b", "c"]);
        Assert.Equal(new[,] { { 2, 0, 0 }, { 0, 2, 2 } }, usage.Counts);
        Assert.Equal(2, usage.Images);
        Assert.Equal(new[] { 0, 1, 1 }, Enumerable.Range(0, 3).Select(usage.DominantModule));
        Assert.Equal(2, usage.DistinctDominantModules);
        Assert.Equal(2.0 / 3, usage.LargestDominantShare, 12);
        // Pooled usage 2 : 4 over M = 2 -> entropy of (1/3, 2/3) / log 2.
        double h = -(Math.Log(1.0 / 3) / 3 + 2 * Math.Log(2.0 / 3) / 3) / Math.Log(2);
        Assert.Equal(h, usage.NormalisedUsageEntropy, 12);
        Assert.Equal(new[,] { { 1.0, 0, 0 }, { 0, 1.0, 1.0 } }, usage.Fractions());
        // Two of three labels share one module: more than half, so "not concentrated" does not hold.
        Assert.Equal(ClaimStatus.NotHeld, LesaAttentionFigures.UsageClaim(usage).Status);
    }

    [Fact]
    public void Usage_claim_holds_when_no_module_dominates_more_than_half_of_the_labels()
    {
        var spread = new ModuleUsage(new[,] { { 5, 1, 0, 3 }, { 0, 4, 1, 3 }, { 0, 0, 4, 0 } }, [0, 1, 2, 3], ["a", "b", "c", "d"], 5);
        // Dominant modules: a -> 0, b -> 1, c -> 2, d -> 0 (tie 3/3 goes to the lowest index).
        Assert.Equal(new[] { 2, 1, 1 }, spread.DominantHistogram());
        var held = LesaAttentionFigures.UsageClaim(spread);
        Assert.Equal(ClaimStatus.Held, held.Status);
        Assert.Contains("3 of 3 modules", held.Detail);
        Assert.Contains("50%", held.Detail);
        var one = new ModuleUsage(new[,] { { 5, 5 }, { 0, 0 } }, [0, 1], ["a", "b"], 5);
        Assert.Equal(ClaimStatus.NotHeld, LesaAttentionFigures.UsageClaim(one).Status);
        Assert.Equal(0, one.NormalisedUsageEntropy);
    }

    [Fact]
    public void Module_usage_needs_one_label_and_one_name_per_column_and_counts_within_the_images()
    {
        var labels = Assert.Throws<ArgumentException>(() => new ModuleUsage(new int[2, 2], [0, 1, 2], ["a", "b", "c"], 5));
        Assert.Equal("Labels", labels.ParamName);
        Assert.Contains("ModuleUsage: 3 Labels for the 2 columns of Counts [2, 2]", labels.Message);
        var names = Assert.Throws<ArgumentException>(() => new ModuleUsage(new int[2, 3], [0, 1, 2], ["a"], 5));
        Assert.Equal("LabelNames", names.ParamName);
        Assert.Contains("1 LabelNames for the 3 columns", names.Message);
        var fewer = Assert.Throws<ArgumentException>(() => new ModuleUsage(new int[2, 3], [0, 1], ["a", "b"], 5));
        Assert.Contains("2 Labels for the 3 columns", fewer.Message);
        var count = Assert.Throws<ArgumentException>(() => new ModuleUsage(new[,] { { 1, 6 } }, [0, 1], ["a", "b"], 5));
        Assert.Contains("Counts must be in [0, Images = 5] (found 6 at [0, 1])", count.Message);
        Assert.Equal("Images", Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleUsage(new int[1, 0], [], [], -1)).ParamName);
        Assert.Equal("Counts", Assert.Throws<ArgumentNullException>(() => new ModuleUsage(null!, [], [], 0)).ParamName);
        // a `with` copy skips the constructor: the heatmap checks again rather than read past the counts
        var usage = new ModuleUsage(new[,] { { 1, 0 }, { 0, 1 } }, [0, 1], ["a", "b"], 1);
        var e = Assert.Throws<ArgumentException>(() => LesaAttentionFigures.UsageHeatmap(usage with { LabelNames = ["a", "b", "c"] }, "t"));
        Assert.Contains("3 LabelNames for the 2 columns", e.Message);
        Assert.Equal(1, LesaAttentionFigures.UsageHeatmap(usage, "t").TraceCount);
    }

    [Fact]
    public void Overlays_without_rows_or_with_an_empty_example_say_so()
    {
        var none = Assert.Throws<ArgumentException>(() => LesaAttentionFigures.Overlays("t"));
        Assert.Equal("rows", none.ParamName);
        Assert.Contains("Overlays: rows must hold at least one list of examples", none.Message);
        var example = new AttentionExample(0, 0, "a", true, [], new double[0, 0], false);
        Assert.Contains("rows[0][0] must be an example with a non-empty attention map",
            Assert.Throws<ArgumentException>(() => LesaAttentionFigures.Overlays("t", [example])).Message);
        Assert.Contains("rows[1] is null", Assert.Throws<ArgumentException>(() => LesaAttentionFigures.Overlays("t", [], null!)).Message);
        var ok = example with { Map = new double[2, 2] };
        Assert.Equal(2, LesaAttentionFigures.Overlays("t", [ok]).TraceCount);
    }

    [Fact]
    public void Render_names_the_grid_argument_that_is_below_one()
    {
        Assert.Equal("cols", Assert.Throws<ArgumentOutOfRangeException>(() => LesaAttentionFigures.Render(2, 0, Array.Empty<ZslKit.Metrics.Box>())).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => LesaAttentionFigures.Render(0, 2, Array.Empty<ZslKit.Metrics.Box>())).ParamName);
    }

    [Fact]
    public void Models_without_per_label_attention_are_refused_by_name()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Fast0Tag(2, 2, 4);
        var e = Assert.Throws<ArgumentException>(() => LesaAttention.Peaks(model, Features(), Vectors()));
        Assert.Contains("Fast0Tag", e.Message);
    }

    [Fact]
    public void Rendered_overlay_image_outlines_the_planted_box()
    {
        var img = LesaAttentionFigures.Render(2, 3, new ZslKit.Data.Synthetic.GridBox(1, 1, 1, 2));
        int p = LesaAttentionFigures.CellPixels;
        Assert.Equal(new[] { 2 * p, 3 * p, 3 }, new[] { img.GetLength(0), img.GetLength(1), img.GetLength(2) });
        Assert.Equal(255, img[p, p, 0]);                 // box corner
        Assert.Equal(255, img[2 * p - 1, 3 * p - 1, 1]); // opposite corner (last pixel of the grid)
        Assert.NotEqual(255, img[p + p / 2, p + p / 2, 2]); // box interior
        Assert.NotEqual(255, img[0, 0, 0]);              // outside the box
    }
}
