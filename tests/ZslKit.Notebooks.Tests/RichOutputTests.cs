using ZslKit.Reporting;

namespace ZslKit.Notebooks.Tests;

public class RichOutputTests
{
    private static void CopyZslKit(string folder)
    {
        foreach (var dll in new[] { "ZslKit.dll", "ZslKit.Torch.dll" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, dll), Path.Combine(folder, dll));
    }

    [Fact]
    public async Task Charts_and_tables_render_through_the_formatter_convention()
    {
        Skip.IfNot(PlotlyJs.IsAvailable, "plotly.js-dist-min is not installed (run environment/setup.sh)");
        var run = await FixtureRun.RunAsync("chart-table.ipynb", prepare: CopyZslKit);
        Assert.True(run.Result.ExitCode == 0, run.Result.Summary);

        var chart = Assert.Single(run.Outputs(2))!;
        Assert.Equal("display_data", (string?)chart["output_type"]);
        var data = chart["data"]!;
        // the plotly mime entry is JSON (not a string), as nbformat requires for +json types
        Assert.Equal("bar", (string?)data[PlotlyFigure.PlotlyMimeType]!["data"]![0]!["type"]);
        Assert.Equal("bars", (string?)data[PlotlyFigure.PlotlyMimeType]!["layout"]!["title"]!["text"]);
        var html = FixtureRun.Text(data["text/html"]);
        Assert.Contains("Plotly.newPlot", html);
        // plotly.js is inlined: no external script, no require.js
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("require([", html);
        Assert.True(html.Length > 1_000_000, "the first chart of a process carries the inlined plotly.js bundle");
        Assert.StartsWith("PlotlyFigure \"bars\"", FixtureRun.Text(data["text/plain"]));

        var table = Assert.Single(run.Outputs(3))!;
        Assert.Equal("execute_result", (string?)table["output_type"]);
        Assert.Contains("<td class=\"num\">42.3</td>", FixtureRun.Text(table["data"]!["text/html"]));
    }
}
