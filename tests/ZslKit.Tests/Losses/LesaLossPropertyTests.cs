// LesaLossPropertyTests.cs - closed-form facts of the four LESA losses (Huynh & Elhamifar, CVPR 2020, Eq. 7, 8, 10-11,
// 13) on hand-made inputs, complementing the PyTorch parity tests in Models/LesaParityTests.cs.
using ZslKit.Losses;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Losses;

public class LesaLossPropertyTests
{
    private static Tensor T(float[] data, params long[] shape) => torch.tensor<float>(data.AsSpan(), shape);

    [Fact]
    public void Rank_loss_is_zero_when_every_positive_beats_every_negative_by_the_margin()
    {
        using var scope = torch.NewDisposeScope();
        var s = T([3f, 1.5f, 0f, 5f], 1, 4);
        var y = T([1f, -1f, -1f, 0f], 1, 4);   // the unannotated label scores highest and is ignored
        Assert.Equal(0f, RankingLoss.Compute(s, y).item<float>());
    }

    [Fact]
    public void Rank_loss_averages_violating_pairs_officially_and_all_pairs_in_the_paper_form()
    {
        using var scope = torch.NewDisposeScope();
        // Image 0 pairs (p, n): (0,1): 1 + 0.5 − 1 = 0.5; (0,2): 1 − 3 − 1 < 0, not violating. Image 1 has no negative:
        // loss 0. Mean over the two images.
        var s = T([1f, 0.5f, -3f, 0f, 0f, 0f], 2, 3);
        var y = T([1f, -1f, -1f, 0f, 1f, 1f], 2, 3);
        Assert.Equal(0.25f, RankingLoss.Compute(s, y).item<float>(), 5);
        Assert.Equal(0.125f, RankingLoss.Compute(s, y, normalization: RankNormalization.AllPairs).item<float>(), 5);
    }

    [Fact]
    public void Rank_loss_keeps_label_columns_without_a_positive_as_the_official_code_and_drops_them_only_when_asked()
    {
        using var scope = torch.NewDisposeScope();
        // Column 2 is negative everywhere and scores highest. Image 0: pairs (0,1): 1 + 0 − 1 = 0 (not violating),
        // (0,2): 1 + 4 − 1 = 4 → 4 / 1 violating pair; image 1 has no positive: 0. Mean 2.
        var s = T([1f, 0f, 4f, 1f, 0f, 4f], 2, 3);
        var y = T([1f, -1f, -1f, -1f, -1f, -1f], 2, 3);
        Assert.Equal(2f, RankingLoss.Compute(s, y).item<float>(), 5);
        Assert.Equal(0f, RankingLoss.Compute(s, y, presentColumnsOnly: true).item<float>());
    }

    [Fact]
    public void Rank_loss_does_not_change_when_an_unannotated_column_is_added_as_the_official_subset_rule_implies()
    {
        using var scope = torch.NewDisposeScope();
        // The official code drops columns with no ±1 in the batch; they form no pair, so keeping them changes nothing.
        var s = T([1f, 0.5f, -3f, 0f, 0f, 0f], 2, 3);
        var y = T([1f, -1f, -1f, 0f, 1f, 1f], 2, 3);
        var s4 = T([1f, 0.5f, -3f, 9f, 0f, 0f, 0f, 9f], 2, 4);
        var y4 = T([1f, -1f, -1f, 0f, 0f, 1f, 1f, 0f], 2, 4);
        Assert.Equal(RankingLoss.Compute(s, y).item<float>(), RankingLoss.Compute(s4, y4).item<float>(), 6);
    }

    [Fact]
    public void Rank_loss_with_a_host_counted_positives_bound_equals_the_loss_that_reads_it_and_a_larger_bound_changes_nothing()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        var s = torch.randn(6, 40);                                                                    // [B, C]
        var y = torch.where(torch.rand(6, 40).lt(0.2), torch.ones(6, 40), -torch.ones(6, 40));
        sbyte[] host = y.ToArray<float>().Select(v => (sbyte)v).ToArray();
        int p = MaxPositives.Of(host, 40);
        Assert.Equal((int)y.eq(1).to(ScalarType.Int64).sum(1).max().item<long>(), p);
        float read = RankingLoss.Compute(s, y).item<float>();
        // |Δ| ≤ 1e-6 rather than "equal after rounding to 6 decimals": sums over [B, P, C] pair tensors of different P may
        // differ by an ulp or two (float32 ulp at 1.6 is 1.2e-7), which can straddle a rounding boundary (CI, 2026-11-29:
        // 1.57339728 vs 1.57339752)
        Assert.Equal(read, RankingLoss.Compute(s, y, maxPositives: p).item<float>(), 1e-6);
        Assert.Equal(read, RankingLoss.Compute(s, y, maxPositives: p + 7).item<float>(), 1e-6);
        Assert.Equal(read, RankingLoss.Compute(s, y, maxPositives: 1000).item<float>(), 1e-6);       // capped at C
        Assert.Throws<ArgumentOutOfRangeException>(() => RankingLoss.Compute(s, y, maxPositives: -1));
    }

    [Fact]
    public void Max_positives_counts_the_most_plus_ones_of_a_row_and_rejects_partial_rows()
    {
        Assert.Equal(2, MaxPositives.Of([1, -1, 1, 0, /* row 2 */ 1, 0, 0, -1], 4));
        Assert.Equal(0, MaxPositives.Of([-1, 0, -1, 0], 2));
        Assert.Equal(0, MaxPositives.Of([], 3));
        var ex = Assert.Throws<ArgumentException>(() => MaxPositives.Of([1, 1, 1], 2));
        Assert.Contains("2 columns", ex.Message);
        // Where the training path counts the bound, it checks the label values the loss then does not read back.
        ex = Assert.Throws<ArgumentException>(() => MaxPositives.Of([1, -1, 0, 0, /* row 2 */ 1, 2, 0, -1], 4));
        Assert.Contains("MaxPositives: labels must hold -1, 0 or 1 (found 2 at [1, 1])", ex.Message);
    }

    [Fact]
    public void Distribution_loss_is_smaller_when_positives_are_spread_over_modules()
    {
        using var scope = torch.NewDisposeScope();
        var y = T([1f, 1f], 1, 2);
        // [B=1, M=2, C=2]: spread = module 0 wins label 0, module 1 wins label 1; collapsed = module 0 wins both.
        var spread = T([10f, -10f, -10f, 10f], 1, 2, 2);
        var collapsed = T([10f, 10f, -10f, -10f], 1, 2, 2);
        Assert.Equal(1f, AttentionDistributionLoss.Compute(spread, y).item<float>(), 4);      // loads (1, 1): mean 1
        Assert.Equal(2f, AttentionDistributionLoss.Compute(collapsed, y).item<float>(), 4);   // loads (2, 0): mean of (4, 0)
    }

    [Fact]
    public void Diversity_loss_is_zero_for_disjoint_attention_and_grows_with_overlap()
    {
        using var scope = torch.NewDisposeScope();
        var disjoint = T([1f, 0f, 0f, 1f, 0f, 0f], 1, 3, 2);     // [B, R, M]: module 0 on region 0, module 1 on region 1
        var same = T([1f, 1f, 0f, 0f, 0f, 0f], 1, 3, 2);         // both modules on region 0
        Assert.Equal(0f, AttentionDiversityLoss.Compute(disjoint).item<float>(), 6);
        Assert.Equal(MathF.Sqrt(2), AttentionDiversityLoss.Compute(same).item<float>(), 5);  // two off-diagonal 1s
    }

    [Fact]
    public void Relevance_loss_penalises_positives_below_and_negatives_above_the_global_score()
    {
        using var scope = torch.NewDisposeScope();
        var s = T([1f, 2f, 0f], 1, 3);
        var g = T([3f, 1f, 5f], 1, 3);
        var y = T([1f, -1f, 0f], 1, 3);
        Assert.Equal(3f, AttentionRelevanceLoss.Compute(s, g, y).item<float>(), 5);   // (3 − 1) + (2 − 1), label 2 ignored
    }

    [Fact]
    public void Relevance_margin_adds_to_every_hinge_including_unannotated_labels_as_the_official_code()
    {
        using var scope = torch.NewDisposeScope();
        var s = T([1f, 2f, 0f], 1, 3);
        var g = T([3f, 1f, 5f], 1, 3);
        var y = T([1f, -1f, 0f], 1, 3);
        // (2 + 0.5) + (1 + 0.5) + (0 + 0.5)
        Assert.Equal(4.5f, AttentionRelevanceLoss.Compute(s, g, y, margin: 0.5).item<float>(), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionRelevanceLoss.Compute(s, g, y, margin: -1));
    }

    [Fact]
    public void Losses_reject_mismatched_shapes_naming_them()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => RankingLoss.Compute(torch.zeros(2, 3), torch.zeros(2, 4)));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Throws<ArgumentException>(() => AttentionDistributionLoss.Compute(torch.zeros(2, 3), torch.zeros(2, 3)));
        Assert.Throws<ArgumentException>(() => AttentionDiversityLoss.Compute(torch.zeros(2, 3)));
    }

    [Fact]
    public void Rank_loss_refuses_an_empty_batch_whose_mean_over_images_is_undefined()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => RankingLoss.Compute(torch.zeros(0, 6), torch.zeros(0, 6)));
        Assert.Contains("RankingLoss: the batch is empty (scores [0, 6])", ex.Message);
        Assert.Throws<ArgumentException>(() => RankingLoss.Compute(torch.zeros(0, 6), torch.zeros(0, 6), maxPositives: 2));
        ex = Assert.Throws<ArgumentException>(() => AttentionDistributionLoss.Compute(torch.zeros(0, 2, 6), torch.zeros(0, 6)));
        Assert.Contains("no image or no module", ex.Message);
    }

    [Fact]
    public void Losses_refuse_cpu_labels_other_than_minus_one_zero_and_one_naming_the_first()
    {
        using var scope = torch.NewDisposeScope();
        var s = T([1f, 0.5f, -3f, 0f, 0f, 0f], 2, 3);
        var twos = torch.full([2, 3], 2.0);
        var ex = Assert.Throws<ArgumentException>(() => RankingLoss.Compute(s, twos));
        Assert.Contains("RankingLoss: labels must hold -1, 0 or 1 (found 2 at [0, 0])", ex.Message);
        Assert.Equal("labels", ex.ParamName);
        var half = T([1f, -1f, -1f, 0f, 1f, 0.5f], 2, 3);
        Assert.Contains("(found 0.5 at [1, 2])", Assert.Throws<ArgumentException>(() => RankingLoss.Compute(s, half)).Message);
        var nan = T([1f, float.NaN, -1f, 0f, 1f, 1f], 2, 3);
        Assert.Contains("(found NaN at [0, 1])", Assert.Throws<ArgumentException>(() => RankingLoss.Compute(s, nan)).Message);
        Assert.Contains("AttentionRelevanceLoss: labels must hold -1, 0 or 1 (found 2 at [0, 0])",
            Assert.Throws<ArgumentException>(() => AttentionRelevanceLoss.Compute(s, s, twos)).Message);
        Assert.Contains("AttentionDistributionLoss: labels must hold -1, 0 or 1 (found 2 at [0, 0])",
            Assert.Throws<ArgumentException>(() => AttentionDistributionLoss.Compute(s.unsqueeze(1), twos)).Message);
        // bool labels are refused by their dtype; integer labels of -1, 0, 1 give the float labels' loss.
        var boolean = Assert.Throws<ArgumentException>(() => RankingLoss.Compute(s, torch.ones(2, 3).gt(0)));
        Assert.Contains("RankingLoss: labels must be a floating or integer tensor of -1, 0 and 1, got bool", boolean.Message);
        var y = T([1f, -1f, -1f, 0f, 1f, 1f], 2, 3);
        Assert.Equal(RankingLoss.Compute(s, y).item<float>(), RankingLoss.Compute(s, y.to(ScalarType.Int64)).item<float>());
        Assert.Equal(0.25f, RankingLoss.Compute(s, y.to(ScalarType.Int8)).item<float>(), 5);
    }

    [Fact]
    public void The_read_of_the_positives_bound_checks_the_label_values_and_the_model_path_with_a_bound_reads_nothing()
    {
        using var scope = torch.NewDisposeScope();
        var s = T([1f, 0.5f, -3f, 0f, 0f, 0f], 2, 3);
        var y = T([1f, -1f, -1f, 0f, 1f, 1f], 2, 3);
        long before = torch.HostReads;
        RankingLoss.Compute(s, y);
        Assert.Equal(before + 1, torch.HostReads);                           // the bound's read, which also checks the values
        before = torch.HostReads;
        RankingLoss.ForModel(s, y, maxPositives: 2);
        AttentionRelevanceLoss.ForModel(s, s, y);
        AttentionDistributionLoss.ForModel(s.unsqueeze(1), y);
        Assert.Equal(before, torch.HostReads);                               // the training path: no read, on the CPU either
    }

    [Fact]
    public void Rank_loss_refuses_a_cpu_positives_bound_below_the_true_maximum_instead_of_dropping_positives()
    {
        using var scope = torch.NewDisposeScope();
        // Image 0 has two positives, image 1 one: a bound of 1 would drop image 0's second positive.
        var s = T([0f, 1f, 0.5f, 2f, 0f, 0f], 2, 3);
        var y = T([1f, 1f, -1f, -1f, 1f, -1f], 2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RankingLoss.Compute(s, y, maxPositives: 1));
        Assert.Contains("RankingLoss: maxPositives = 1 is below the 2 positives of image 0", ex.Message);
        Assert.Equal(RankingLoss.Compute(s, y).item<float>(), RankingLoss.Compute(s, y, maxPositives: 2).item<float>(), 6);
    }

    [Fact]
    public void Rank_loss_refuses_an_undefined_normalization()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RankingLoss.Compute(torch.zeros(2, 3), torch.zeros(2, 3), normalization: (RankNormalization)7));
        Assert.Equal("normalization", ex.ParamName);
    }

    [Fact]
    public void Relevance_loss_names_global_scores_when_they_are_missing_or_of_another_shape()
    {
        using var scope = torch.NewDisposeScope();
        var y = torch.zeros(2, 6);
        Assert.Equal("globalScores", Assert.Throws<ArgumentNullException>(() => AttentionRelevanceLoss.Compute(torch.zeros(2, 6), null!, y)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => AttentionRelevanceLoss.Compute(torch.zeros(2, 6), torch.zeros(2, 5), y));
        Assert.Contains("AttentionRelevanceLoss: globalScores and labels must both be [B, C], got [2, 5] and [2, 6]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => AttentionRelevanceLoss.Compute(torch.zeros(2, 5), torch.zeros(2, 6), y));
        Assert.Contains("AttentionRelevanceLoss: scores and labels must both be [B, C], got [2, 5] and [2, 6]", ex.Message);
    }
}
