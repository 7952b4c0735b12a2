// LesaReleaseTests.cs - results/papers/lesa/release-nus-wide.csv (the official LESA release's NUS-WIDE test numbers)
// loads through PaperTable and agrees with the values copied from the release's CSV files
// (tests/fixtures/lesa/release/: per-class ap columns and the overall top-K row), rounded to the stated 2 decimals.
using ZslKit.Experiments.Papers;
using ZslKit.Tests.Experiments;
using ZslKit.Testing;

namespace ZslKit.Tests.Models;

public class LesaReleaseTests
{
    private static readonly string CsvPath = Path.Combine(RepoPaths.Root, "results", "papers", "lesa", "release-nus-wide.csv");

    private static double[] Column(string file, int column) => ReleaseFixtures.Column("lesa", file, column);

    private static ReportedValue Row(PaperTable t, string setting, string metric) => ReleaseFixtures.Row(t, setting, metric);

    [Fact]
    public void Release_table_loads_with_seven_zs_metrics_and_the_gzs_map_each_naming_its_source_file_and_commit()
    {
        var t = PaperTable.Load(CsvPath);
        Assert.Equal("lesa", t.Paper);
        Assert.Equal(8, t.Rows.Count);
        Assert.All(t.Rows, r =>
        {
            Assert.Equal("official release (NUS-WIDE)", r.Table);
            Assert.Equal("NUS-WIDE", r.Dataset);
            Assert.Equal("LESA (M=10)", r.Method);
            Assert.Contains("hbdat/cvpr20_LESA", r.Source);
            Assert.Contains("c97c1f468e2e19efbaffa1924066ad220bdfa562", r.Source);
        });
        Assert.Equal(["F1@3", "F1@5", "P@3", "P@5", "R@3", "R@5", "mAP"],
            t.Rows.Where(r => r.Setting == "ZS").Select(r => r.Metric).Order(StringComparer.Ordinal));
        Assert.Equal("mAP", Assert.Single(t.Rows, r => r.Setting == "GZS").Metric);
        Assert.Contains(t.Comments, c => c.Contains("NOT the paper's Table 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Release_map_values_are_the_means_of_the_copied_per_class_ap_columns()
    {
        var t = PaperTable.Load(CsvPath);
        var ap81 = Column("ap_81_final_test.csv", 2);
        var ap1006 = Column("ap_1006_final_test.csv", 1);
        Assert.Equal(81, ap81.Length);
        Assert.Equal(1006, ap1006.Length);
        // The GZS file lists the 81 concepts first: their AP must repeat the ZS file's (same model, float noise only).
        for (int i = 0; i < 81; i++) Assert.True(Math.Abs(ap81[i] - ap1006[i]) < 1e-5, $"class {i}: {ap81[i]} vs {ap1006[i]}");
        Assert.Equal(Math.Round(100 * ap81.Average(), 2), Row(t, "ZS", "mAP").Number, 10);
        Assert.Equal(Math.Round(100 * ap1006.Average(), 2), Row(t, "GZS", "mAP").Number, 10);
    }

    [Fact]
    public void Release_top_k_values_round_the_copied_overall_row_and_f1_is_the_harmonic_mean_of_p_and_r()
    {
        var t = PaperTable.Load(CsvPath);
        string[] names = ["F1@3", "P@3", "R@3", "F1@5", "P@5", "R@5"];   // column order of topk_81_final_test.csv
        var row = names.Select((_, i) => Column("topk_81_final_test.csv", i).Single()).ToArray();
        for (int i = 0; i < names.Length; i++)
            Assert.Equal(Math.Round(100 * row[i], 2), Row(t, "ZS", names[i]).Number, 10);
        foreach (var k in new[] { 0, 3 })   // F1@3 from P@3, R@3; F1@5 from P@5, R@5 (overall F1 of the official evaluate_k)
            Assert.Equal(row[k], 2 * row[k + 1] * row[k + 2] / (row[k + 1] + row[k + 2]), 12);
    }

    // training_log.csv columns: 0 row, 1 index (iteration), 2 l, 3 l_rank, 4 l_att_span, 5 l_att_global, 6 l_att_dist.
    private static double[] Log(int column) => Column("training_log.csv", column);

    [Fact]
    public void The_release_training_log_total_is_rank_plus_the_attention_terms_at_our_lambdas_div_rel_dist()
    {
        // l = l_rank + 0.01·l_att_span + 0.001·l_att_global + 0.1·l_att_dist: the official names map onto ours as
        // span = L_div, global = L_rel, dist = L_dist, with LesaConfig's default weights.
        var defaults = new ZslKit.Models.LesaConfig();
        var (l, rank, span, global, dist) = (Log(2), Log(3), Log(4), Log(5), Log(6));
        Assert.Equal(51, l.Length);
        for (int i = 0; i < l.Length; i++)
        {
            var sum = rank[i] + defaults.LambdaDiv * span[i] + defaults.LambdaRel * global[i] + defaults.LambdaDist * dist[i];
            Assert.True(Math.Abs(sum - l[i]) <= 1e-6 * l[i], $"row {i}: {sum} vs l = {l[i]}");
        }
    }

    [Fact]
    public void The_release_runs_weighted_term_shares_over_its_second_half_are_the_ones_docs_lesa_md_quotes()
    {
        var defaults = new ZslKit.Models.LesaConfig();
        double Mean(double[] v) => v.Skip(26).Average();                      // iterations 104,000 to 199,999 (25 rows)
        var total = Mean(Log(2));
        Assert.Equal(0.857, Mean(Log(3)) / total, 0.0005);                          // L_rank
        Assert.Equal(0.037, defaults.LambdaRel * Mean(Log(5)) / total, 0.0005);      // λ_rel·L_rel
        Assert.Equal(0.061, defaults.LambdaDiv * Mean(Log(4)) / total, 0.0005);      // λ_div·L_div
        Assert.Equal(0.045, defaults.LambdaDist * Mean(Log(6)) / total, 0.0005);     // λ_dist·L_dist
    }
}
