using ZslKit.Reporting;

namespace ZslKit.Tests.Reporting;

public class ScreenshotTests
{
    private static HeadlessChromium RequireChromiumAndPlotly()
    {
        var chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, "chromium is not installed (environment/setup.sh installs Debian's chromium)");
        Skip.IfNot(PlotlyJs.IsAvailable, "plotly.js-dist-min is not installed (run environment/setup.sh)");
        return chromium!;
    }

    [Fact]
    public void Chart_page_draws_offline_in_headless_chromium()
    {
        var chromium = RequireChromiumAndPlotly();
        var dir = Directory.CreateTempSubdirectory("zsl-shot-").FullName;
        var figure = new PlotlyFigure("grouped bars", width: 640, height: 400)
            .Bar("reported", ["CUB", "SUN", "AWA2"], [71.3, 63.9, 68.1])
            .Bar("ours", ["CUB", "SUN", "AWA2"], [70.2, 64.4, 66.0])
            .BarMode("group");
        var html = Path.Combine(dir, "chart.html");
        File.WriteAllText(html, figure.ToStandalonePage());
        var png = Path.Combine(dir, "chart.png");
        chromium.Screenshot(html, png, 640, 400);

        var pixels = PngPixels.Read(png);
        Assert.Equal((640, 400), (pixels.Width, pixels.Height));
        Assert.True(pixels.LumaVariance() > 100, $"screenshot looks blank (luma variance {pixels.LumaVariance():F1})");
        // the bars are coloured; an undrawn chart (plotly.js missing) would be white with at most black error text
        Assert.True(pixels.ColouredPixels() > 2000, $"only {pixels.ColouredPixels()} coloured pixels: the bars were not drawn");
    }

    [Fact]
    public void Blank_page_has_no_variance_so_the_check_can_fail()
    {
        var chromium = RequireChromiumAndPlotly();
        var dir = Directory.CreateTempSubdirectory("zsl-shot-").FullName;
        var html = Path.Combine(dir, "blank.html");
        File.WriteAllText(html, PlotlyHtml.Page("blank", ""));
        chromium.Screenshot(html, Path.Combine(dir, "blank.png"), 320, 200);
        var pixels = PngPixels.Read(Path.Combine(dir, "blank.png"));
        Assert.True(pixels.LumaVariance() < 1, $"blank page variance {pixels.LumaVariance():F1}");
        Assert.Equal(0, pixels.ColouredPixels());
    }

    [Fact]
    public void Table_page_renders_text_in_headless_chromium()
    {
        var chromium = RequireChromiumAndPlotly();
        var dir = Directory.CreateTempSubdirectory("zsl-shot-").FullName;
        var table = new PaperComparison("LESA (CVPR 2020)", new Provenance("NUS-WIDE", DatasetKind.Real, "quick", 0, "abc1234"))
            .Add("LESA", "ZSL", "mAP", "19.4", 18.72)
            .Add("LESA", "GZSL", "mAP", "5.6", 5.91);
        var html = Path.Combine(dir, "table.html");
        File.WriteAllText(html, PlotlyHtml.Page("table", table.ToHtml()));
        chromium.Screenshot(html, Path.Combine(dir, "table.png"), 640, 240);
        var pixels = PngPixels.Read(Path.Combine(dir, "table.png"));
        Assert.True(pixels.LumaVariance() > 50, $"table screenshot looks blank (luma variance {pixels.LumaVariance():F1})");
    }

    [Fact]
    public void Report_png_option_writes_a_drawn_png_per_chart()
    {
        var chromium = RequireChromiumAndPlotly();
        var dir = Directory.CreateTempSubdirectory("zsl-shot-").FullName;
        var input = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var figure = new PlotlyFigure("loss", width: 400, height: 300).Line("loss", [1, 2, 3], [3.0, 2.0, 1.5], band: [0.3, 0.2, 0.1]);
        var nb = new System.Text.Json.Nodes.JsonObject
        {
            ["cells"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = 1, ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["source"] = "fig",
                ["outputs"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["output_type"] = "execute_result", ["execution_count"] = 1, ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
                    ["data"] = new System.Text.Json.Nodes.JsonObject { [PlotlyFigure.PlotlyMimeType] = figure.ToJson() },
                }),
            }),
            ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        File.WriteAllText(Path.Combine(input, "n.ipynb"), nb.ToJsonString());
        var page = Assert.Single(ReportSite.Build(input, Path.Combine(dir, "site"), chromium));
        var png = Path.Combine(dir, "site", Assert.Single(page.Pngs));
        Assert.EndsWith(Path.Combine("charts", "n-1.png"), png);
        var pixels = PngPixels.Read(png);
        Assert.Equal((420, 320), (pixels.Width, pixels.Height));
        Assert.True(pixels.ColouredPixels() > 300, $"only {pixels.ColouredPixels()} coloured pixels: the chart was not drawn");
    }
}
