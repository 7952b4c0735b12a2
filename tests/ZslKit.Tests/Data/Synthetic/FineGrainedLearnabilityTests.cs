// The fine-grained benchmark is neither trivial nor impossible: ridge regression from pooled features (or from colour
// statistics inside the ground-truth part boxes) to class attributes, then the nearest class attribute vector, classifies
// held-out seen-class images and unseen-class images above chance and below perfect.
using ZslKit.Data.Synthetic;
using ZslKit.Testing;

namespace ZslKit.Tests.Data.Synthetic;

public class FineGrainedLearnabilityTests(ITestOutputHelper output)
{
    /// <summary>Accuracy on TestSeen (among seen classes) and TestUnseen (among unseen classes, ZSL).</summary>
    internal sealed record Result(double SeenAccuracy, int SeenClasses, double UnseenAccuracy, int UnseenClasses);

    internal static Result Evaluate(FineGrainedBenchmark bench, Func<FineGrainedSplit, int, float[]> features, int dim, double lambda)
    {
        var att = bench.Attributes;
        int a = att.AttributeCount;
        int n = bench.ImageCount(FineGrainedSplit.Train);
        var x = new float[n * dim];                 // [N, dim]
        var t = new double[n * a];                  // [N, A]
        Parallel.For(0, n, i => features(FineGrainedSplit.Train, i).CopyTo(x.AsSpan(i * dim, dim)));
        for (int i = 0; i < n; i++)
        {
            var row = att.Row(bench.ClassOf(FineGrainedSplit.Train, i));
            for (int j = 0; j < a; j++) t[i * a + j] = row[j];
        }
        var ridge = TinyRidge.Fit(x, t, n, dim, a, lambda);
        var mean = new double[a]; // mean attribute vector of the seen classes, the origin for cosine similarity
        foreach (var c in att.SeenClasses) for (int j = 0; j < a; j++) mean[j] += att.Row(c)[j] / att.SeenClasses.Length;

        double Accuracy(FineGrainedSplit split)
        {
            var classes = bench.Classes(split);
            int count = bench.ImageCount(split), correct = 0;
            var predictions = new int[count];
            Parallel.For(0, count, i =>
            {
                var z = new double[a];
                ridge.Predict(features(split, i), z);
                int best = -1;
                double bestCos = double.NegativeInfinity;
                foreach (var c in classes)
                {
                    var row = att.Row(c);
                    double dot = 0, nz = 0, nc = 0;
                    for (int j = 0; j < a; j++) { double u = z[j] - mean[j], v = row[j] - mean[j]; dot += u * v; nz += u * u; nc += v * v; }
                    double cos = dot / Math.Sqrt(nz * nc + 1e-30);
                    if (cos > bestCos) { bestCos = cos; best = c; }
                }
                predictions[i] = best;
            });
            for (int i = 0; i < count; i++) if (predictions[i] == bench.ClassOf(split, i)) correct++;
            return (double)correct / count;
        }
        return new Result(Accuracy(FineGrainedSplit.TestSeen), att.SeenClasses.Length, Accuracy(FineGrainedSplit.TestUnseen), att.UnseenClasses.Length);
    }

    /// <summary>Mean over the FeatureGrid² cells: [FeatureDim].</summary>
    internal static float[] PooledFeatures(FineGrainedBenchmark bench, FineGrainedSplit split, int i)
    {
        int d = bench.Config.FeatureDim, cells = bench.Config.CellCount;
        var map = new float[bench.FeatureLength];
        bench.GetFeatures(split, i, map);
        var pooled = new float[d];
        for (int r = 0; r < cells; r++) for (int j = 0; j < d; j++) pooled[j] += map[r * d + j] / cells;
        return pooled;
    }

    /// <summary>Mean and standard deviation of R, G, B inside each ground-truth part box: [4 parts x 6].</summary>
    internal static float[] PartColourStatistics(FineGrainedBenchmark bench, FineGrainedSplit split, int i)
    {
        int s = bench.Config.ImageSize;
        var image = new float[bench.ImageLength];
        bench.GetImage(split, i, image);
        var layout = bench.Layout(split, i);
        var f = new float[layout.PartBoxes.Count * 6];
        for (int p = 0; p < layout.PartBoxes.Count; p++)
        {
            var box = layout.PartBoxes[p];
            for (int ch = 0; ch < 3; ch++)
            {
                double sum = 0, sq = 0;
                for (int y = box.Top; y < box.Bottom; y++)
                    for (int x = box.Left; x < box.Right; x++) { double v = image[ch * s * s + y * s + x]; sum += v; sq += v * v; }
                double mean = sum / box.Area;
                f[p * 6 + ch] = (float)mean;
                f[p * 6 + 3 + ch] = (float)Math.Sqrt(Math.Max(0, sq / box.Area - mean * mean));
            }
        }
        return f;
    }

    /// <summary>
    /// Quick preset on AwA2 attributes when present (else the stand-in), feature-level variant, mean-pooled 7x7 cells,
    /// λ = 10. Measured 2026-11-28 (seed 0): AwA2 seen 0.64 (chance 0.025), unseen 0.66 (chance 0.10); stand-in 0.73 and
    /// 0.69. Bounds: seen ≥ 4x chance (measured 25-29x), unseen ≥ 2x chance (6.6-6.9x), both ≤ 0.95 (not trivial).
    /// </summary>
    [Fact]
    public void A_ridge_model_on_pooled_features_classifies_seen_and_unseen_classes_above_chance()
    {
        var bench = FineGrainedBenchmark.Create(FineGrainedBenchmarkConfig.Quick, RepoPaths.SharedData);
        var r = Evaluate(bench, (s, i) => PooledFeatures(bench, s, i), bench.Config.FeatureDim, 10);
        output.WriteLine($"{bench.Attributes.Source} features: {r}");
        Assert.InRange(r.SeenAccuracy, 4.0 / r.SeenClasses, 0.95);
        Assert.InRange(r.UnseenAccuracy, 2.0 / r.UnseenClasses, 0.95);
    }

    /// <summary>
    /// Quick preset, rendered images: mean and standard deviation of RGB inside each ground-truth part box (24 numbers),
    /// λ = 10⁻³. Measured 2026-11-28: AwA2 seen 0.43, unseen 0.50; stand-in 0.80 and 0.48. Same bounds.
    /// </summary>
    [Fact]
    public void A_ridge_model_on_part_colours_classifies_seen_and_unseen_classes_above_chance()
    {
        var bench = FineGrainedBenchmark.Create(FineGrainedBenchmarkConfig.Quick, RepoPaths.SharedData);
        var r = Evaluate(bench, (s, i) => PartColourStatistics(bench, s, i), 24, 1e-3);
        output.WriteLine($"{bench.Attributes.Source} images: {r}");
        Assert.InRange(r.SeenAccuracy, 4.0 / r.SeenClasses, 0.95);
        Assert.InRange(r.UnseenAccuracy, 2.0 / r.UnseenClasses, 0.95);
    }
}
