using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Papers;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Reporting;
using static ZslKit.Tests.Experiments.Lesa.LesaRunFactory;

namespace ZslKit.Tests.Experiments.Lesa;

public sealed class LesaTablesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zslkit-lesa-tables-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static LesaColumn Col(string setting, string metric) => LesaTables.Column(setting, metric);

    [Fact]
    public void Table1_shows_each_row_as_percent_mean_and_sample_std_over_seeds_with_one_decimal()
    {
        // ZS F1@3 over two seeds: 0.30 and 0.32 -> mean 31.0 %, sample std sqrt(2 * 0.01^2 / 1) = 1.414 % -> "31.0 ± 1.4".
        var runs = new[]
        {
            Run(Config("lesa", 0), k => k == "zs/f1@3" ? 0.30 : 0.1),
            Run(Config("lesa", 1), k => k == "zs/f1@3" ? 0.32 : 0.1),
            Run(Config("conse", 0), 0.04449),
        };
        var t = LesaTables.Table1(runs);
        Assert.Equal(LesaTables.Table1Rows.Select(r => r.Label), t.Rows.Select(r => r.Label));
        var lesa = t.Rows.Single(r => r.Label == "LESA (M=10)");
        Assert.Equal([0, 1], lesa.Seeds);
        Assert.Equal("31.0 ± 1.4", t.Cell(lesa, Col("ZS", "F1@3")));
        Assert.Equal("10.0 ± 0.0", t.Cell(lesa, Col("GZS", "mAP")));
        var conse = t.Rows.Single(r => r.Label == "CONSE");
        Assert.Equal("4.4", t.Cell(conse, Col("ZS", "mAP")));   // one seed: no ±; 4.449 % rounds to 4.4
        Assert.Equal("not run", t.Cell(t.Rows.Single(r => r.Label == "Fast0Tag"), Col("ZS", "mAP")));
        Assert.Equal(14, t.Columns.Count);
    }

    [Fact]
    public void Final_view_reads_the_final_prefixed_metrics_of_the_same_runs()
    {
        var runs = new[] { Run(Config("lesa-m1"), _ => 0.2, _ => 0.15) };
        var row = LesaTables.Table1(runs, LesaModelView.Final).Rows.Single(r => r.Label == "LESA (M=1)");
        Assert.Equal("15.0", LesaTables.Table1(runs, LesaModelView.Final).Cell(row, Col("ZS", "F1@5")));
        Assert.Equal("20.0", LesaTables.Table1(runs).Cell(row, Col("ZS", "F1@5")));
        Assert.Equal("final/gzs/map", LesaTables.Key(Col("GZS", "mAP"), LesaModelView.Final));
    }

    [Fact]
    public void Ablation_runs_never_count_as_the_Table1_LESA_row_and_the_full_step_reuses_it()
    {
        var full = Run(Config("lesa"), 0.3);
        var rank = Run(Step("rank"), 0.1);
        var rel = Run(Step("+rel"), 0.2);
        var t1 = LesaTables.Table1([full, rank, rel]);
        Assert.Equal("30.0", t1.Cell(t1.Rows.Single(r => r.Label == "LESA (M=10)"), Col("ZS", "mAP")));

        var t2 = LesaTables.Table2([full, rank, rel]);
        Assert.Equal(["rank", "+rel", "+rel+div", "+rel+div+dist"], t2.Rows.Select(r => r.Label));
        Assert.Equal(["10.0", "20.0", "not run", "30.0"], t2.Rows.Select(r => t2.Cell(r, Col("ZS", "mAP"))));
        Assert.Equal(6, t2.Columns.Count);
        // The full step is Table 1's config itself: same hash, so the run is trained once.
        Assert.Null(LesaTables.Adjust(LesaTables.Table2Steps[^1]));
        var adjusted = LesaTables.Adjust(LesaTables.Table2Steps[0])!(Config("lesa"));
        Assert.Equal([0.0, 0.0, 0.0], new[] { "rel", "div", "dist" }.Select(k => adjusted.LossWeights![k]));
        Assert.Equal(ConfigJson.Hash(Step("rank")), ConfigJson.Hash(adjusted));
    }

    [Fact]
    public void Two_configurations_matching_one_row_are_an_error_naming_the_row()
    {
        var runs = new[] { Run(Config("labelem"), 0.1), Run(Config("labelem", 0, "training.epochs=9"), 0.2) };
        var e = Assert.Throws<ArgumentException>(() => LesaTables.Table1(runs));
        Assert.Contains("LabelEM", e.Message);
        Assert.Contains("2 configurations", e.Message);
    }

    [Fact]
    public void Markdown_and_html_show_open_images_as_not_evaluated_and_mark_synthetic_data()
    {
        var t = LesaTables.Table1([Run(Config("lesa"), 0.25)]);
        var md = t.ToMarkdown();
        Assert.Contains("| Open Images (K=10, 20) |", md);
        Assert.Contains(LesaTables.OpenImagesNotEvaluated, md);
        Assert.Contains("| LESA (M=10) | 0 | 25.0 |", md);
        Assert.Contains("| CONSE | – | not run |", md);
        Assert.Contains("SYNTHETIC", md);
        Assert.Contains("selected model", md);
        Assert.Contains("final model", LesaTables.Table1([Run(Config("lesa"), 0.25)], LesaModelView.Final).ToMarkdown());
        var html = t.ToHtml();
        Assert.Contains("<th colspan=\"7\">ZS</th>", html);
        Assert.Contains(LesaTables.OpenImagesNotEvaluated.Replace("'", "&#39;", StringComparison.Ordinal), html);
    }

    [Fact]
    public void Result_table_and_bar_chart_hold_the_means_in_percent_of_the_rows_that_ran()
    {
        var runs = new[] { Run(Config("lesa", 0), 0.2), Run(Config("lesa", 1), 0.4), Run(Config("fast0tag"), 0.05) };
        var t = LesaTables.Table1(runs);
        var rt = t.ToResultTable();
        Assert.Equal(2 * 14, rt.Rows.Count);
        Assert.Equal(30.0, rt.Rows.Single(r => r.Method == "LESA (M=10)" && r.Task == "GZS" && r.Metric == "F1@3").Value, 9);
        var fig = t.ToBarChart(columns: [Col("ZS", "mAP"), Col("GZS", "mAP")]);
        Assert.Equal(2, fig.TraceCount);
        var json = fig.ToJson();
        var lesa = json["data"]!.AsArray().Single(d => (string?)d!["name"] == "LESA (M=10)")!;
        Assert.Equal(["ZS mAP", "GZS mAP"], lesa["x"]!.AsArray().Select(x => (string)x!));
        Assert.Equal(30.0, (double)lesa["y"]![0]!, 9);
        Assert.Equal(100 * Math.Sqrt(0.02), (double)lesa["error_y"]!["array"]![0]!, 9);   // sample std of 0.2, 0.4
        Assert.Equal("group", (string?)json["layout"]!["barmode"]);
    }

    [Fact]
    public void Column_refuses_a_setting_or_metric_no_LESA_run_records_naming_the_known_ones()
    {
        var metric = Assert.Throws<ArgumentException>(() => Col("ZS", "F1@7"));
        Assert.Equal("metric", metric.ParamName);
        Assert.Contains("metric 'F1@7' is not a LESA test metric; known: mAP and P@K, R@K, F1@K for K = 3, 5 (NUS-WIDE) or 10, 20 (Open Images)", metric.Message);
        var setting = Assert.Throws<ArgumentException>(() => Col("XS", "mAP"));
        Assert.Equal("setting", setting.ParamName);
        Assert.Contains("setting 'XS' is not a LESA setting; known: ZS, GZS", setting.Message);
        Assert.Equal("gzs/f1@20", Col("GZS", "F1@20").Key);
        Assert.Equal("zs/map", Col("zs", "MAP").Key);   // case is ignored, as the key is lower case
    }

    [Fact]
    public void Bar_chart_refuses_a_hand_made_column_no_run_records_instead_of_drawing_empty_bars()
    {
        var t = LesaTables.Table1([Run(Config("lesa", 0), 0.2)]);
        var e = Assert.Throws<ArgumentException>(() => t.ToBarChart(columns: [new LesaColumn("ZS", "F1@7", "zs/f1@7")]));
        Assert.Equal("columns", e.ParamName);
        Assert.Contains("ToBarChart: metric 'F1@7'", e.Message);
    }

    [Fact]
    public void Compare_puts_transcribed_numbers_next_to_ours_and_leaves_the_rest_not_transcribed()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "lesa"));
        var csv = Path.Combine(_dir, "lesa", "table1.csv");
        File.WriteAllText(csv, "# test table\ntable,dataset,setting,method,metric,value,source\n" +
            "Table 1,NUS-WIDE,ZS,LESA (M=10),mAP,12.5,hand-made test value\n");
        var t = LesaTables.Table1([Run(Config("lesa"), 0.3)]);
        var prov = new Provenance(LesaExperiment.SyntheticStandIn, DatasetKind.Synthetic, "quick", 0, "abc");
        var cmp = t.Compare(PaperTable.Load(csv), "NUS-WIDE", prov);
        var map = cmp.Rows.Single(r => r.Method == "LESA (M=10)" && r.Task == "ZS" && r.Metric == "mAP");
        Assert.Equal(("12.5", "30.0", (string?)null), cmp.Format(map));
        var f1 = cmp.Rows.Single(r => r.Method == "LESA (M=10)" && r.Task == "ZS" && r.Metric == "F1@3");
        Assert.Null(f1.Reported);
        Assert.Null(cmp.Rows.Single(r => r.Method == "CONSE" && r.Task == "ZS" && r.Metric == "mAP").Ours);
        Assert.Equal(7 * 14, cmp.Rows.Count);
        Assert.False(cmp.ShowsDelta);
        Assert.All(t.Compare(null, "NUS-WIDE", prov).Rows, r => Assert.Null(r.Reported));
        var only = t.Compare(PaperTable.Load(csv), "NUS-WIDE", prov, "official release", reportedOnly: true);
        Assert.Equal(("LESA (M=10)", "mAP", "12.5"), (Assert.Single(only.Rows).Method, only.Rows[0].Metric, only.Rows[0].Reported));
        Assert.StartsWith("official release", only.Caption, StringComparison.Ordinal);
    }

    [Fact]
    public void Reported_loads_the_papers_csv_or_gives_null_when_it_is_not_transcribed()
    {
        Assert.Null(LesaTables.Reported("table1", _dir));
        Directory.CreateDirectory(Path.Combine(_dir, "lesa"));
        File.WriteAllText(Path.Combine(_dir, "lesa", "table2.csv"), "# t\ntable,dataset,setting,method,metric,value,source\n" +
            "Table 2,NUS-WIDE,ZS,rank,F1@3,1.0,hand-made\n");
        var t = LesaTables.Reported("table2", _dir);
        Assert.NotNull(t);
        Assert.Equal("rank", Assert.Single(t.Rows).Method);
    }

    [Fact]
    public void Provenance_of_runs_names_synthetic_data_the_preset_and_the_sorted_seeds()
    {
        var p = LesaTables.ProvenanceOf([Run(Config("lesa", 2), 0.1), Run(Config("lesa", 1), 0.1)], "quick");
        Assert.Equal(DatasetKind.Synthetic, p.Kind);
        Assert.Equal(LesaExperiment.SyntheticStandIn, p.Dataset);
        Assert.Equal("quick (seeds 1,2)", p.Config);
        Assert.Equal(1, p.Seed);
        Assert.Equal("unknown", p.Commit);   // hand-made runs have no provenance.json
        Assert.Throws<ArgumentException>(() => LesaTables.ProvenanceOf([], "quick"));
    }

    [Fact]
    public void Unknown_table1_row_is_rejected_with_the_known_rows()
    {
        var e = Assert.Throws<ArgumentException>(() => LesaTables.Table1Selector("lesa-m7"));
        Assert.Contains("lesa-m7", e.Message);
        Assert.Contains("attention-per-cluster", e.Message);
    }

    [Fact]
    public void Loss_shares_give_each_terms_weighted_percent_of_the_last_epochs_objective_and_skip_runs_without_terms()
    {
        static RunRecord WithTerms(ExperimentConfig c, double total, params (string Term, double Value)[] terms)
        {
            var r = LesaRunFactory.Run(c, 0.1);
            var first = new EpochRecord(0, 9.0, 0.1, new Dictionary<string, double>(), 1.0,
                terms.ToDictionary(t => t.Term, t => 1000 * t.Value));                       // not the last epoch: ignored
            var last = new EpochRecord(1, total, 0.1, new Dictionary<string, double>(), 1.0, terms.ToDictionary(t => t.Term, t => t.Value));
            return r with { Epochs = [first, last] };
        }
        // Full objective, λ 0.001 / 0.01 / 0.1: 0.6 + 0.001·200 + 0.01·10 + 0.1·1 = 1.0, and a second seed at twice the rank.
        var full0 = WithTerms(LesaRunFactory.Step("+rel+div+dist", 0), 1.0, ("rank", 0.6), ("rel", 200), ("div", 10), ("dist", 1));
        var full1 = WithTerms(LesaRunFactory.Step("+rel+div+dist", 1), 1.6, ("rank", 1.2), ("rel", 200), ("div", 10), ("dist", 1));
        // Rank only: the other weights are 0, so their shares are 0 while their unweighted values are still shown.
        var rank = WithTerms(LesaRunFactory.Step("rank"), 0.5, ("rank", 0.5), ("rel", 300), ("div", 20), ("dist", 2));
        var untracked = LesaRunFactory.Run(LesaRunFactory.Step("+rel"), 0.1);                 // no epochs logged

        var t = LesaTables.LossShares([full0, full1, rank, untracked]);
        string Share(string step, string term) => t.Cell(step, LesaTables.ShareTask, term);
        Assert.Equal(((60.0 + 75.0) / 2).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Share("+rel+div+dist", "L_rank"));
        Assert.Equal(((20.0 + 12.5) / 2).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Share("+rel+div+dist", "L_rel"));
        Assert.Equal("100.00", Share("rank", "L_rank"));
        Assert.Equal("0.00", Share("rank", "L_rel"));
        Assert.Equal("300.00", t.Cell("rank", LesaTables.UnweightedTask, "L_rel"));
        Assert.Equal("–", Share("+rel", "L_rank"));
        Assert.DoesNotContain(t.Rows, r => r.Method == "+rel");
    }
}
