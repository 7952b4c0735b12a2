// HTML that draws plotly figures offline: plotly.js is inlined (notebook outputs, standalone pages) or referenced as a file
// shipped next to the page (report site) — never a CDN or require.js.
using System.Net;

namespace ZslKit.Reporting;

/// <summary>How a chart's HTML gets plotly.js.</summary>
public enum PlotlyScriptMode
{
    /// <summary>Inline the bundle in the first chart of this process; later charts wait for <c>window.Plotly</c>.</summary>
    InlineOncePerProcess,
    /// <summary>Inline the bundle in every chart (standalone files).</summary>
    Inline,
    /// <summary>Assume the page loads plotly.js itself (report pages).</summary>
    External,
}

/// <summary>Builds chart fragments and pages.</summary>
public static class PlotlyHtml
{
    private static int _inlined;
    private static int _counter;

    /// <summary>The note a notebook chart carries when plotly.js is not installed where it was made.</summary>
    public const string MissingBundleNote =
        "plotly.js was not installed where this chart was made (environment/setup.sh installs it): the chart draws only where the " +
        "page has plotly.js; the figure is also in this output's application/vnd.plotly.v1+json entry.";

    /// <summary>A div plus a script that plots <paramref name="figureJson"/> ({data, layout}) into it.</summary>
    public static string Fragment(string figureJson, PlotlyScriptMode mode) => Fragment(figureJson, mode, PlotlyJs.IsAvailable);

    /// <summary><see cref="Fragment(string, PlotlyScriptMode)"/> as if the bundle were (not) installed.</summary>
    internal static string Fragment(string figureJson, PlotlyScriptMode mode, bool bundleAvailable)
    {
        if (mode == PlotlyScriptMode.Inline && !bundleAvailable) throw new FileNotFoundException(PlotlyJs.MissingMessage);
        var id = $"zsl-plot-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        // A notebook output without the bundle (a published app without environment/.state, e.g. on the GPU machine) still
        // draws where the page has plotly.js already, says so where it has not, and keeps the figure JSON; only Inline
        // (standalone files) requires the bundle.
        var missing = mode == PlotlyScriptMode.InlineOncePerProcess && !bundleAvailable;
        var inline = mode == PlotlyScriptMode.Inline ||
                     (mode == PlotlyScriptMode.InlineOncePerProcess && !missing && Interlocked.Exchange(ref _inlined, 1) == 0);
        // An AMD loader on the page (require.js) would capture the UMD bundle: hide `define` while it runs.
        var bundle = inline
            ? "<script type=\"text/javascript\">if (!window.Plotly) { var zslDefine = window.define; window.define = undefined;\n" +
              PlotlyJs.Script + "\nwindow.define = zslDefine; }</script>\n"
            : missing
                ? $"<p class=\"zsl-plot-note\">{WebUtility.HtmlEncode(MissingBundleNote)}</p>\n"
                : "";
        // Safe inside <script>: the JSON cannot close the tag.
        var json = figureJson.Replace("</", "<\\/", StringComparison.Ordinal);
        return $$"""
            {{bundle}}<div id="{{id}}" class="zsl-plot"></div>
            <script type="text/javascript">
            (function () {
              var fig = {{json}};
              function draw() { Plotly.newPlot("{{id}}", fig.data, fig.layout, {responsive: true, displaylogo: false}); }
              if (window.Plotly) { draw(); return; }
              var tries = 0, timer = setInterval(function () {
                if (window.Plotly) { clearInterval(timer); draw(); }
                else if (++tries > 200) { clearInterval(timer); document.getElementById("{{id}}").textContent = "plotly.js is not loaded"; }
              }, 50);
            })();
            </script>
            """;
    }

    /// <summary>A minimal complete HTML page around <paramref name="body"/>.</summary>
    public static string Page(string title, string body, string? head = null) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{WebUtility.HtmlEncode(title)}</title>
        {head}
        </head>
        <body style="margin:0;background:#fff">
        {body}
        </body>
        </html>

        """;
}
