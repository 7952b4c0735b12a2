// A small typed builder for plotly.js figures: heatmap, (grouped) bar, line with an error band, scatter, image with an
// attention overlay, subplot grids and annotations. Renders to plotly's JSON ({data, layout}) and to offline HTML.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZslKit.Reporting;

/// <summary>A plotly.js figure. Methods add traces or layout and return the figure, so calls chain.</summary>
[TypeFormatterSource(typeof(ReportingFormatterSource), PreferredMimeTypes = [PlotlyMimeType, "text/html"])]
public sealed class PlotlyFigure
{
    /// <summary>The mime type Jupyter/VS Code renderers use for plotly figures.</summary>
    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";

    private readonly List<JsonObject> _traces = [];
    private readonly JsonObject _layout = new();
    private readonly List<JsonObject> _annotations = [];
    private int _rows = 1, _columns = 1;

    /// <summary>A figure with an optional title; <paramref name="width"/>/<paramref name="height"/> in pixels.</summary>
    public PlotlyFigure(string? title = null, int width = 720, int height = 440)
    {
        Positive("PlotlyFigure", nameof(width), width);
        Positive("PlotlyFigure", nameof(height), height);
        if (title is not null) _layout["title"] = new JsonObject { ["text"] = title };
        _layout["width"] = width;
        _layout["height"] = height;
        _layout["margin"] = new JsonObject { ["l"] = 60, ["r"] = 20, ["t"] = title is null ? 20 : 50, ["b"] = 50 };
    }

    /// <summary>Number of traces added so far.</summary>
    public int TraceCount => _traces.Count;

    /// <summary>The title, when set.</summary>
    public string? Title => (string?)_layout["title"]?["text"];

    /// <summary>Splits the figure into a rows x columns grid of independent subplots.</summary>
    public PlotlyFigure Grid(int rows, int columns)
    {
        if (rows < 1 || columns < 1)
            throw new ArgumentOutOfRangeException(rows < 1 ? nameof(rows) : nameof(columns),
                $"Grid: {(rows < 1 ? "rows" : "columns")} must be at least 1, got a {rows}x{columns} grid");
        (_rows, _columns) = (rows, columns);
        _layout["grid"] = new JsonObject { ["rows"] = rows, ["columns"] = columns, ["pattern"] = "independent" };
        return this;
    }

    /// <summary>A heatmap of <paramref name="z"/> (shape [rows, columns]); labels are optional.</summary>
    public PlotlyFigure Heatmap(double[,] z, IReadOnlyList<string>? x = null, IReadOnlyList<string>? y = null,
        string colorscale = "Viridis", string? name = null, Subplot? at = null, bool showScale = true)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (x is not null && x.Count != z.GetLength(1)) throw new ArgumentException($"x has {x.Count} labels but z has {z.GetLength(1)} columns", nameof(x));
        if (y is not null && y.Count != z.GetLength(0)) throw new ArgumentException($"y has {y.Count} labels but z has {z.GetLength(0)} rows", nameof(y));
        var trace = Trace("Heatmap", "heatmap", name, at);
        trace["z"] = Matrix(z);
        if (x is not null) trace["x"] = Strings(x);
        if (y is not null) trace["y"] = Strings(y);
        trace["colorscale"] = colorscale;
        trace["showscale"] = showScale;
        return this;
    }

    /// <summary>One bar series; add several and call <see cref="BarMode"/>("group") for grouped bars.</summary>
    public PlotlyFigure Bar(string name, IReadOnlyList<string> categories, IReadOnlyList<double> values,
        IReadOnlyList<double>? errors = null, Subplot? at = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        SameLength(nameof(values), categories.Count, values.Count);
        var trace = Trace("Bar", "bar", name, at);
        trace["x"] = Strings(categories);
        trace["y"] = Numbers(values);
        if (errors is not null)
        {
            SameLength(nameof(errors), categories.Count, errors.Count);
            trace["error_y"] = new JsonObject { ["type"] = "data", ["array"] = Numbers(errors), ["visible"] = true };
        }
        return this;
    }

    /// <summary>"group" (side by side), "stack", "overlay" or "relative".</summary>
    public PlotlyFigure BarMode(string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (mode is not ("group" or "stack" or "overlay" or "relative"))
            throw new ArgumentException($"BarMode: mode must be \"group\", \"stack\", \"overlay\" or \"relative\", got \"{mode}\"", nameof(mode));
        _layout["barmode"] = mode;
        return this;
    }

    /// <summary>A line; with <paramref name="band"/> (± half-width per point) a shaded band is drawn around it.</summary>
    public PlotlyFigure Line(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double>? band = null,
        string? color = null, Subplot? at = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        SameLength(nameof(y), x.Count, y.Count);
        color ??= Palette[_traces.Count(t => (string?)t["type"] == "scatter" && (string?)t["fill"] is null) % Palette.Length];
        if (band is not null)
        {
            SameLength(nameof(band), x.Count, band.Count);
            var lower = Trace("Line", "scatter", $"{name} - band", at);
            lower["x"] = Numbers(x);
            lower["y"] = Numbers(y.Select((v, i) => v - band[i]).ToList());
            lower["mode"] = "lines";
            lower["line"] = new JsonObject { ["width"] = 0, ["color"] = color };
            lower["showlegend"] = false;
            lower["hoverinfo"] = "skip";
            var upper = Trace("Line", "scatter", $"{name} + band", at);
            upper["x"] = Numbers(x);
            upper["y"] = Numbers(y.Select((v, i) => v + band[i]).ToList());
            upper["mode"] = "lines";
            upper["fill"] = "tonexty";
            upper["fillcolor"] = WithAlpha(color, 0.2);
            upper["line"] = new JsonObject { ["width"] = 0, ["color"] = color };
            upper["showlegend"] = false;
            upper["hoverinfo"] = "skip";
        }
        var line = Trace("Line", "scatter", name, at);
        line["x"] = Numbers(x);
        line["y"] = Numbers(y);
        line["mode"] = "lines";
        line["line"] = new JsonObject { ["color"] = color };
        return this;
    }

    /// <summary>Markers at (x, y), with optional hover labels.</summary>
    public PlotlyFigure Scatter(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string>? labels = null,
        Subplot? at = null, double markerSize = 7)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!(double.IsFinite(markerSize) && markerSize > 0))
            throw new ArgumentOutOfRangeException(nameof(markerSize), markerSize, "Scatter: markerSize must be a finite number > 0");
        SameLength(nameof(y), x.Count, y.Count);
        var trace = Trace("Scatter", "scatter", name, at);
        trace["x"] = Numbers(x);
        trace["y"] = Numbers(y);
        trace["mode"] = "markers";
        trace["marker"] = new JsonObject { ["size"] = markerSize };
        if (labels is not null)
        {
            SameLength(nameof(labels), x.Count, labels.Count);
            trace["text"] = Strings(labels);
        }
        return this;
    }

    /// <summary>An RGB image, <paramref name="rgb"/> shaped [height, width, 3] with values 0..255.</summary>
    public PlotlyFigure Image(byte[,,] rgb, Subplot? at = null)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.GetLength(2) != 3) throw new ArgumentException($"image must be [height, width, 3], got [{rgb.GetLength(0)}, {rgb.GetLength(1)}, {rgb.GetLength(2)}]", nameof(rgb));
        var suffix = AxisSuffix("Image", at);
        var rows = new JsonArray();
        for (var r = 0; r < rgb.GetLength(0); r++)
        {
            var row = new JsonArray();
            for (var c = 0; c < rgb.GetLength(1); c++) row.Add(new JsonArray(rgb[r, c, 0], rgb[r, c, 1], rgb[r, c, 2]));
            rows.Add(row);
        }
        var trace = Trace("Image", "image", null, at);
        trace["z"] = rows;
        _layout[$"yaxis{suffix}"] = new JsonObject { ["autorange"] = "reversed", ["scaleanchor"] = $"x{suffix}", ["showgrid"] = false };
        _layout[$"xaxis{suffix}"] = new JsonObject { ["showgrid"] = false };
        return this;
    }

    /// <summary>
    /// An attention map drawn over an image of <paramref name="imageWidth"/> x <paramref name="imageHeight"/> pixels: each of the
    /// map's [rows, columns] cells is stretched over its patch of the image, semi-transparent (<paramref name="opacity"/> in
    /// [0, 1]). NaN cells are gaps.
    /// </summary>
    public PlotlyFigure AttentionOverlay(double[,] attention, int imageWidth, int imageHeight, double opacity = 0.5,
        string colorscale = "Jet", Subplot? at = null)
    {
        ArgumentNullException.ThrowIfNull(attention);
        if (attention.GetLength(0) == 0 || attention.GetLength(1) == 0)
            throw new ArgumentException($"AttentionOverlay: attention must have at least one row and one column, got [{attention.GetLength(0)}, {attention.GetLength(1)}]", nameof(attention));
        Positive("AttentionOverlay", nameof(imageWidth), imageWidth);
        Positive("AttentionOverlay", nameof(imageHeight), imageHeight);
        if (!(opacity >= 0 && opacity <= 1))
            throw new ArgumentOutOfRangeException(nameof(opacity), opacity, "AttentionOverlay: opacity must be in [0, 1]");
        var dx = (double)imageWidth / attention.GetLength(1);   // pixels per attention column
        var dy = (double)imageHeight / attention.GetLength(0);  // pixels per attention row
        var trace = Trace("AttentionOverlay", "heatmap", "attention", at);
        trace["z"] = Matrix(attention);
        trace["x0"] = dx / 2 - 0.5;
        trace["dx"] = dx;
        trace["y0"] = dy / 2 - 0.5;
        trace["dy"] = dy;
        trace["opacity"] = opacity;
        trace["colorscale"] = colorscale;
        trace["showscale"] = false;
        return this;
    }

    /// <summary>Axis titles of one subplot (the first by default).</summary>
    public PlotlyFigure Axes(string? xTitle, string? yTitle, Subplot? at = null, bool logY = false)
    {
        var suffix = AxisSuffix("Axes", at);
        var xa = _layout[$"xaxis{suffix}"] as JsonObject ?? new JsonObject();
        var ya = _layout[$"yaxis{suffix}"] as JsonObject ?? new JsonObject();
        if (xTitle is not null) xa["title"] = new JsonObject { ["text"] = xTitle };
        if (yTitle is not null) ya["title"] = new JsonObject { ["text"] = yTitle };
        if (logY) ya["type"] = "log";
        _layout[$"xaxis{suffix}"] = xa;
        _layout[$"yaxis{suffix}"] = ya;
        return this;
    }

    /// <summary>A text annotation at data coordinates (x, y) of a subplot, with an arrow unless <paramref name="arrow"/> is false.</summary>
    public PlotlyFigure Annotate(string text, double x, double y, Subplot? at = null, bool arrow = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        Finite("Annotate", nameof(x), x);
        Finite("Annotate", nameof(y), y);
        var suffix = AxisSuffix("Annotate", at);
        _annotations.Add(new JsonObject
        {
            ["text"] = text, ["x"] = x, ["y"] = y, ["xref"] = $"x{suffix}", ["yref"] = $"y{suffix}", ["showarrow"] = arrow,
        });
        return this;
    }

    /// <summary>The figure as plotly JSON: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public JsonObject ToJson()
    {
        var layout = (JsonObject)_layout.DeepClone();
        if (_annotations.Count > 0) layout["annotations"] = new JsonArray(_annotations.Select(a => (JsonNode)a.DeepClone()).ToArray());
        return new JsonObject
        {
            ["data"] = new JsonArray(_traces.Select(t => (JsonNode)t.DeepClone()).ToArray()),
            ["layout"] = layout,
        };
    }

    /// <summary><see cref="ToJson"/> as compact text.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonOptions);

    /// <summary>An HTML fragment that draws the figure; see <see cref="PlotlyHtml"/> for how plotly.js is supplied.</summary>
    public string ToHtml(PlotlyScriptMode mode = PlotlyScriptMode.InlineOncePerProcess) => PlotlyHtml.Fragment(ToJsonString(), mode);

    /// <summary>A complete offline HTML page with plotly.js inlined.</summary>
    public string ToStandalonePage() => PlotlyHtml.Page(Title ?? "figure", ToHtml(PlotlyScriptMode.Inline));

    public override string ToString() => $"PlotlyFigure \"{Title}\" ({_traces.Count} traces, {_rows}x{_columns} grid)";

    internal static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    private JsonObject Trace(string method, string type, string? name, Subplot? at)
    {
        var trace = new JsonObject { ["type"] = type };
        if (name is not null) trace["name"] = name;
        if (at is not null)
        {
            var suffix = AxisSuffix(method, at);
            trace["xaxis"] = $"x{suffix}";
            trace["yaxis"] = $"y{suffix}";
        }
        _traces.Add(trace);
        return trace;
    }

    /// <summary>The axis suffix of a subplot (the first when null), which must lie in the grid.</summary>
    private string AxisSuffix(string method, Subplot? at)
    {
        var s = at ?? new Subplot(1, 1);
        if (s.Row < 1 || s.Row > _rows || s.Column < 1 || s.Column > _columns)
            throw new ArgumentOutOfRangeException(nameof(at),
                $"{method}: subplot ({s.Row}, {s.Column}) is outside the {_rows}x{_columns} grid (rows and columns count from 1; call Grid first)");
        return s.AxisSuffix(_columns);
    }

    private static void Positive(string method, string what, int value)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(what, value, $"{method}: {what} must be > 0 pixels");
    }

    // JSON has no NaN or infinity: a coordinate that is one cannot be written
    private static void Finite(string method, string what, double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(what, value, $"{method}: {what} must be a finite number");
    }

    private static void SameLength(string what, int expected, int actual)
    {
        if (expected != actual) throw new ArgumentException($"{what} has {actual} entries but the x axis has {expected}", what);
    }

    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null; // JSON has no NaN: plotly treats null as a gap

    private static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonArray Matrix(double[,] z)
    {
        var rows = new JsonArray();
        for (var r = 0; r < z.GetLength(0); r++)
        {
            var row = new JsonArray();
            for (var c = 0; c < z.GetLength(1); c++) row.Add(Number(z[r, c]));
            rows.Add(row);
        }
        return rows;
    }

    private static string WithAlpha(string hex, double alpha)
    {
        if (hex.Length != 7 || hex[0] != '#') return hex;
        var r = int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var g = int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var b = int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"rgba({r},{g},{b},{alpha})");
    }
}
