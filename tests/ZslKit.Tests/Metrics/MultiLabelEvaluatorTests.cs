using ZslKit.Data.Formats;
using ZslKit.Metrics;

namespace ZslKit.Tests.Metrics;

public class MultiLabelEvaluatorTests
{
    private static readonly Matrix<float> S = MetricFixtures.Floats("ml_scores.npy");
    private static readonly Matrix<sbyte> Y = MetricFixtures.Labels("ml_labels.npy");

    [Fact]
    public void Map_keeps_labels_without_positives_in_the_mean()
    {
        // label 0: 5/6 (see AveragePrecisionTests); label 1: no positive -> 0; label 2: all unannotated -> 0.
        var s = Ml.M([0.9f, 0.5f, 0.1f], [0.8f, 0.4f, 0.2f], [0.8f, 0.3f, 0.3f], [0.1f, 0.2f, 0.4f]);
        var y = Ml.M<sbyte>([1, -1, 0], [-1, -1, 0], [1, -1, 0], [-1, 0, 0]);
        var r = Ml.Eval(s, y);
        Assert.Equal(5.0 / 18, r.Map, 12);
        Assert.Equal(5.0 / 18, r.Variants["all"], 12);
        Assert.Equal(5.0 / 6, r.Variants["annotated"], 12);
        Assert.Equal(5.0 / 6, r.Variants["weighted"], 12);
    }

    [Fact]
    public void Annotated_images_variant_drops_images_without_a_positive()
    {
        // label 0 ranks image 1 (no positive anywhere) first: AP 1/2·1/2 + 1/2·2/3 = 7/12 over all images, 1 without it.
        var s = Ml.M([0.5f, 0.1f], [0.9f, 0.1f], [0.4f, 0.9f]);
        var y = Ml.M<sbyte>([1, -1], [-1, -1], [1, 1]);
        var r = Ml.Eval(s, y);
        Assert.Equal(7.0 / 12, r.PerLabel[0].Ap, 12);
        Assert.Equal(1.0, r.PerLabelImagesWithPositives![0].Ap, 12);
        Assert.Equal(1.0, r.Variants["annotated-images"], 12);
        Assert.Equal((7.0 / 12 + 1) / 2, r.Variants["all"], 12);
    }

    [Fact]
    public void Per_label_ap_matches_sklearn_on_data_with_many_ties()
    {
        var r = Ml.Eval(S, Y);
        var want = MetricFixtures.Doubles(MetricFixtures.Expected.GetProperty("ml").GetProperty("ap"));
        var wantImg = MetricFixtures.Doubles(MetricFixtures.Expected.GetProperty("ml").GetProperty("ap_images_with_positives"));
        Assert.Equal(want.Length, r.PerLabel.Length);
        for (int j = 0; j < want.Length; j++)
        {
            Assert.True(Math.Abs(want[j] - r.PerLabel[j].Ap) <= 1e-6, $"label {j}: {r.PerLabel[j].Ap} vs sklearn {want[j]}");
            Assert.True(Math.Abs(wantImg[j] - r.PerLabelImagesWithPositives![j].Ap) <= 1e-6, $"label {j} (images with positives)");
        }
    }

    [Theory]
    [InlineData("all")]
    [InlineData("annotated")]
    [InlineData("annotated-images")]
    [InlineData("weighted")]
    public void Map_variants_match_the_reference(string variant)
    {
        var r = Ml.Eval(S, Y);
        double want = MetricFixtures.Expected.GetProperty("ml").GetProperty("map").GetProperty(variant).GetDouble();
        Assert.Equal(want, r.Variants[variant], 1e-6);
    }

    [Theory]
    [InlineData("nus", 1)]
    [InlineData("nus", 3)]
    [InlineData("nus", 5)]
    [InlineData("openimages", 1)]
    [InlineData("openimages", 3)]
    [InlineData("openimages", 5)]
    public void Precision_recall_f1_at_k_match_the_numpy_reference(string protocol, int k)
    {
        var r = Ml.Eval(S, Y, [1, 3, 5], MultiLabelProtocol.Parse(protocol));
        var want = MetricFixtures.Expected.GetProperty("ml").GetProperty("prf").GetProperty(protocol).GetProperty(k.ToString());
        var got = r.TopK.Single(t => t.K == k);
        Assert.Equal(want.GetProperty("tp").GetInt64(), got.TruePositives);
        Assert.Equal(want.GetProperty("images").GetInt64(), got.Images);
        Assert.Equal(want.GetProperty("p").GetDouble(), got.Precision, 1e-12);
        Assert.Equal(want.GetProperty("r").GetDouble(), got.Recall, 1e-12);
        Assert.Equal(want.GetProperty("f1").GetDouble(), got.F1, 1e-12);
    }

    [Fact]
    public void Streaming_npy_files_in_small_column_chunks_gives_the_in_memory_result()
    {
        var whole = Ml.Eval(S, Y, [3, 5]);
        // A 6 KB budget holds 5 of the 30 columns of 240 images: 6 column passes.
        var options = new MultiLabelOptions([3, 5], MultiLabelProtocol.Nus, MemoryBudgetBytes: 6000);
        var streamed = MultiLabelEvaluator.Evaluate(MetricFixtures.Path("ml_scores.npy"), MetricFixtures.Path("ml_labels_f32.npy"), options);
        Assert.Equal(7, streamed.Passes);
        Assert.Equal(whole.PerLabel, streamed.PerLabel);
        Assert.Equal(whole.Variants, streamed.Variants);
        Assert.Equal(whole.TopK, streamed.TopK);
    }

    [Fact]
    public void Labels_zero_and_minus_one_are_both_not_positive_in_top_k()
    {
        // image 0 top-2 = {col 0 (0), col 1 (-1)}: no hit; image 1 top-2 = {col 2 (1), col 0 (-1)}: one hit.
        var s = Ml.M([0.9f, 0.8f, 0.1f], [0.5f, 0.1f, 0.7f]);
        var y = Ml.M<sbyte>([0, -1, 1], [-1, 0, 1]);
        var t = Ml.Eval(s, y, [2]).TopK[0];
        Assert.Equal(1, t.TruePositives);
        Assert.Equal(1.0 / 4, t.Precision, 12);
        Assert.Equal(1.0 / 2, t.Recall, 12);
    }

    [Fact]
    public void Top_k_ties_go_to_the_lower_label_index()
    {
        // All four scores tie: top-2 is columns 0 and 1 -> the positive in column 2 is missed.
        var s = Ml.M([0.5f, 0.5f, 0.5f, 0.5f]);
        Assert.Equal(0, Ml.Eval(s, Ml.M<sbyte>([-1, -1, 1, -1]), [2]).TopK[0].TruePositives);
        Assert.Equal(1, Ml.Eval(s, Ml.M<sbyte>([-1, 1, -1, -1]), [2]).TopK[0].TruePositives);
    }

    [Fact]
    public void Images_without_positives_count_in_nus_protocol_and_not_in_openimages()
    {
        var s = Ml.M([0.9f, 0.1f], [0.9f, 0.1f]);
        var y = Ml.M<sbyte>([1, -1], [-1, -1]);
        var nus = Ml.Eval(s, y, [1], MultiLabelProtocol.Nus).TopK[0];
        var oi = Ml.Eval(s, y, [1], MultiLabelProtocol.OpenImages).TopK[0];
        Assert.Equal((0.5, 2L), (nus.Precision, nus.Images));
        Assert.Equal((1.0, 1L), (oi.Precision, oi.Images));
    }

    [Fact]
    public void Non_finite_scores_are_rejected_with_their_position()
    {
        var s = Ml.M([0.1f, float.NaN]);
        var e = Assert.Throws<MetricInputException>(() => Ml.Eval(s, Ml.M<sbyte>([1, -1])));
        Assert.Contains("row 0, column 1", e.Message);
        Assert.Throws<MetricInputException>(() => Ml.Eval(Ml.M([float.PositiveInfinity]), Ml.M<sbyte>([1])));
    }

    [Fact]
    public void Labels_outside_minus_one_zero_one_are_rejected()
    {
        var e = Assert.Throws<MetricInputException>(() => Ml.Eval(Ml.M([0.1f, 0.2f]), Ml.M<sbyte>([1, 2])));
        Assert.Contains("label 2", e.Message);
    }

    [Fact]
    public void Shape_mismatch_between_scores_and_labels_is_rejected()
    {
        Assert.Throws<MetricInputException>(() => Ml.Eval(Ml.M([0.1f, 0.2f]), Ml.M<sbyte>([1, -1, 1])));
        Assert.Throws<MetricInputException>(() => new Matrix<float>(new float[5], 2, 3));
    }

    [Fact]
    public void K_larger_than_the_label_count_is_rejected()
    {
        var e = Assert.Throws<MetricInputException>(() => Ml.Eval(Ml.M([0.1f, 0.2f]), Ml.M<sbyte>([1, -1]), [3]));
        Assert.Equal("options.Ks: K = 3 must be between 1 and the label count 2", e.Message);
    }

    [Fact]
    public void The_default_options_on_fewer_than_five_labels_are_named_as_the_problem()
    {
        var s = Matrix.Create(new float[] { 0.1f, 0.2f, 0.3f }, 1, 3);
        var y = Matrix.Create(new sbyte[] { 1, -1, 1 }, 1, 3);
        var e = Assert.Throws<MetricInputException>(() => MultiLabelEvaluator.Evaluate(s, y));
        Assert.Equal("options.Ks: K = 5 must be between 1 and the label count 3 (the default MultiLabelOptions K = 3, 5 needs at least 5 labels; " +
            "pass options with smaller Ks)", e.Message);
        Assert.DoesNotContain("--k", e.Message);
    }

    [Fact]
    public void Unnamed_matrices_are_called_scores_and_labels_in_errors()
    {
        var e = Assert.Throws<MetricInputException>(() =>
            MultiLabelEvaluator.Evaluate(Matrix.Create(new float[6], 2, 3), Matrix.Create(new sbyte[6], 3, 2)));
        Assert.Equal("labels: shape [3, 2] does not match scores shape [2, 3]", e.Message);
        e = Assert.Throws<MetricInputException>(() =>
            Ml.Eval(Matrix.Create(new[] { 0f, float.NaN }, 1, 2), Matrix.Create(new sbyte[] { 1, -1 }, 1, 2)));
        Assert.Equal("scores: score NaN at row 0, column 1 is not finite", e.Message);
        Assert.Equal("scores", Assert.Throws<ArgumentNullException>(() => Ml.Eval(default, Ml.M<sbyte>([1]))).ParamName);
    }

    [Fact]
    public void Null_options_and_null_option_members_are_refused_naming_them()
    {
        using var source = new ArrayMultiLabelSource(Ml.M([0.1f, 0.2f]), Ml.M<sbyte>([1, -1]));
        var ok = new MultiLabelOptions([1], MultiLabelProtocol.Nus);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => MultiLabelEvaluator.Evaluate(source, null!)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => MultiLabelEvaluator.Evaluate(null!, ok)).ParamName);
        Assert.Equal("options.Ks", Assert.Throws<ArgumentNullException>(() => MultiLabelEvaluator.Evaluate(source, ok with { Ks = null! })).ParamName);
        Assert.Equal("options.Protocol", Assert.Throws<ArgumentNullException>(() => MultiLabelEvaluator.Evaluate(source, ok with { Protocol = null! })).ParamName);
        var e = Assert.Throws<ArgumentNullException>(() => MultiLabelEvaluator.Evaluate(source, ok with { Variants = [MapVariant.All, null!] }));
        Assert.Equal("options.Variants", e.ParamName);
        Assert.Contains("MultiLabelOptions.Variants[1] is null", e.Message);
        Assert.Equal("options.MaxDegreeOfParallelism",
            Assert.Throws<ArgumentOutOfRangeException>(() => MultiLabelEvaluator.Evaluate(source, ok with { MaxDegreeOfParallelism = 0 })).ParamName);
        Assert.Equal("scoresPath", Assert.Throws<ArgumentNullException>(() => MultiLabelEvaluator.Evaluate(null!, "y.npy", ok)).ParamName);
        Assert.Equal(2, MultiLabelEvaluator.Evaluate(source, ok).Labels);
    }

    [Fact]
    public void Bad_label_file_values_are_reported_with_file_and_byte_offset()
    {
        var dir = Directory.CreateTempSubdirectory("zslkit-metrics-");
        try
        {
            string s = System.IO.Path.Combine(dir.FullName, "s.npy"), y = System.IO.Path.Combine(dir.FullName, "y.npy");
            Npy.Write<float>(s, [0.1f, 0.2f, 0.3f, 0.4f], 2, 2);
            Npy.Write<float>(y, [1, -1, 0.5f, 0], 2, 2);
            var k1 = new MultiLabelOptions([1], MultiLabelProtocol.Nus);
            var e = Assert.Throws<MetricInputException>(() => MultiLabelEvaluator.Evaluate(s, y, k1));
            Assert.Contains(y, e.Message);
            Assert.Contains("byte 136", e.Message); // 128-byte header + element 2 of 4 bytes
            Npy.Write<float>(y, [1, -1, 0], 3);
            Assert.Throws<MetricInputException>(() => MultiLabelEvaluator.Evaluate(s, y, k1));
            Npy.Write<byte>(y, [1, 0, 0, 255], 2, 2); // uint8 255 must not read as -1
            e = Assert.Throws<MetricInputException>(() => MultiLabelEvaluator.Evaluate(s, y, k1));
            Assert.Contains("byte 131", e.Message);
            Npy.Write<byte>(y, [1, 0, 0, 1], 2, 2);
            Assert.Equal(2, MultiLabelEvaluator.Evaluate(s, y, k1).Labels);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Protocols_know_their_label_spaces()
    {
        Assert.Equal(81, MultiLabelProtocol.Nus.Zsl.Columns);
        Assert.Equal(1006, MultiLabelProtocol.Nus.Gzsl.Columns);
        Assert.Equal(400, MultiLabelProtocol.OpenImages.Space("zsl").Columns);
        Assert.Equal(7586, MultiLabelProtocol.OpenImages.Space("gzsl").Columns);
        Assert.Throws<MetricInputException>(() => MultiLabelProtocol.Nus.CheckColumns(MultiLabelProtocol.Nus.Gzsl, 81, "scores"));
        Assert.Throws<MetricInputException>(() => MultiLabelProtocol.Parse("coco"));
    }
}
