using System.Text.Json.Nodes;
using ZslKit.Reporting;

namespace ZslKit.Tests.Reporting;

public class PlotlyFigureTests
{
    [Fact]
    public void Heatmap_writes_z_row_major_with_labels_and_nan_as_null()
    {
        var z = new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } };
        var json = new PlotlyFigure("h").Heatmap(z, ["a", "b", "c"], ["r1", "r2"]).ToJson();
        var trace = json["data"]![0]!;
        Assert.Equal("heatmap", (string?)trace["type"]);
        Assert.Equal(3.0, (double?)trace["z"]![0]![2]);
        Assert.Equal(4.0, (double?)trace["z"]![1]![0]);
        Assert.Null(trace["z"]![1]![1]);
        Assert.Equal("c", (string?)trace["x"]![2]);
        Assert.Equal("h", (string?)json["layout"]!["title"]!["text"]);
    }

    [Fact]
    public void Heatmap_with_wrong_label_count_names_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlotlyFigure().Heatmap(new double[2, 3], x: ["a", "b"]));
        Assert.Contains("x has 2 labels but z has 3 columns", e.Message);
    }

    [Fact]
    public void Grouped_bars_keep_one_trace_per_series_and_error_bars()
    {
        var json = new PlotlyFigure()
            .Bar("reported", ["CUB", "SUN"], [71.3, 63.9])
            .Bar("ours", ["CUB", "SUN"], [70.0, 64.0], errors: [0.5, 0.4])
            .BarMode("group").ToJson();
        Assert.Equal(2, json["data"]!.AsArray().Count);
        Assert.Equal("group", (string?)json["layout"]!["barmode"]);
        Assert.Equal(0.4, (double?)json["data"]![1]!["error_y"]!["array"]![1]);
        Assert.Null(json["data"]![0]!["error_y"]);
    }

    [Fact]
    public void Line_with_band_adds_lower_and_filled_upper_traces_before_the_line()
    {
        var json = new PlotlyFigure().Line("loss", [0, 1, 2], [1.0, 0.5, 0.25], band: [0.1, 0.1, 0.05]).ToJson();
        var data = json["data"]!.AsArray();
        Assert.Equal(3, data.Count);
        Assert.Equal([0.9, 0.4, 0.2], data[0]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 10)));
        Assert.Equal("tonexty", (string?)data[1]!["fill"]);
        Assert.Equal([1.1, 0.6, 0.3], data[1]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 10)));
        Assert.Equal("loss", (string?)data[2]!["name"]);
        Assert.StartsWith("rgba(", (string?)data[1]!["fillcolor"]);
    }

    [Fact]
    public void Subplots_map_to_independent_axes_in_row_major_order()
    {
        var fig = new PlotlyFigure().Grid(2, 2)
            .Scatter("a", [1], [1], at: new Subplot(1, 1))
            .Scatter("b", [1], [1], at: new Subplot(2, 1))
            .Annotate("peak", 1, 1, at: new Subplot(2, 2))
            .Axes("epoch", "H", at: new Subplot(1, 2));
        var json = fig.ToJson();
        Assert.Equal("x", (string?)json["data"]![0]!["xaxis"]);
        Assert.Equal("y3", (string?)json["data"]![1]!["yaxis"]);
        Assert.Equal("x4", (string?)json["layout"]!["annotations"]![0]!["xref"]);
        Assert.Equal("epoch", (string?)json["layout"]!["xaxis2"]!["title"]!["text"]);
        Assert.Equal("independent", (string?)json["layout"]!["grid"]!["pattern"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => fig.Scatter("c", [1], [1], at: new Subplot(3, 1)));
    }

    [Fact]
    public void Attention_overlay_stretches_each_cell_over_its_image_patch()
    {
        var image = new byte[224, 224, 3];
        var json = new PlotlyFigure().Image(image).AttentionOverlay(new double[14, 14], 224, 224, opacity: 0.4).ToJson();
        var overlay = json["data"]![1]!;
        Assert.Equal(16.0, (double?)overlay["dx"]);           // 224 px / 14 cells
        Assert.Equal(7.5, (double?)overlay["x0"]);            // centre of the first patch, pixel centres at 0..223
        Assert.Equal(0.4, (double?)overlay["opacity"]);
        Assert.Equal(224, json["data"]![0]!["z"]!.AsArray().Count);
        Assert.Equal(3, json["data"]![0]!["z"]![0]![0]!.AsArray().Count);
        Assert.Equal("reversed", (string?)json["layout"]!["yaxis"]!["autorange"]);
    }

    [Fact]
    public void Html_inlines_plotly_once_per_process_and_escapes_script_closers()
    {
        Skip.IfNot(PlotlyJs.IsAvailable, "plotly.js-dist-min is not installed (run environment/setup.sh)");
        var fig = new PlotlyFigure("</script><b>x</b>");
        var inline = fig.ToHtml(PlotlyScriptMode.Inline);
        var external = fig.ToHtml(PlotlyScriptMode.External);
        Assert.True(inline.Length > external.Length + 1_000_000);
        Assert.DoesNotContain("</script><b>", external);
        Assert.Contains("<\\/script><b>x<\\/b>", external);
        _ = fig.ToHtml();                                        // whichever chart is first in the process inlines the bundle
        Assert.True(fig.ToHtml().Length < 10_000, "later charts of the process must not carry the bundle again");
    }

    [Fact]
    public void Json_round_trips_as_the_plotly_mime_payload()
    {
        var text = new PlotlyFigure("t").Scatter("s", [1, 2], [3, 4], labels: ["p", "q"]).ToJsonString();
        var parsed = JsonNode.Parse(text)!;
        Assert.Equal("markers", (string?)parsed["data"]![0]!["mode"]);
        Assert.Equal("q", (string?)parsed["data"]![0]!["text"]![1]);
    }

    [Fact]
    public void A_notebook_chart_without_plotly_js_installed_keeps_its_figure_and_says_why_it_may_not_draw()
    {
        var json = new PlotlyFigure("t").Scatter("s", [1, 2], [3, 4]).ToJsonString();
        var html = PlotlyHtml.Fragment(json, PlotlyScriptMode.InlineOncePerProcess, bundleAvailable: false);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(PlotlyHtml.MissingBundleNote), html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("\"mode\":\"markers\"", html);
        Assert.DoesNotContain("window.define = undefined", html);
        var standalone = Assert.Throws<FileNotFoundException>(() => PlotlyHtml.Fragment(json, PlotlyScriptMode.Inline, bundleAvailable: false));
        Assert.Contains("environment/setup.sh", standalone.Message);
        Assert.DoesNotContain(PlotlyHtml.MissingBundleNote, PlotlyHtml.Fragment(json, PlotlyScriptMode.External, bundleAvailable: false));
    }

    [Fact]
    public void Plotly_js_is_found_beside_a_published_app_before_a_repository_install()
    {
        var root = Directory.CreateTempSubdirectory("zsl-plotlyjs-").FullName;
        try
        {
            var app = Path.Combine(root, "app");
            var repo = Path.Combine(root, "repo");
            var repoBundle = Path.Combine(repo, PlotlyJs.RepoRelativeFolder, "plotly.min.js");
            Directory.CreateDirectory(Path.GetDirectoryName(repoBundle)!);
            File.WriteAllText(repoBundle, "// repo");
            var nested = Directory.CreateDirectory(Path.Combine(repo, "notebooks", "x")).FullName;
            Directory.CreateDirectory(app);
            Assert.Equal(repoBundle, PlotlyJs.LocateFrom([app, nested], app));
            var appBundle = Path.Combine(app, PlotlyJs.AppRelativeFolder, "plotly.min.js");
            Directory.CreateDirectory(Path.GetDirectoryName(appBundle)!);
            File.WriteAllText(appBundle, "// app");
            Assert.Equal(appBundle, PlotlyJs.LocateFrom([app, nested], app));
            Assert.Null(PlotlyJs.LocateFrom([Path.Combine(root, "app", "plotly.js-dist-min")], null));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
