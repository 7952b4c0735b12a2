// Ml2pReleaseTests.cs - results/papers/ml2p/release-nus-wide.csv (the NUS-WIDE numbers in the (ML)^2P-Encoder
// repository's results/ folder) loads through PaperTable and agrees with the columns copied from those files
// (tests/fixtures/ml2p/release/: per-class ap columns and the overall top-K row), rounded to the stated 2 decimals.
using System.Globalization;
using ZslKit.Experiments.Papers;
using ZslKit.Reporting;
using ZslKit.Testing;

namespace ZslKit.Tests.Experiments;

public class Ml2pReleaseTests
{
    private const string Commit = "82b7a69210b16a7be819846a5b8a567a7d33bbff";
    private static readonly string CsvPath = Path.Combine(RepoPaths.Root, "results", "papers", "ml2p", "release-nus-wide.csv");

    private static string[][] Rows(string file) => ReleaseFixtures.Rows("ml2p", file);

    private static double[] Column(string file, int column) => ReleaseFixtures.Column("ml2p", file, column);

    private static ReportedValue Row(PaperTable t, string setting, string metric) => ReleaseFixtures.Row(t, setting, metric);

    [Fact]
    public void Release_table_loads_with_seven_zs_metrics_and_the_gzs_map_each_naming_its_source_file_and_commit()
    {
        var t = PaperTable.Load(CsvPath);
        Assert.Equal("ml2p", t.Paper);
        Assert.Equal(8, t.Rows.Count);
        Assert.All(t.Rows, r =>
        {
            Assert.Equal("official release (NUS-WIDE)", r.Table);
            Assert.Equal("NUS-WIDE", r.Dataset);
            Assert.Equal("(ML)2P-Encoder", r.Method);
            Assert.Contains("simonzmliu/cvpr23_mlzsl results/F1_f_test_", r.Source);
            Assert.EndsWith("@ " + Commit, r.Source);
        });
        Assert.Equal(["F1@3", "F1@5", "P@3", "P@5", "R@3", "R@5", "mAP"],
            t.Rows.Where(r => r.Setting == "ZS").Select(r => r.Metric).Order(StringComparer.Ordinal));
        Assert.Equal("mAP", Assert.Single(t.Rows, r => r.Setting == "GZS").Metric);
        Assert.Contains(t.Comments, c => c.Contains("NOT the paper's table", StringComparison.Ordinal));
        Assert.All(t.Rows, r => Assert.Matches(@"^\d+\.\d\d$", r.Value));   // 2 decimals, as the header states
    }

    [Fact]
    public void Release_map_values_are_the_means_of_the_copied_per_class_ap_columns()
    {
        var t = PaperTable.Load(CsvPath);
        var ap81 = Column("ap_81_zsl_test.csv", 2);
        var ap1006 = Column("ap_1006_gzsl_test.csv", 1);
        Assert.Equal(81, ap81.Length);
        Assert.Equal(1006, ap1006.Length);
        Assert.Equal(Enumerable.Range(0, 1006), Column("ap_1006_gzsl_test.csv", 0).Select(i => (int)i));
        // The GZS file lists the 925 seen tags first and the 81 concepts last: their AP repeats the ZS file's
        // (same scores per class, float noise only), which also cross-checks the two copies against each other.
        for (int i = 0; i < 81; i++)
            Assert.True(Math.Abs(ap81[i] - ap1006[925 + i]) < 1e-5, $"class {i}: {ap81[i]} vs {ap1006[925 + i]}");
        Assert.Equal(Math.Round(100 * ap81.Average(), 2), Row(t, "ZS", "mAP").Number, 10);
        Assert.Equal(Math.Round(100 * ap1006.Average(), 2), Row(t, "GZS", "mAP").Number, 10);
    }

    [Fact]
    public void Release_top_k_values_round_the_copied_overall_row_and_f1_is_the_harmonic_mean_of_p_and_r()
    {
        var t = PaperTable.Load(CsvPath);
        string[] names = ["F1@3", "P@3", "R@3", "F1@5", "P@5", "R@5"];   // column order of topk_81_zsl_test.csv
        var row = names.Select((_, i) => Column("topk_81_zsl_test.csv", i).Single()).ToArray();
        for (int i = 0; i < names.Length; i++)
            Assert.Equal(Math.Round(100 * row[i], 2), Row(t, "ZS", names[i]).Number, 10);
        foreach (var k in new[] { 0, 3 })   // F1@3 from P@3, R@3; F1@5 from P@5, R@5 (overall F1 of util.evaluate_k)
            Assert.Equal(row[k], 2 * row[k + 1] * row[k + 2] / (row[k + 1] + row[k + 2]), 12);
        Assert.True(row[4] < row[1] && row[5] > row[2], "P@K falls and R@K rises from K=3 to K=5");
    }

    [Fact]
    public void Release_table_joins_our_run_keys_and_shows_delta_only_for_real_data()
    {
        var t = PaperTable.Load(CsvPath);
        // Our runs key test metrics "setting/metric" in lower case (LesaSweeps.Metrics); values are percent like the table.
        var ours = new Dictionary<string, double> { ["zs/f1@3"] = 30.0, ["zs/map"] = 25.5, ["gzs/map"] = 9.0 };
        var real = t.Compare("(ML)2P-Encoder", ours, new Provenance("NUS-WIDE", DatasetKind.Real, "test", 0, "abc"), "NUS-WIDE");
        Assert.Equal(8, real.Rows.Count);
        Assert.All(real.Rows, r => Assert.Equal(t.Rows.Single(x => $"{x.Dataset} {x.Setting}" == r.Task && x.Metric == r.Metric).Value, r.Reported));
        var f1 = Assert.Single(real.Rows, r => r.Task == "NUS-WIDE ZS" && r.Metric == "F1@3");
        var expected = 30.0 - Row(t, "ZS", "F1@3").Number;
        Assert.Equal(expected.ToString("+0.00;-0.00", CultureInfo.InvariantCulture), real.Format(f1).Delta);
        Assert.Equal(3, real.Rows.Count(r => r.Ours is not null));   // P/R@K have no value of ours in this dictionary
        var synthetic = t.Compare("(ML)2P-Encoder", ours, new Provenance("synthetic", DatasetKind.Synthetic, "test", 0, "abc"));
        Assert.All(synthetic.Rows, r => Assert.Null(synthetic.Format(r).Delta));
        Assert.Empty(t.Compare("LESA (M=10)", ours, new Provenance("NUS-WIDE", DatasetKind.Real, "test", 0, "abc")).Rows);
    }

    [Fact]
    public void Release_zs_classes_are_the_81_nus_wide_concepts_in_the_concept_list_order()
    {
        var concepts = RepoPaths.SharedFile("nus-wide", "Concepts81.txt");
        Skip.If(concepts is null, "../shared/data/nus-wide/Concepts81.txt is absent");
        var expected = File.ReadLines(concepts).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Assert.Equal(expected, Rows("ap_81_zsl_test.csv").Select(r => r[1]));
    }
}
