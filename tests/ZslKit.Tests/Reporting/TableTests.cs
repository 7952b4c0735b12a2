using ZslKit.Reporting;

namespace ZslKit.Tests.Reporting;

public class TableTests
{
    private static readonly Provenance Real = new("CUB", DatasetKind.Real, "paper", 0, "abc1234");
    private static readonly Provenance Synthetic = new("synthetic-CUB", DatasetKind.Synthetic, "quick", 3, "abc1234");

    [Fact]
    public void Result_table_pivots_methods_against_task_and_metric_with_precision_per_metric()
    {
        var t = new ResultTable("GZSL on CUB", decimals: 1)
            .Add("LESA", "GZSL", "H", 42.25).Add("LESA", "GZSL", "U", 40.0)
            .Add("SGMA", "GZSL", "H", 43.0)
            .Decimals("U", 2);
        Assert.Equal("42.3", t.Cell("LESA", "GZSL", "H"));  // half away from zero, as papers print
        Assert.Equal("40.00", t.Cell("LESA", "GZSL", "U"));
        Assert.Equal("–", t.Cell("SGMA", "GZSL", "U"));
        var md = t.ToMarkdown();
        Assert.Contains("| Method | GZSL H | GZSL U |", md);
        Assert.Contains("| SGMA | 43.0 | – |", md);
        var html = t.ToHtml();
        Assert.Contains("<th colspan=\"2\">GZSL</th>", html);
        Assert.Contains("<caption>GZSL on CUB</caption>", html);
    }

    [Fact]
    public void Result_table_csv_is_long_format_with_full_precision_and_quoting()
    {
        var csv = new ResultTable().Add("A, \"b\"", "ZSL", "T1", 0.1 + 0.2).ToCsv();
        Assert.Equal("method,task,metric,value\n\"A, \"\"b\"\"\",ZSL,T1,0.30000000000000004\n", csv);
    }

    [Fact]
    public void Result_table_rejects_a_duplicate_cell()
    {
        var t = new ResultTable().Add("A", "ZSL", "T1", 1);
        Assert.Throws<ArgumentException>(() => t.Add("A", "ZSL", "T1", 2));
    }

    [Fact]
    public void Result_table_refuses_decimals_it_cannot_show_when_built_not_when_rendered()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ResultTable(decimals: -1));
        Assert.Equal("decimals", e.ParamName);
        Assert.Contains("ResultTable: decimals must be between 0 and 15", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResultTable(decimals: 16));
        var places = Assert.Throws<ArgumentOutOfRangeException>(() => new ResultTable().Decimals("H", 16));
        Assert.Equal("places", places.ParamName);
        Assert.Equal("0.123456789012346", new ResultTable(decimals: 15).Add("A", "T", "m", 0.1234567890123456).Cell("A", "T", "m"));
    }

    [Fact]
    public void Result_table_refuses_a_null_method_task_or_metric_at_add()
    {
        var t = new ResultTable();
        Assert.Equal("method", Assert.Throws<ArgumentNullException>(() => t.Add(null!, "T", "m", 1)).ParamName);
        Assert.Equal("task", Assert.Throws<ArgumentNullException>(() => t.Add("A", null!, "m", 1)).ParamName);
        Assert.Equal("metric", Assert.Throws<ArgumentNullException>(() => t.Add("A", "T", null!, 1)).ParamName);
        Assert.Empty(t.Rows);
        Assert.Equal("method", Assert.Throws<ArgumentNullException>(() => new PaperComparison("P", Real).Add(null!, "T", "m", "1.0", 1)).ParamName);
    }

    [Fact]
    public void Comparison_refuses_a_reported_value_with_more_decimals_than_can_be_shown()
    {
        var e = Assert.Throws<ArgumentException>(() => new PaperComparison("P", Real).Add("M", "T", "m", "1.12345678901234567", 1));
        Assert.Contains("has 17 decimals; at most 15 can be shown", e.Message);
    }

    [Fact]
    public void Comparison_on_real_data_shows_delta_at_the_papers_precision()
    {
        var c = new PaperComparison("LESA", Real).Add("LESA", "ZSL", "mAP", "19.4", 18.72).Add("LESA", "GZSL", "F1@3", "9.25", 9.3);
        Assert.True(c.ShowsDelta);
        Assert.Equal(("19.4", "18.7", "-0.7"), c.Format(c.Rows[0]));
        Assert.Equal(("9.25", "9.30", "+0.05"), c.Format(c.Rows[1]));
        Assert.Contains("<th>Δ</th>", c.ToHtml());
        Assert.Contains("CUB (real) · config paper · seed 0 · commit abc1234", System.Net.WebUtility.HtmlDecode(c.ToHtml()));
        Assert.Contains("| LESA | ZSL | mAP | 19.4 | 18.7 | -0.7 |", c.ToMarkdown());
        Assert.StartsWith("method,task,metric,reported,ours,delta,dataset,kind,config,seed,commit\nLESA,ZSL,mAP,19.4,18.7,-0.7,CUB,real,paper,0,abc1234",
            c.ToCsv());
    }

    [Fact]
    public void Comparison_on_synthetic_data_has_no_delta_and_says_synthetic()
    {
        var c = new PaperComparison("LESA", Synthetic).Add("LESA", "ZSL", "mAP", "19.4", 3.14159);
        Assert.False(c.ShowsDelta);
        Assert.Equal(("19.4", "3.1", null), c.Format(c.Rows[0]));
        var html = c.ToHtml();
        Assert.DoesNotContain("Δ</th>", html);
        Assert.Contains("SYNTHETIC", html);
        Assert.Contains("class=\"zsl-table synthetic\"", html);
        Assert.Contains("synthetic-CUB (synthetic)", c.ToMarkdown());
        Assert.Contains("LESA,ZSL,mAP,19.4,3.1,,synthetic-CUB,synthetic,quick,3,abc1234", c.ToCsv());
    }

    [Fact]
    public void Comparison_rejects_a_reported_value_that_is_not_a_number()
    {
        var e = Assert.Throws<ArgumentException>(() => new PaperComparison("P", Real).Add("M", "T", "m", "19,4", 1));
        Assert.Contains("'19,4'", e.Message);
    }

    [Fact]
    public void Html_escapes_method_names()
    {
        var html = new ResultTable().Add("<script>", "T", "m", 1).ToHtml();
        Assert.Contains("&lt;script&gt;", html);
        Assert.DoesNotContain("<script>", html);
    }
}
