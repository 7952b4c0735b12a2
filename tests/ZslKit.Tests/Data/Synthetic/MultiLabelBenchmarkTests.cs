// MultiLabelBenchmark: determinism, on-demand = batch, shapes, splits, ground-truth boxes, labels and real/stand-in semantics.
using ZslKit.Data.Synthetic;
using ZslKit.Testing;

namespace ZslKit.Tests.Data.Synthetic;

public class MultiLabelBenchmarkTests
{
    private static readonly LabelSemantics SmallSemantics = LabelSemantics.StandIn(5, seen: 60, unseen: 15, dim: 32, clusters: 6);

    private static MultiLabelBenchmarkConfig Small { get; } = MultiLabelBenchmarkConfig.Quick with
    {
        TrainImages = 120, TestImages = 40, FeatureDim = 24, TopicCount = 5, Seed = 11,
    };

    private static MultiLabelBenchmark Build(MultiLabelBenchmarkConfig? config = null) => new(config ?? Small, SmallSemantics);

    private static float[] Image(MultiLabelBenchmark b, MultiLabelSplit split, int i)
    {
        var x = new float[b.ImageLength];
        b.GetRegions(split, i, x);
        return x;
    }

    private static sbyte[] Labels(MultiLabelBenchmark b, MultiLabelSplit split, int i)
    {
        var y = new sbyte[b.LabelCount(split)];
        b.GetLabels(split, i, y);
        return y;
    }

    private static IEnumerable<(MultiLabelSplit Split, int Index)> AllImages(MultiLabelBenchmark b) =>
        Enum.GetValues<MultiLabelSplit>().SelectMany(s => Enumerable.Range(0, b.ImageCount(s)).Select(i => (s, i)));

    [Fact]
    public void The_same_config_gives_identical_bytes_labels_and_fingerprint()
    {
        var a = Build();
        var b = Build();
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", a.Fingerprint);
        foreach (var (split, i) in AllImages(a).Where(p => p.Index % 7 == 0))
        {
            Assert.Equal(Image(a, split, i), Image(b, split, i));
            Assert.Equal(Labels(a, split, i), Labels(b, split, i));
            Assert.Equal(a.PlantedLabels(split, i), b.PlantedLabels(split, i));
        }
    }

    [Fact]
    public void A_different_seed_changes_images_labels_and_fingerprint()
    {
        var a = Build();
        var b = Build(Small with { Seed = 12 });
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(Image(a, MultiLabelSplit.Test, 0), Image(b, MultiLabelSplit.Test, 0));
        var plantedA = AllImages(a).Select(p => string.Join(",", a.PlantedLabels(p.Split, p.Index).Select(l => l.Label)));
        var plantedB = AllImages(b).Select(p => string.Join(",", b.PlantedLabels(p.Split, p.Index).Select(l => l.Label)));
        Assert.NotEqual(plantedA, plantedB);
    }

    [Fact]
    public void The_fingerprint_does_not_depend_on_the_current_culture()
    {
        var invariant = Build().Fingerprint;
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // With invariant globalization only the invariant culture exists; a custom NumberFormat stands in for e.g. de-DE.
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            System.Globalization.CultureInfo.CurrentCulture = comma;
            Assert.Equal("0,5", 0.5.ToString());
            Assert.Equal(invariant, Build().Fingerprint);
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = culture; }
    }

    [Fact]
    public void Other_semantics_change_the_fingerprint()
    {
        var other = LabelSemantics.StandIn(6, seen: 60, unseen: 15, dim: 32, clusters: 6);
        Assert.NotEqual(Build().Fingerprint, new MultiLabelBenchmark(Small, other).Fingerprint);
    }

    [Fact]
    public void Images_do_not_depend_on_call_order_or_thread()
    {
        var b = Build();
        var sequential = Enumerable.Range(0, b.ImageCount(MultiLabelSplit.Test)).Select(i => Image(b, MultiLabelSplit.Test, i)).ToArray();
        var fresh = Build();
        var reversed = new float[sequential.Length][];
        for (int i = sequential.Length - 1; i >= 0; i--) reversed[i] = Image(fresh, MultiLabelSplit.Test, i);
        var parallel = new float[sequential.Length][];
        Parallel.For(0, sequential.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Image(b, MultiLabelSplit.Test, i));
        for (int i = 0; i < sequential.Length; i++)
        {
            Assert.Equal(sequential[i], reversed[i]);
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void Batch_generation_equals_one_image_at_a_time()
    {
        var b = Build();
        int[] indices = [5, 0, 17, 5, 99];
        var span = new float[indices.Length * b.ImageLength];
        b.GetRegionBatch(MultiLabelSplit.Train, indices, span);
        var array = b.GetRegionBatch(MultiLabelSplit.Train, indices);
        Assert.Equal(span, array);
        var labels = new sbyte[indices.Length * b.LabelCount(MultiLabelSplit.Train)];
        b.GetLabelBatch(MultiLabelSplit.Train, indices, labels);
        for (int k = 0; k < indices.Length; k++)
        {
            Assert.Equal(Image(b, MultiLabelSplit.Train, indices[k]), span.AsSpan(k * b.ImageLength, b.ImageLength).ToArray());
            int n = b.LabelCount(MultiLabelSplit.Train);
            Assert.Equal(Labels(b, MultiLabelSplit.Train, indices[k]), labels.AsSpan(k * n, n).ToArray());
        }
    }

    [Fact]
    public void Splits_and_shapes_follow_the_config()
    {
        var b = Build();
        Assert.Equal(14 * 14, b.RegionCount);
        Assert.Equal(14 * 14 * 24, b.ImageLength);
        Assert.Equal(12, b.ImageCount(MultiLabelSplit.Validation));
        Assert.Equal(108, b.ImageCount(MultiLabelSplit.Train));
        Assert.Equal(40, b.ImageCount(MultiLabelSplit.Test));
        Assert.Equal(60, b.LabelCount(MultiLabelSplit.Train));
        Assert.Equal(60, b.LabelCount(MultiLabelSplit.Validation));
        Assert.Equal(75, b.LabelCount(MultiLabelSplit.Test));
        var e = Assert.Throws<ArgumentException>(() => b.GetRegions(MultiLabelSplit.Test, 0, new float[10]));
        Assert.Contains("196 x 24", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.GetRegions(MultiLabelSplit.Test, 40, new float[b.ImageLength]));
        Assert.Throws<ArgumentException>(() => b.GetLabels(MultiLabelSplit.Test, 0, new sbyte[60]));
        Assert.Throws<ArgumentException>(() => b.GetRegionBatch(MultiLabelSplit.Test, [0, 1], new float[b.ImageLength]));
    }

    [Fact]
    public void Training_images_hold_only_seen_labels_and_test_images_also_unseen_ones()
    {
        var b = Build();
        foreach (var split in new[] { MultiLabelSplit.Train, MultiLabelSplit.Validation })
            for (int i = 0; i < b.ImageCount(split); i++)
                Assert.All(b.PlantedLabels(split, i), p => Assert.InRange(p.Label, 0, b.SeenCount - 1));
        var testLabels = Enumerable.Range(0, b.ImageCount(MultiLabelSplit.Test)).SelectMany(i => b.PlantedLabels(MultiLabelSplit.Test, i)).ToList();
        Assert.Contains(testLabels, p => p.Label >= b.SeenCount);
        Assert.Contains(testLabels, p => p.Label < b.SeenCount);
    }

    [Fact]
    public void Planted_boxes_lie_in_the_grid_and_carry_a_stronger_signal_than_the_background()
    {
        var b = Build();
        int d = b.FeatureDim, w = b.Config.GridWidth;
        double inside = 0, outside = 0;
        int nIn = 0, nOut = 0, blobs = 0;
        foreach (var (split, i) in AllImages(b))
        {
            var planted = b.PlantedLabels(split, i);
            Assert.InRange(planted.Count, b.Config.MinLabelsPerImage, b.Config.MaxLabelsPerImage);
            Assert.Equal(planted.Count, planted.Select(p => p.Label).Distinct().Count());
            var x = Image(b, split, i);
            foreach (var p in planted)
            {
                Assert.True(p.Box.FitsIn(b.Config.GridHeight, w), $"box {p.Box} outside the grid");
                Assert.Equal(b.IsAbstract(p.Label), p.IsAbstract);
                if (p.IsAbstract) { Assert.Equal(new GridBox(0, 0, 14, 14), p.Box); continue; }
                Assert.InRange(p.Box.Height, b.Config.MinBlobSize, b.Config.MaxBlobSize);
                Assert.InRange(p.Box.Width, b.Config.MinBlobSize, b.Config.MaxBlobSize);
                blobs++;
                var s = b.Signature(p.Label);
                for (int r = 0; r < b.RegionCount; r++)
                {
                    double proj = 0; // ⟨x_r, s_c⟩ / ‖s_c‖², 1 where the signature is planted once
                    for (int j = 0; j < d; j++) proj += x[r * d + j] * s[j];
                    proj /= d * b.Config.SignalAmplitude * b.Config.SignalAmplitude;
                    if (p.Box.Contains(r / w, r % w)) { inside += proj; nIn++; } else { outside += proj; nOut++; }
                }
            }
        }
        Assert.True(blobs > 100, $"only {blobs} blobs planted");
        // Inside ≈ 1 (+ overlaps and label correlations), outside ≈ small; noise per projection is σ/√D ≈ 0.4.
        Assert.InRange(inside / nIn - outside / nOut, 0.8, 1.5);
    }

    [Fact]
    public void Region_noise_has_the_configured_variance()
    {
        var config = Small with { AbstractLabelFraction = 0, NoiseSigma = 1.5, BackgroundScale = 0.5 };
        var b = Build(config);
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int i = 0; i < b.ImageCount(MultiLabelSplit.Test); i++)
        {
            var x = Image(b, MultiLabelSplit.Test, i);
            var planted = b.PlantedLabels(MultiLabelSplit.Test, i);
            for (int r = 0; r < b.RegionCount; r++)
            {
                if (planted.Any(p => p.Box.Contains(r / 14, r % 14))) continue;
                for (int j = 0; j < b.FeatureDim; j++) { sum += x[r * b.FeatureDim + j]; sumSq += x[r * b.FeatureDim + j] * x[r * b.FeatureDim + j]; }
                n++;
            }
        }
        n *= b.FeatureDim;
        // E[x²] = σ² + β² = 2.5 away from blobs; the background is shared within an image, so the spread of the estimate
        // is dominated by 40 images x 24 dims of β² terms (SE ≈ 0.25²·√2/√960 ≈ 0.003) plus region noise: ±2% is > 5 SE.
        Assert.InRange(sumSq / n, 2.5 * 0.98, 2.5 * 1.02);
        Assert.InRange(sum / n, -0.05, 0.05);
    }

    [Fact]
    public void Test_labels_are_the_planted_labels_without_noise_or_unannotated_entries()
    {
        var b = Build();
        for (int i = 0; i < b.ImageCount(MultiLabelSplit.Test); i++)
        {
            var y = Labels(b, MultiLabelSplit.Test, i);
            var planted = b.PlantedLabels(MultiLabelSplit.Test, i).Select(p => p.Label).Order();
            Assert.Equal(planted, Enumerable.Range(0, y.Length).Where(c => y[c] == 1));
            Assert.All(y, v => Assert.True(v is 1 or -1));
        }
    }

    [Fact]
    public void Training_labels_have_wrong_tags_and_unannotated_entries_at_the_configured_rates()
    {
        var config = Small with { TrainImages = 2000, AnnotationNoiseRate = 0.2, UnannotatedRate = 0.05 };
        var b = Build(config);
        long zeros = 0, entries = 0, planted = 0, kept = 0, positives = 0;
        for (int i = 0; i < b.ImageCount(MultiLabelSplit.Train); i++)
        {
            var y = Labels(b, MultiLabelSplit.Train, i);
            Assert.All(y, v => Assert.InRange(v, -1, 1));
            zeros += y.Count(v => v == 0);
            positives += y.Count(v => v == 1);
            entries += y.Length;
            foreach (var p in b.PlantedLabels(MultiLabelSplit.Train, i)) { planted++; if (y[p.Label] == 1) kept++; }
        }
        // Zeros: Binomial(108,000, 0.05), SD 72 (0.07%). Kept planted labels: (1 − ρ)(1 − u) = 0.76 of ~6,300, SD 0.5%.
        Assert.InRange((double)zeros / entries, 0.047, 0.053);
        Assert.InRange((double)kept / planted, 0.73, 0.79);
        Assert.True(positives > kept, "wrong tags add positives that were not planted");
    }

    [Fact]
    public void Labels_of_one_image_are_semantically_closer_than_random_pairs()
    {
        var b = Build(Small with { TestImages = 400 });
        var sem = b.Semantics;
        double Cos(int a, int c) { double s = 0; var u = sem.Row(a); var v = sem.Row(c); for (int j = 0; j < u.Length; j++) s += u[j] * v[j]; return s; }
        double together = 0; int nt = 0;
        for (int i = 0; i < b.ImageCount(MultiLabelSplit.Test); i++)
        {
            var labels = b.PlantedLabels(MultiLabelSplit.Test, i).Select(p => p.Label).ToArray();
            for (int x = 0; x < labels.Length; x++) for (int y = x + 1; y < labels.Length; y++) { together += Cos(labels[x], labels[y]); nt++; }
        }
        double random = 0; int nr = 0;
        for (int a = 0; a < sem.Count; a++) for (int c = a + 1; c < sem.Count; c++) { random += Cos(a, c); nr++; }
        Assert.True(together / nt > random / nr + 0.15, $"co-occurring cos {together / nt:F3} vs random {random / nr:F3}");
    }

    [Fact]
    public void Invalid_knobs_are_rejected_with_their_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Build(Small with { MaxBlobSize = 20 }));
        Assert.Contains("MaxBlobSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => Build(Small with { NoiseSigma = -1 }));
        Assert.Contains("NoiseSigma", e.Message);
        e = Assert.Throws<ArgumentException>(() => Build(Small with { MinLabelsPerImage = 3, MaxLabelsPerImage = 2 }));
        Assert.Contains("MaxLabelsPerImage", e.Message);
    }

    [Fact]
    public void A_minimum_of_labels_per_image_above_the_seen_labels_is_rejected_while_a_larger_maximum_caps_nothing()
    {
        var three = LabelSemantics.StandIn(5, seen: 3, unseen: 2, dim: 8, clusters: 2);
        var e = Assert.Throws<ArgumentException>(() => new MultiLabelBenchmark(Small with { MinLabelsPerImage = 10, MaxLabelsPerImage = 10 }, three));
        Assert.Contains("MinLabelsPerImage = 10: exceeds the 3 seen labels", e.Message);
        Assert.Equal("config", e.ParamName);
        var b = new MultiLabelBenchmark(Small with { MinLabelsPerImage = 2, MaxLabelsPerImage = 5 }, three);   // the default maximum, 3 seen labels
        var labels = new sbyte[b.LabelCount(MultiLabelSplit.Train)];                                   // the 3 seen labels
        b.GetLabels(MultiLabelSplit.Train, 0, labels);
        Assert.InRange(labels.Count(v => v == 1), 2, 3);
    }

    [Fact]
    public void Out_of_range_labels_and_images_say_the_range_and_a_bad_batch_index_is_not_wrapped()
    {
        var b = Build();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => b.IsAbstract(99));
        Assert.Contains("MultiLabelBenchmark.IsAbstract: label 99 is outside [0, 75)", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => b.Signature(-1).ToArray());
        Assert.Contains("MultiLabelBenchmark.Signature: label -1 is outside [0, 75)", e.Message);
        Assert.Equal(b.FeatureDim, b.Signature(74).Length);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => b.GetRegionBatch(MultiLabelSplit.Train, new[] { 0, -1, 2 }));
        Assert.Contains("image -1 is outside [0, 108)", e.Message);
        Assert.Equal("indices", e.ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentNullException>(() => b.GetRegionBatch(MultiLabelSplit.Test, (IReadOnlyList<int>)null!)).ParamName);
    }

    [Fact]
    public void Presets_have_the_documented_sizes()
    {
        var q = MultiLabelBenchmarkConfig.Quick;
        var f = MultiLabelBenchmarkConfig.Full;
        Assert.Equal((4000, 400, 1000, 128, 196), (q.TrainImages, q.ValidationImages, q.TestImages, q.FeatureDim, q.RegionCount));
        Assert.Equal((161_789, 107_859, 512, 196, 3.0), (f.TrainImages, f.TestImages, f.FeatureDim, f.RegionCount, f.NoiseSigma));
        q.Validate();
        f.Validate();
    }

    [Fact]
    public void Without_a_data_folder_the_generated_stand_in_is_used()
    {
        var b = MultiLabelBenchmark.Create(Small, null);
        Assert.True(b.Semantics.IsStandIn);
        Assert.Equal((925, 81, 300), (b.SeenCount, b.UnseenCount, b.Semantics.Dim));
        var missing = MultiLabelBenchmark.Create(Small, Path.Combine(Path.GetTempPath(), "no-such-zslkit-data"));
        Assert.True(missing.Semantics.IsStandIn);
        Assert.Equal(b.Fingerprint, missing.Fingerprint);
    }

    [Fact]
    public void With_the_shared_data_the_real_nus_wide_glove_vectors_are_used()
    {
        Skip.If(!LabelSemantics.HasNusWide(RepoPaths.SharedData), "NUS-WIDE semantics not in ../shared/data");
        var b = MultiLabelBenchmark.Create(Small, RepoPaths.SharedData);
        var sem = b.Semantics;
        Assert.False(sem.IsStandIn);
        Assert.StartsWith("nus-wide-glove300:", sem.Source);
        Assert.Equal((925, 81, 300), (sem.SeenCount, sem.UnseenCount, sem.Dim));
        var concepts = File.ReadAllLines(RepoPaths.SharedFile("nus-wide", "Concepts81.txt")!).Where(l => l.Trim().Length > 0).ToArray();
        Assert.Equal(concepts, sem.Names[925..]);
        Assert.DoesNotContain(sem.Names[..925], concepts.Contains);
        // Row 0 of the concepts' file, L2-normalised, is the first unseen label.
        var raw = ZslKit.Data.Formats.Npy.Read(RepoPaths.SharedFile("nus-wide", "concepts81_glove300.npy")!).ToFloat32()[..300];
        double norm = Math.Sqrt(raw.Sum(v => (double)v * v));
        for (int j = 0; j < 300; j++) Assert.Equal(raw[j] / norm, sem.Row(925)[j], 1e-6);
        Assert.NotEqual(MultiLabelBenchmark.Create(Small, null).Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void Label_count_of_an_undefined_split_value_is_refused()
    {
        var b = Build();
        Assert.Equal((60, 60, 75), (b.LabelCount(MultiLabelSplit.Train), b.LabelCount(MultiLabelSplit.Validation), b.LabelCount(MultiLabelSplit.Test)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => b.LabelCount((MultiLabelSplit)9));
        Assert.Equal("split", e.ParamName);
        Assert.Contains("unknown split (Train, Validation or Test)", e.Message);
    }
}
