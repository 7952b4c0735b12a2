using ZslKit.Metrics;

namespace ZslKit.Tests.Metrics;

public class SingleLabelMetricsTests
{
    private static readonly SingleLabelData Fixture = new(MetricFixtures.Floats("sl_scores.npy"), MetricFixtures.Ints("sl_labels.npy"),
        MetricFixtures.Ints("sl_seen.npy"));

    [Theory]
    [InlineData(0.0f, "0.0")]
    [InlineData(0.5f, "0.5")]
    [InlineData(1.3f, "1.3")]
    public void Mca_and_gzsl_accuracies_match_the_numpy_reference(float gamma, string key)
    {
        var want = MetricFixtures.Expected.GetProperty("sl").GetProperty(key);
        var r = SingleLabelMetrics.Evaluate(Fixture, gamma);
        Assert.Equal(want.GetProperty("mca").GetDouble(), r.Mca!.Value, 1e-12);
        Assert.Equal(want.GetProperty("acc_unseen").GetDouble(), r.AccUnseen!.Value, 1e-12);
        Assert.Equal(want.GetProperty("acc_seen").GetDouble(), r.AccSeen!.Value, 1e-12);
        Assert.Equal(want.GetProperty("h").GetDouble(), r.H!.Value, 1e-12);
    }

    [Fact]
    public void Ties_go_to_the_first_class_index()
    {
        // Classes 0 (seen) and 1, 2 (unseen); every score tied.
        var s = Ml.M([1f, 1f, 1f], [1f, 1f, 1f]);
        var d = new SingleLabelData(s, [1, 2], [0]);
        var r = SingleLabelMetrics.Evaluate(d);
        Assert.Equal(0.5, r.Mca!.Value, 12);  // ZSL over {1, 2}: both images predict 1
        Assert.Equal(0.0, r.AccUnseen!.Value); // GZSL over {0, 1, 2}: both predict 0
        Assert.Null(r.AccSeen);                // no test image of a seen class
        Assert.Null(r.H);
    }

    [Fact]
    public void Mca_is_the_mean_of_per_class_accuracies_not_the_overall_accuracy()
    {
        // Unseen class 1: 3 images, all right; unseen class 2: 1 image, wrong -> MCA 0.5 (overall accuracy would be 0.75).
        var s = Ml.M([0f, 1f, 0f], [0f, 1f, 0f], [0f, 1f, 0f], [0f, 1f, 0f]);
        var r = SingleLabelMetrics.Evaluate(new SingleLabelData(s, [1, 1, 1, 2], [0]));
        Assert.Equal(0.5, r.Mca!.Value, 12);
    }

    [Fact]
    public void Gamma_moves_predictions_from_seen_to_unseen_classes()
    {
        // Image 0 (unseen class 1) scores seen class 0 higher by 0.2; γ = 0.3 flips it, γ = 0.1 does not.
        var s = Ml.M([0.7f, 0.5f], [0.9f, 0.1f]);
        var d = new SingleLabelData(s, [1, 0], [0]);
        Assert.Equal(0.0, SingleLabelMetrics.Evaluate(d, 0.1f).AccUnseen);
        var r = SingleLabelMetrics.Evaluate(d, 0.3f);
        Assert.Equal((1.0, 1.0, 1.0), (r.AccUnseen!.Value, r.AccSeen!.Value, r.H!.Value));
    }

    [Fact]
    public void Exact_curve_equals_a_brute_force_sweep_and_its_area_matches_the_reference()
    {
        var gammas = CalibratedStacking.CriticalGammas(Fixture);
        var curve = CalibratedStacking.Curve(Fixture);
        var sweep = CalibratedStacking.Sweep(Fixture, gammas);
        Assert.Equal(MetricFixtures.Expected.GetProperty("sl").GetProperty("curve_points").GetInt32(), curve.Length);
        for (int i = 0; i < curve.Length; i++)
        {
            Assert.Equal(sweep[i].AccSeen, curve[i].AccSeen, 1e-12);
            Assert.Equal(sweep[i].AccUnseen, curve[i].AccUnseen, 1e-12);
        }
        Assert.Equal(MetricFixtures.Expected.GetProperty("sl").GetProperty("ausuc").GetDouble(), CalibratedStacking.Ausuc(curve), 1e-9);
        // Ends: every prediction seen (A_U = 0), every prediction unseen (A_S = 0).
        Assert.Equal(0, curve[0].AccUnseen);
        Assert.Equal(0, curve[^1].AccSeen);
    }

    [Fact]
    public void Gamma_is_selected_on_validation_data_by_harmonic_mean()
    {
        var grid = CalibratedStacking.Grid(-2, 2, 41);
        float g = CalibratedStacking.SelectGamma(Fixture, grid);
        double best = CalibratedStacking.Sweep(Fixture, grid).Max(p => p.H);
        Assert.Equal(best, SingleLabelMetrics.Evaluate(Fixture, g).H!.Value, 12);
        Assert.Contains(g, grid);
    }

    [Fact]
    public void Bad_single_label_input_is_rejected_with_the_argument_name()
    {
        var s = Ml.M([0f, 1f], [1f, 0f]);
        Assert.Contains("labels", Assert.Throws<MetricInputException>(() => new SingleLabelData(s, [0, 2], [0])).Message);
        Assert.Contains("labels", Assert.Throws<MetricInputException>(() => new SingleLabelData(s, [0], [0])).Message);
        Assert.Contains("seen-classes", Assert.Throws<MetricInputException>(() => new SingleLabelData(s, [0, 1], [0, 5])).Message);
        Assert.Contains("seen-classes", Assert.Throws<MetricInputException>(() => new SingleLabelData(s, [0, 1], [0, 1])).Message);
        Assert.Throws<MetricInputException>(() => new SingleLabelData(Ml.M([0f, float.NaN]), [0], [0]));
    }

    [Fact]
    public void A_non_finite_gamma_is_refused_instead_of_giving_zero_accuracy()
    {
        Assert.Equal("gamma: γ = NaN is not a finite number",
            Assert.Throws<MetricInputException>(() => SingleLabelMetrics.Evaluate(Fixture, float.NaN)).Message);
        Assert.Throws<MetricInputException>(() => SingleLabelMetrics.Evaluate(Fixture, float.PositiveInfinity));
        Assert.Equal("from: γ = NaN is not a finite number",
            Assert.Throws<MetricInputException>(() => CalibratedStacking.Grid(float.NaN, 1, 5)).Message);
        Assert.StartsWith("to: γ = ", Assert.Throws<MetricInputException>(() => CalibratedStacking.Grid(0, float.NegativeInfinity, 5)).Message);
        Assert.Equal("gammas: γ NaN at index 1 is not a finite number",
            Assert.Throws<MetricInputException>(() => CalibratedStacking.SelectGamma(Fixture, [0f, float.NaN])).Message);
        Assert.Throws<MetricInputException>(() => CalibratedStacking.Sweep(Fixture, [float.NaN]));
        Assert.Throws<MetricInputException>(() => SingleLabelMetrics.MeanClassAccuracy(Fixture, null, unseenImages: true, float.NaN));
    }

    [Fact]
    public void Null_arguments_are_refused_naming_the_argument()
    {
        var s = Ml.M([0f, 1f], [1f, 0f]);
        Assert.Equal("seenClasses", Assert.Throws<ArgumentNullException>(() => new SingleLabelData(s, [0, 1], null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => SingleLabelMetrics.Evaluate(null!)).ParamName);
        Assert.Equal("gammas", Assert.Throws<ArgumentNullException>(() => CalibratedStacking.Sweep(Fixture, null!)).ParamName);
        Assert.Equal("gammas", Assert.Throws<ArgumentNullException>(() => CalibratedStacking.SelectGamma(Fixture, null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => CalibratedStacking.Curve(null!)).ParamName);
        Assert.Equal("curve", Assert.Throws<ArgumentNullException>(() => CalibratedStacking.Ausuc(null!)).ParamName);
        Assert.Equal("isSeen", Assert.Throws<ArgumentNullException>(() => SingleLabelMetrics.ArgMax([1f], null, null!, 0)).ParamName);
        Assert.Equal("scores", Assert.Throws<ArgumentNullException>(() => new SingleLabelData(default, [], [])).ParamName);
    }

    [Fact]
    public void An_out_of_range_candidate_or_a_short_seen_mask_is_refused_with_its_position()
    {
        Assert.Equal("candidates: class 3 at index 1 is outside the 3 classes",
            Assert.Throws<MetricInputException>(() => SingleLabelMetrics.ArgMax([1f, 2f, 3f], [0, 3], [true, false, false], 0)).Message);
        Assert.Equal("isSeen: 2 entries for a row of 3 columns",
            Assert.Throws<MetricInputException>(() => SingleLabelMetrics.ArgMax([1f, 2f, 3f], null, [true, false], 0)).Message);
        Assert.Throws<MetricInputException>(() => SingleLabelMetrics.MeanClassAccuracy(Fixture, [-1], unseenImages: true, 0));
        Assert.Equal(-1, SingleLabelMetrics.ArgMax([1f], [], [false], 0));
    }

    [Fact]
    public void A_sweep_without_seen_test_images_is_one_metric_error_and_unnamed_scores_are_called_scores()
    {
        var d = new SingleLabelData(Ml.M([0f, 1f, 2f]), [1], [0]);                 // one unseen-class test image only
        Assert.Equal("labels: a γ sweep needs test images of both seen and unseen classes",
            Assert.Throws<MetricInputException>(() => CalibratedStacking.Sweep(d, [0f, 1f])).Message);
        var e = Assert.Throws<MetricInputException>(() => new SingleLabelData(Matrix.Create(new[] { 0f, float.NaN }, 1, 2), [0], [0]));
        Assert.Equal("scores: score NaN at row 0, column 1 is not finite", e.Message);
        Assert.Equal("seen-classes: no seen classes: γ has no seen scores to lower",
            Assert.Throws<MetricInputException>(() => CalibratedStacking.CriticalGammas(new SingleLabelData(Ml.M([0f, 1f]), [1], []))).Message);
    }
}
