// LesaLocalisationTests.cs - Table 3 / Figure 5 computations (LesaLocalisation): grid boxes and peak points, localisation
// mAP of the hand-set models of LesaAttentionTests against boxes placed on or off their known peaks, per-label gains,
// claims, the synthetic ground truth and the dataset guard of the notebooks.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Lesa;
using ZslKit.Metrics;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

public class LesaLocalisationTests
{
    private static readonly string[] Names = ["a", "b", "c"];

    [Fact]
    public void Region_centres_and_grid_boxes_share_grid_coordinates()
    {
        Assert.Equal(new Peak(1.5, 1.5), LesaLocalisation.RegionCentre(5, 4));
        Assert.Equal(new Peak(0.5, 0.5), LesaLocalisation.RegionCentre(0, 4));
        Assert.Equal(new Peak(3.5, 0.5), LesaLocalisation.RegionCentre(3, 4));
        var box = LesaLocalisation.ToBox(new GridBox(Top: 1, Left: 2, Height: 3, Width: 1));
        Assert.Equal(new Box(2, 1, 1, 3), box);
        // A box contains exactly the centres of its own cells.
        Assert.True(box.Contains(2.5, 1.5) && box.Contains(2.5, 3.5));
        Assert.False(box.Contains(1.5, 1.5) || box.Contains(2.5, 4.5) || box.Contains(3.5, 2.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LesaLocalisation.RegionCentre(-1, 4));
    }

    [Fact]
    public void Boxes_covering_every_attention_peak_give_AP_1_and_boxes_beside_them_give_AP_0()
    {
        using var scope = torch.NewDisposeScope();
        using var model = LesaAttentionTests.HandSetLesa();
        using var noGrad = torch.no_grad();
        var peaks = LesaAttention.Peaks(model, LesaAttentionTests.Features(), LesaAttentionTests.Vectors());
        // Peaks (region = row·2 + col): image 0: a 0, b 3; image 1: a 3, b 0. Label a (seen): boxes on its peaks.
        // Label b (unseen): boxes on the other one-hot region, where the label is not attended. Label c: no box.
        Box Cell(int region) => LesaLocalisation.ToBox(new GridBox(region / 2, region % 2, 1, 1));
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>>
        {
            [(0, 0)] = [Cell(0)], [(1, 0)] = [Cell(3)],
            [(0, 1)] = [Cell(0)], [(1, 1)] = [Cell(3)],
        };
        var r = LesaLocalisation.EvaluatePeaks("hand-set LESA", peaks, 2, boxes, [true, false, false], Names);
        Assert.Equal(1.0, r.Report.PerLabel[0], 12);
        Assert.Equal(0.0, r.Report.PerLabel[1], 12);
        Assert.Equal(new[] { 2, 2, 0 }, r.Report.BoxedImages);
        Assert.Equal((1.0, 0.0, 0.0), (r.Report.MapSeen, r.Report.MapUnseen, r.Report.H));
    }

    [Fact]
    public void A_hit_on_the_lower_scored_image_only_gives_AP_one_half()
    {
        // One label, image 0 scored above image 1; both hold a box, only image 1's peak (region 3) falls inside it.
        var peaks = new LabelAttentionPeaks(2, 1, [0.9f, 0.5f], [0, 3], null);
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>>
        {
            [(0, 0)] = [new Box(1, 1, 1, 1)],   // region 3's cell; the image-0 peak is region 0: miss
            [(1, 0)] = [new Box(1, 1, 1, 1)],   // hit
        };
        var r = LesaLocalisation.EvaluatePeaks("m", peaks, 2, boxes, [false], ["a"]);
        // Ranked: image 0 (miss), image 1 (hit): precision 1/2 at the only hit, recall 1/2 of G = 2 -> AP = 0.25.
        Assert.Equal(0.25, r.Report.PerLabel[0], 12);
        Assert.Equal(0.25, r.Report.MapUnseen, 12);
    }

    [Fact]
    public void One_attention_per_label_is_evaluated_like_lesa()
    {
        using var scope = torch.NewDisposeScope();
        using var model = LesaAttentionTests.HandSetPerLabel();
        using var noGrad = torch.no_grad();
        var peaks = LesaAttention.Peaks(model, LesaAttentionTests.Features(), LesaAttentionTests.Vectors());
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>> { [(0, 2)] = [new Box(1, 1, 1, 1)], [(1, 2)] = [new Box(0, 0, 1, 1)] };
        var r = LesaLocalisation.EvaluatePeaks("hand-set per label", peaks, 2, boxes, [true, true, false], Names);
        Assert.Equal(1.0, r.Report.MapUnseen, 12);   // label c peaks at region 3 in image 0 and region 0 in image 1
    }

    [Fact]
    public void Random_peaks_keep_the_scores_and_spread_uniformly_over_the_regions()
    {
        var peaks = new LabelAttentionPeaks(100, 90, Enumerable.Range(0, 9000).Select(i => (float)i).ToArray(), new int[9000], new int[9000]);
        var a = LesaLocalisation.RandomPeaks(peaks, 9, seed: 4);
        var b = LesaLocalisation.RandomPeaks(peaks, 9, seed: 4);
        Assert.Equal(a.PeakRegion, b.PeakRegion);
        Assert.Same(peaks.Scores, a.Scores);
        Assert.Null(a.Module);
        var counts = a.PeakRegion.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 9), counts.Keys.Order());
        Assert.All(counts.Values, n => Assert.InRange(n, 850, 1150));   // 1,000 expected per region, sd ≈ 30
        Assert.NotEqual(a.PeakRegion, LesaLocalisation.RandomPeaks(peaks, 9, seed: 5).PeakRegion);
    }

    [Fact]
    public void Mismatched_peaks_and_names_are_rejected_with_their_sizes()
    {
        var peaks = new LabelAttentionPeaks(2, 2, [1, 2, 3], [0, 0, 0, 0], null);
        var e = Assert.Throws<ArgumentException>(() => LesaLocalisation.EvaluatePeaks("m", peaks, 2, new Dictionary<(int, int), IReadOnlyList<Box>>(), [true, false], ["a", "b"]));
        Assert.Contains("3 scores", e.Message);
        var ok = new LabelAttentionPeaks(1, 2, [1, 2], [0, 0], null);
        e = Assert.Throws<ArgumentException>(() => LesaLocalisation.EvaluatePeaks("m", ok, 2, new Dictionary<(int, int), IReadOnlyList<Box>>(), [true, false], ["a"]));
        Assert.Contains("1 label names for 2 labels", e.Message);
    }

    private static LesaLocalisationResult Result(string model, double[] ap, int[] boxed, bool[] seen, double ms, double mu) =>
        new(model, new LocalisationReport(ms, mu, ms + mu > 0 ? 2 * ms * mu / (ms + mu) : 0, ap, boxed), seen, ["s0", "u0", "u1", "u2"]);

    [Fact]
    public void Per_label_improvement_keeps_boxed_unseen_labels_largest_gain_first()
    {
        bool[] seen = [true, false, false, false];
        var lesa = Result("LESA", [0.9, 0.5, 0.7, 0.0], [3, 4, 2, 0], seen, 0.9, 0.6);
        var base1 = Result("one", [0.2, 0.6, 0.1, 0.0], [3, 4, 2, 0], seen, 0.2, 0.35);
        var gains = LesaLocalisation.PerLabelImprovement(lesa, base1);
        Assert.Equal(new[] { "u1", "u0" }, gains.Select(g => g.Name));   // u2 has no box; s0 is seen
        Assert.Equal(0.6, gains[0].Delta, 12);
        Assert.Equal(-0.1, gains[1].Delta, 12);
        var seenGains = LesaLocalisation.PerLabelImprovement(lesa, base1, unseen: false);
        Assert.Equal(0.7, Assert.Single(seenGains).Delta, 12);
        var other = new LesaLocalisationResult("x", base1.Report, [true, true, false, false], base1.LabelNames);
        Assert.Throws<ArgumentException>(() => LesaLocalisation.PerLabelImprovement(lesa, other));
    }

    [Fact]
    public void Table3_claims_compare_unseen_map_and_harmonic_mean_with_the_numbers()
    {
        bool[] seen = [true, false, false, false];
        int[] boxed = [1, 1, 1, 1];
        var lesa = Result("LESA (M=10)", [0, 0, 0, 0], boxed, seen, 0.30, 0.20);
        var perLabel = Result("One Attention per Label", [0, 0, 0, 0], boxed, seen, 0.50, 0.40);
        var forAll = Result("LESA (M=1)", [0, 0, 0, 0], boxed, seen, 0.10, 0.10);
        var claims = LesaLocalisation.Claims(lesa, [perLabel, forAll]);
        Assert.Equal(3, claims.Count);
        Assert.Equal(ClaimStatus.NotHeld, claims[0].Status);
        Assert.Contains("LESA (M=10) 20.0 vs One Attention per Label 40.0", claims[0].Detail);
        Assert.Equal(ClaimStatus.Held, claims[1].Status);
        Assert.Equal("table3-unseen-vs-lesa--m-1", claims[1].Id);
        Assert.Equal(ClaimStatus.NotHeld, claims[2].Status);   // H 24.0 vs 44.4
        Assert.Contains("one seed on a side: no seed-noise estimate", claims[0].Detail);
        var table = LesaLocalisation.Table([lesa, perLabel], "t");
        Assert.Equal("20.0", table.Cell("LESA (M=10)", "localisation", "mAP unseen"));
        Assert.Equal("24.0", table.Cell("LESA (M=10)", "localisation", "H"));
    }

    [Fact]
    public void Table3_claims_over_seed_means_set_the_margin_against_the_seeds_spread()
    {
        bool[] seen = [true, false, false, false];
        int[] boxed = [1, 1, 1, 1];
        var lesa = LesaLocalisation.Average([Result("L", [0, 0, 0, 0], boxed, seen, 0.3, 0.20), Result("L", [0, 0, 0, 0], boxed, seen, 0.3, 0.30)], "LESA");
        var close = LesaLocalisation.Average([Result("B", [0, 0, 0, 0], boxed, seen, 0.3, 0.22), Result("B", [0, 0, 0, 0], boxed, seen, 0.3, 0.24)], "close");
        var far = LesaLocalisation.Average([Result("F", [0, 0, 0, 0], boxed, seen, 0.3, 0.01), Result("F", [0, 0, 0, 0], boxed, seen, 0.3, 0.03)], "far");
        Assert.Equal(2, lesa.Seeds.Count);
        Assert.Equal(0.25, lesa.Report.MapUnseen, 12);
        var claims = LesaLocalisation.Claims(lesa, [close, far]);
        Assert.Equal(ClaimStatus.Held, claims[0].Status);                                     // 25.0 vs 23.0: the means decide
        Assert.Contains("within seed noise", claims[0].Detail);                               // 0.02 / sqrt(0.005/2 + 0.0002/2) = 0.39 SE
        Assert.Contains("margin +0.4 SE", claims[0].Detail);
        Assert.Equal(ClaimStatus.Held, claims[1].Status);                                     // 25.0 vs 2.0
        Assert.Contains("margin +4.5 SE", claims[1].Detail);                                  // 0.23 / sqrt(0.005/2 + 0.0002/2) = 4.51
        Assert.DoesNotContain("within seed noise", claims[1].Detail);
        var twice = LesaLocalisation.Average([lesa, lesa], "twice");                             // means of means keep every seed
        Assert.Equal(4, twice.Seeds.Count);
    }

    [Fact]
    public void Improvement_figure_orders_every_series_by_the_first_and_refuses_other_label_sets()
    {
        var first = new[] { new LabelImprovement(2, "u1", 0.7, 0.1), new LabelImprovement(1, "u0", 0.5, 0.6) };
        var second = new[] { new LabelImprovement(1, "u0", 0.5, 0.2), new LabelImprovement(2, "u1", 0.7, 0.6) };
        var fig = LesaLocalisation.ImprovementFigure("f", [("A", first), ("B", second)]);
        var data = fig.ToJson()["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.Equal("[\"u1\",\"u0\"]", data[1]!["x"]!.ToJsonString());
        Assert.Equal(10.0, (double)data[1]!["y"]![0]!, 9);   // u1 in series B: (0.7 - 0.6) points x 100
        Assert.Throws<ArgumentException>(() => LesaLocalisation.ImprovementFigure("f", [("A", first), ("B", second[..1])]));
    }

    [Fact]
    public void Improvement_figure_over_many_labels_draws_the_largest_gains_and_losses_only()
    {
        // seven labels, gains 6, 5, ..., 0 points in the first series' (descending) order; the second series in reverse order
        var first = Enumerable.Range(0, 7).Select(k => new LabelImprovement(10 + k, $"u{k}", 0.06 - 0.01 * k, 0)).ToList();
        var second = first.AsEnumerable().Reverse().Select(g => g with { Baseline = 0.01 }).ToList();
        Assert.Equal(new[] { 10, 11, 15, 16 }, LesaLocalisation.ShownLabels(first, 4).Select(g => g.Label));
        Assert.Equal(new[] { 10, 11, 14, 15, 16 }, LesaLocalisation.ShownLabels(first, 5).Select(g => g.Label));
        Assert.Same(first, LesaLocalisation.ShownLabels(first, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => LesaLocalisation.ShownLabels(first, 1));

        var data = LesaLocalisation.ImprovementFigure("f", [("A", first), ("B", second)], maxLabels: 4).ToJson()["data"]!.AsArray();
        Assert.Equal("[\"u0\",\"u1\",\"u5\",\"u6\"]", data[0]!["x"]!.ToJsonString());
        Assert.Equal("[\"u0\",\"u1\",\"u5\",\"u6\"]", data[1]!["x"]!.ToJsonString());
        Assert.Equal(new[] { 6.0, 5.0, 1.0, 0.0 }, data[0]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 9)));
        Assert.Equal(new[] { 5.0, 4.0, 0.0, -1.0 }, data[1]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 9)));
        // a series that lacks a label the figure leaves out is still refused: coverage is checked over every label
        Assert.Throws<ArgumentException>(() => LesaLocalisation.ImprovementFigure("f", [("A", first), ("B", second.Where(g => g.Label != 13).ToList())], 4));
    }

    [Fact]
    public void Average_over_seeds_takes_the_mean_of_each_quantity()
    {
        bool[] seen = [true, false, false, false];
        int[] boxed = [1, 2, 0, 3];
        var a = Result("m", [0.2, 0.4, 0, 1.0], boxed, seen, 0.2, 0.6);
        var b = Result("m", [0.4, 0.0, 0, 0.5], boxed, seen, 0.4, 0.2);
        var mean = LesaLocalisation.Average([a, b], "mean");
        Assert.Equal("mean", mean.Model);
        Assert.Equal(new[] { 0.3, 0.2, 0, 0.75 }, mean.Report.PerLabel.Select(x => Math.Round(x, 12)));
        Assert.Equal((0.3, 0.4), (Math.Round(mean.Report.MapSeen, 12), Math.Round(mean.Report.MapUnseen, 12)));
        Assert.Equal((a.Report.H + b.Report.H) / 2, mean.Report.H, 12);
        var otherBoxes = Result("m", [0, 0, 0, 0], [1, 1, 1, 1], seen, 0, 0);
        Assert.Throws<ArgumentException>(() => LesaLocalisation.Average([a, otherBoxes]));
    }

    [Fact]
    public void Ground_truth_has_one_box_per_planted_object_label_and_abstract_labels_only_on_request()
    {
        var bench = new MultiLabelBenchmark(MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 20, TestImages = 30, FeatureDim = 4, GridHeight = 5, GridWidth = 5, MaxBlobSize = 3, AbstractLabelFraction = 0.3, Seed = 3,
        }, LabelSemantics.StandIn(3, seen: 20, unseen: 10, dim: 8, clusters: 4));
        var objects = LesaLocalisation.GroundTruth(bench);
        var all = LesaLocalisation.GroundTruth(bench, includeAbstractLabels: true);
        int planted = 0, abstracts = 0;
        for (int i = 0; i < 30; i++)
            foreach (var p in bench.PlantedLabels(MultiLabelSplit.Test, i))
            {
                planted++;
                Assert.Equal(LesaLocalisation.ToBox(p.Box), Assert.Single(all[(i, p.Label)]));
                if (p.IsAbstract) { abstracts++; Assert.False(objects.ContainsKey((i, p.Label))); }
                else Assert.True(objects.ContainsKey((i, p.Label)));
            }
        Assert.True(abstracts > 0 && abstracts < planted, $"{abstracts} abstract of {planted} planted labels");
        Assert.Equal(planted, all.Count);
        Assert.Equal(planted - abstracts, objects.Count);
    }

    [Fact]
    public void Real_datasets_stop_with_a_message_naming_what_is_missing()
    {
        var e = Assert.Throws<NotSupportedException>(() => LesaAttentionData.Benchmark("openimages", LesaPresets.Quick));
        Assert.Contains("region features", e.Message);
        Assert.Contains("box files", e.Message);
        Assert.Throws<NotSupportedException>(() => LesaAttentionData.Benchmark("nus-wide", LesaPresets.Quick));
        var bad = Assert.Throws<ArgumentException>(() => LesaAttentionData.Benchmark("cub", LesaPresets.Quick));
        Assert.Contains("synthetic", bad.Message);
    }
}
