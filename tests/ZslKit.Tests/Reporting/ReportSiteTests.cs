using System.Text.Json.Nodes;
using ZslKit.Reporting;

namespace ZslKit.Tests.Reporting;

public class ReportSiteTests
{
    private static JsonObject Notebook(params JsonObject[] cells) => new()
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)c).ToArray()),
        ["metadata"] = new JsonObject(),
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    };

    private static JsonObject Code(string source, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = 1, ["metadata"] = new JsonObject(), ["source"] = source,
        ["outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray()),
    };

    [Fact]
    public void Site_has_an_index_and_a_page_per_notebook_with_charts_drawn_from_the_shipped_plotly()
    {
        Skip.IfNot(PlotlyJs.IsAvailable, "plotly.js-dist-min is not installed (run environment/setup.sh)");
        var dir = Directory.CreateTempSubdirectory("zsl-report-").FullName;
        var input = Path.Combine(dir, "in");
        Directory.CreateDirectory(Path.Combine(input, "sub"));
        var chart = new JsonObject
        {
            ["output_type"] = "display_data", ["metadata"] = new JsonObject(),
            ["data"] = new JsonObject { [PlotlyFigure.PlotlyMimeType] = new PlotlyFigure("c").Bar("b", ["x"], [1]).ToJson(), ["text/html"] = "<b>big inline copy</b>" },
        };
        File.WriteAllText(Path.Combine(input, "a.ipynb"), Notebook(
            new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = "# Title\n*it* works" },
            Code("display(fig);", chart)).ToJsonString());
        var error = new JsonObject { ["output_type"] = "error", ["ename"] = "System.Exception", ["evalue"] = "boom", ["traceback"] = new JsonArray("at <cell code>") };
        File.WriteAllText(Path.Combine(input, "sub", "b.ipynb"), Notebook(Code("throw new Exception(\"boom\");", error)).ToJsonString());

        var output = Path.Combine(dir, "site");
        var pages = ReportSite.Build(input, output);

        Assert.Equal(["a.html", "sub_b.html"], pages.Select(p => p.Page));
        Assert.Equal(1, pages[0].Charts);
        Assert.True(pages[1].Failed);
        Assert.Equal("cell 1: System.Exception: boom", pages[1].FirstError);
        Assert.True(File.Exists(Path.Combine(output, "plotly.min.js")));
        var index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("href=\"a.html\"", index);
        Assert.Contains("failed", index);
        var page = File.ReadAllText(Path.Combine(output, "a.html"));
        Assert.Contains("<script src=\"plotly.min.js\"></script>", page);
        Assert.Contains("Plotly.newPlot", page);
        Assert.DoesNotContain("big inline copy", page);        // the plotly JSON is preferred over the inlined HTML
        Assert.Contains("<h1>Title</h1>", page);
        Assert.Contains("<em>it</em> works", page);
        Assert.Contains("boom", File.ReadAllText(Path.Combine(output, "sub_b.html")));
    }

    [Fact]
    public void Missing_input_folder_is_a_clear_error()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => ReportSite.Build("/nonexistent/zsl", Path.GetTempPath()));
        Assert.Contains("/nonexistent/zsl", e.Message);
    }

    [Fact]
    public void A_notebook_that_cannot_be_read_leaves_the_output_folder_as_it_was()
    {
        var dir = Directory.CreateTempSubdirectory("zsl-report-").FullName;
        try
        {
            var input = Path.Combine(dir, "in");
            Directory.CreateDirectory(input);
            var good = Notebook(Code("1")).ToJsonString();
            File.WriteAllText(Path.Combine(input, "a.ipynb"), good);
            File.WriteAllText(Path.Combine(input, "b.ipynb"), good[..40]);   // truncated, after a readable one
            var output = Path.Combine(dir, "site");
            var e = Assert.Throws<InvalidDataException>(() => ReportSite.Build(input, output));
            Assert.StartsWith(Path.Combine(input, "b.ipynb") + ": invalid JSON at line 1, column 41", e.Message);
            Assert.False(Directory.Exists(output));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Markdown_renders_lists_code_and_escapes_html()
    {
        var html = MiniMarkdown.ToHtml("- a `x<y`\n- **b**\n\n1. one\n\n```\n<tag>\n```\n[l](https://example.org) <script>");
        Assert.Contains("<ul>\n<li>a <code>x&lt;y</code></li>\n<li><strong>b</strong></li>\n</ul>", html);
        Assert.Contains("<ol>\n<li>one</li>\n</ol>", html);
        Assert.Contains("<pre><code>&lt;tag&gt;</code></pre>", html);
        Assert.Contains("<a href=\"https://example.org\">l</a> &lt;script&gt;", html);
    }
}
