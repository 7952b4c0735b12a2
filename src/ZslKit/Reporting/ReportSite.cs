// `zsl report`: every executed notebook rendered to one offline HTML site (index.html plus one page per notebook) with live
// plotly charts drawn by a plotly.min.js copied next to the pages; optionally a PNG of every chart via headless Chromium.
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZslKit.Torch.Serialization;

namespace ZslKit.Reporting;

/// <summary>One rendered notebook page.</summary>
public sealed record ReportPage(string Notebook, string Page, bool Failed, string? FirstError, int Charts, IReadOnlyList<string> Pngs);

/// <summary>Builds the report site.</summary>
public static class ReportSite
{
    private const string PageStyle =
        "<style>body{font:14px/1.45 sans-serif;max-width:1100px;margin:20px auto;padding:0 16px;color:#222}" +
        "pre{background:#f6f8fa;padding:8px;overflow-x:auto;border-radius:4px}pre.src{border-left:3px solid #4a7}" +
        "pre.stderr{background:#fff4e5}pre.error{background:#fde8e8;color:#900}.cell{margin:14px 0}.num{color:#888;font-size:12px}" +
        "a{color:#06c}.failed{color:#b00;font-weight:bold}.ok{color:#080}</style>";

    /// <summary>
    /// Renders every .ipynb under <paramref name="notebooksDir"/> into <paramref name="outDir"/>; with <paramref name="chromium"/>
    /// each chart is also written as charts/&lt;page&gt;-&lt;n&gt;.png. <paramref name="load"/> reads and checks one notebook file
    /// (default: any JSON object, <see cref="InvalidDataException"/> otherwise). Every notebook is read and rendered before
    /// anything is written, so a notebook that cannot be read leaves <paramref name="outDir"/> as it was.
    /// </summary>
    public static IReadOnlyList<ReportPage> Build(string notebooksDir, string outDir, HeadlessChromium? chromium = null,
        Func<string, JsonObject>? load = null)
    {
        if (!Directory.Exists(notebooksDir)) throw new DirectoryNotFoundException($"no executed notebooks folder at {notebooksDir}");
        load ??= LoadJson;
        var rendered = new List<RenderedPage>();
        foreach (var nb in Directory.EnumerateFiles(notebooksDir, "*.ipynb", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(notebooksDir, nb);
            var page = Path.ChangeExtension(rel, null).Replace(Path.DirectorySeparatorChar, '_') + ".html";
            rendered.Add(RenderNotebook(load(nb), rel, page));
        }
        var plotly = PlotlyJs.Path;
        Directory.CreateDirectory(outDir);
        File.Copy(plotly, Path.Combine(outDir, "plotly.min.js"), overwrite: true);
        var pages = new List<ReportPage>();
        foreach (var r in rendered)
        {
            File.WriteAllText(Path.Combine(outDir, r.Page), r.Html);
            var pngs = chromium is null ? [] : Screenshots(chromium, r.Charts, r.Page, outDir);
            pages.Add(new ReportPage(r.Notebook, r.Page, r.FirstError is not null, r.FirstError, r.Charts.Count, pngs));
        }
        File.WriteAllText(Path.Combine(outDir, "index.html"), Index(pages));
        return pages;
    }

    /// <summary>A notebook's page before it is written: its HTML and the figure JSON of every chart, in order.</summary>
    private sealed record RenderedPage(string Notebook, string Page, string Html, string? FirstError, List<string> Charts);

    private static JsonObject LoadJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON at {JsonErrorText.Describe(e)}", e);
        }
    }

    private static RenderedPage RenderNotebook(JsonObject root, string rel, string page)
    {
        var body = new StringBuilder();
        body.Append("<p><a href=\"index.html\">← all notebooks</a></p><h1>").Append(WebUtility.HtmlEncode(rel)).Append("</h1>\n");
        string? firstError = null;
        var charts = new List<string>();   // figure JSON of every chart, in order
        var cells = root["cells"] as JsonArray ?? [];
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell) continue;
            var type = Str(cell["cell_type"]);
            var source = Text(cell["source"]);
            body.Append("<div class=\"cell\">");
            if (type == "markdown") body.Append(MiniMarkdown.ToHtml(source));
            else if (type == "code")
            {
                body.Append("<div class=\"num\">cell ").Append(i + 1).Append(cell["execution_count"] is JsonValue n ? $" [{n}]" : "").Append("</div>");
                body.Append("<pre class=\"src\"><code>").Append(WebUtility.HtmlEncode(source)).Append("</code></pre>");
                foreach (var output in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (Str(output["output_type"]) == "error")
                        firstError ??= $"cell {i + 1}: {Str(output["ename"])}: {Str(output["evalue"])}";
                    body.Append(RenderOutput(output, charts));
                }
            }
            body.Append("</div>\n");
        }
        var html = PlotlyHtml.Page(rel, body.ToString(), head: PageStyle + "<script src=\"plotly.min.js\"></script>");
        return new RenderedPage(rel, page, html, firstError, charts);
    }

    private static string RenderOutput(JsonObject output, List<string> charts)
    {
        switch (Str(output["output_type"]))
        {
            case "stream":
                var name = Str(output["name"]) == "stderr" ? "stderr" : "stdout";
                return $"<pre class=\"{name}\">{WebUtility.HtmlEncode(Text(output["text"]))}</pre>";
            case "error":
                var tb = output["traceback"] is JsonArray a ? string.Join("\n", a.Select(Str)) : "";
                return $"<pre class=\"error\">{WebUtility.HtmlEncode($"{Str(output["ename"])}: {Str(output["evalue"])}\n{tb}")}</pre>";
        }
        if (output["data"] is not JsonObject data) return "";
        if (data[PlotlyFigure.PlotlyMimeType] is JsonObject figure)
        {
            var json = figure.ToJsonString(PlotlyFigure.JsonOptions);
            charts.Add(json);
            return PlotlyHtml.Fragment(json, PlotlyScriptMode.External);
        }
        if (data["text/html"] is { } html) return Text(html);
        if (data["image/png"] is { } png) return $"<img src=\"data:image/png;base64,{Text(png).Trim()}\">";
        if (data["image/svg+xml"] is { } svg) return Text(svg);
        if (data["text/markdown"] is { } md) return MiniMarkdown.ToHtml(Text(md));
        if (data["text/plain"] is { } plain) return $"<pre>{WebUtility.HtmlEncode(Text(plain))}</pre>";
        return "";
    }

    private static List<string> Screenshots(HeadlessChromium chromium, List<string> charts, string page, string outDir)
    {
        var dir = Path.Combine(outDir, "charts");
        Directory.CreateDirectory(dir);
        var pngs = new List<string>();
        for (var k = 0; k < charts.Count; k++)
        {
            var layout = JsonNode.Parse(charts[k])?["layout"];
            var width = (int?)layout?["width"] ?? 720;
            var height = (int?)layout?["height"] ?? 440;
            var stem = $"{Path.GetFileNameWithoutExtension(page)}-{k + 1}";
            var html = Path.Combine(dir, stem + ".html");
            File.WriteAllText(html, PlotlyHtml.Page(stem, PlotlyHtml.Fragment(charts[k], PlotlyScriptMode.External),
                head: "<script src=\"../plotly.min.js\"></script>"));
            var png = Path.Combine(dir, stem + ".png");
            chromium.Screenshot(html, png, width + 20, height + 20);
            pngs.Add(Path.GetRelativePath(outDir, png));
        }
        return pngs;
    }

    private static string Index(IReadOnlyList<ReportPage> pages)
    {
        var sb = new StringBuilder("<h1>ZslKit report</h1>\n<p>Executed notebooks, rendered offline (plotly.js ")
            .Append(WebUtility.HtmlEncode(PlotlyJs.Version)).Append(" shipped alongside). Generated ")
            .Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)).Append(".</p>\n<ul>\n");
        foreach (var p in pages)
        {
            sb.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(Uri.EscapeDataString(p.Page))).Append("\">")
              .Append(WebUtility.HtmlEncode(p.Notebook)).Append("</a> — ")
              .Append(p.Failed ? $"<span class=\"failed\">failed</span> ({WebUtility.HtmlEncode(p.FirstError ?? "")})" : "<span class=\"ok\">ok</span>")
              .Append(", ").Append(p.Charts).Append(" chart(s)");
            foreach (var png in p.Pngs) sb.Append(" <a href=\"").Append(WebUtility.HtmlEncode(png)).Append("\">png</a>");
            sb.Append("</li>\n");
        }
        if (pages.Count == 0) sb.Append("<li>no executed notebooks found</li>\n");
        return PlotlyHtml.Page("ZslKit report", sb.Append("</ul>\n").ToString(), head: PageStyle);
    }

    /// <summary>A string value, else null (a field of another type renders as empty rather than failing the report).</summary>
    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(Str)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null => "",
        _ => node.ToJsonString(),
    };
}
