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
    public void Layout_calls_refuse_a_subplot_outside_the_grid_like_traces_do()
    {
        var fig = new PlotlyFigure();
        var axes = Assert.Throws<ArgumentOutOfRangeException>(() => fig.Axes("x", "y", at: new Subplot(3, 3)));
        Assert.Equal("at", axes.ParamName);
        Assert.Contains("Axes: subplot (3, 3) is outside the 1x1 grid", axes.Message);
        var annotate = Assert.Throws<ArgumentOutOfRangeException>(() => fig.Annotate("a", 1, 1, at: new Subplot(0, 0)));
        Assert.Contains("Annotate: subplot (0, 0) is outside the 1x1 grid", annotate.Message);
        var image = Assert.Throws<ArgumentOutOfRangeException>(() => fig.Image(new byte[2, 2, 3], at: new Subplot(1, 2)));
        Assert.Contains("Image: subplot (1, 2)", image.Message);
        Assert.Contains("Heatmap: subplot (2, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => fig.Heatmap(new double[1, 1], at: new Subplot(2, 1))).Message);
        Assert.Equal(0, fig.TraceCount);
        Assert.Null(fig.ToJson()["layout"]!["xaxis9"]);
    }

    [Fact]
    public void Grid_names_the_argument_that_is_below_one()
    {
        var columns = Assert.Throws<ArgumentOutOfRangeException>(() => new PlotlyFigure().Grid(2, 0));
        Assert.Equal("columns", columns.ParamName);
        Assert.Contains("columns must be at least 1, got a 2x0 grid", columns.Message);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => new PlotlyFigure().Grid(0, 2)).ParamName);
    }

    [Fact]
    public void Attention_overlay_refuses_an_empty_map_non_positive_image_sizes_and_opacity_outside_0_to_1()
    {
        var fig = new PlotlyFigure();
        var empty = Assert.Throws<ArgumentException>(() => fig.AttentionOverlay(new double[0, 0], 224, 224));
        Assert.Equal("attention", empty.ParamName);
        Assert.Contains("at least one row and one column, got [0, 0]", empty.Message);
        Assert.Equal("imageWidth", Assert.Throws<ArgumentOutOfRangeException>(() => fig.AttentionOverlay(new double[2, 2], 0, 224)).ParamName);
        var height = Assert.Throws<ArgumentOutOfRangeException>(() => fig.AttentionOverlay(new double[2, 2], 224, -5));
        Assert.Contains("AttentionOverlay: imageHeight must be > 0", height.Message);
        var opacity = Assert.Throws<ArgumentOutOfRangeException>(() => fig.AttentionOverlay(new double[2, 2], 224, 224, opacity: 5));
        Assert.Contains("opacity must be in [0, 1]", opacity.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => fig.AttentionOverlay(new double[2, 2], 224, 224, opacity: double.NaN));
        Assert.Equal(0, fig.TraceCount);
    }

    [Fact]
    public void Figure_sizes_and_marker_sizes_must_be_positive()
    {
        var width = Assert.Throws<ArgumentOutOfRangeException>(() => new PlotlyFigure(width: -1));
        Assert.Equal("width", width.ParamName);
        Assert.Contains("PlotlyFigure: width must be > 0 pixels", width.Message);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new PlotlyFigure(height: 0)).ParamName);
        var marker = Assert.Throws<ArgumentOutOfRangeException>(() => new PlotlyFigure().Scatter("s", [1], [1], markerSize: double.NaN));
        Assert.Contains("Scatter: markerSize must be a finite number > 0", marker.Message);
    }

    [Fact]
    public void Non_finite_annotation_coordinates_are_refused_at_the_call_while_nan_data_stays_a_gap()
    {
        var fig = new PlotlyFigure();
        var x = Assert.Throws<ArgumentOutOfRangeException>(() => fig.Annotate("a", double.NaN, 1));
        Assert.Equal("x", x.ParamName);
        Assert.Contains("Annotate: x must be a finite number", x.Message);
        Assert.Equal("y", Assert.Throws<ArgumentOutOfRangeException>(() => fig.Annotate("a", 1, double.PositiveInfinity)).ParamName);
        // NaN in data is a gap (JSON null), as before
        var json = JsonNode.Parse(fig.Line("l", [0, 1, 2], [1, double.NaN, 3]).AttentionOverlay(new double[,] { { double.NaN } }, 16, 16).ToJsonString())!;
        Assert.Null(json["data"]![0]!["y"]![1]);
        Assert.Null(json["data"]![1]!["z"]![0]![0]);
    }

    [Fact]
    public void Null_data_is_refused_at_the_call_by_argument_name()
    {
        var fig = new PlotlyFigure();
        Assert.Equal("x", Assert.Throws<ArgumentNullException>(() => fig.Line("l", null!, [1.0])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => fig.Scatter("s", [1.0], null!)).ParamName);
        Assert.Equal("z", Assert.Throws<ArgumentNullException>(() => fig.Heatmap(null!)).ParamName);
        Assert.Equal("attention", Assert.Throws<ArgumentNullException>(() => fig.AttentionOverlay(null!, 224, 224)).ParamName);
        Assert.Equal("rgb", Assert.Throws<ArgumentNullException>(() => fig.Image(null!)).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentNullException>(() => fig.Bar("b", ["a"], null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => fig.Annotate(null!, 1, 1)).ParamName);
        Assert.Equal(0, fig.TraceCount);
    }

    [Fact]
    public void Bar_mode_must_be_one_plotly_knows()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlotlyFigure().BarMode("grouped"));
        Assert.Contains("\"group\", \"stack\", \"overlay\" or \"relative\", got \"grouped\"", e.Message);
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
