// Typed result tables: rows of (method, task, metric, value), shown as a method x (task, metric) grid in HTML and Markdown,
// and as long-format CSV with full precision.
using System.Globalization;
using System.Text;

namespace ZslKit.Reporting;

/// <summary>One measured number.</summary>
public sealed record ResultRow(string Method, string Task, string Metric, double Value);

/// <summary>Results of several methods on several tasks and metrics, shown with <c>decimals</c> (0 to 15) decimals unless
/// <see cref="Decimals"/> sets a metric's.</summary>
[TypeFormatterSource(typeof(ReportingFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class ResultTable(string? caption = null, int decimals = 1)
{
    private readonly int _decimals = TableText.CheckDecimals("ResultTable", nameof(decimals), decimals);
    private readonly List<ResultRow> _rows = [];
    private readonly Dictionary<string, int> _metricDecimals = [];

    public string? Caption { get; } = caption;
    public IReadOnlyList<ResultRow> Rows => _rows;

    /// <summary>Adds a value; a second value for the same (method, task, metric) is an error.</summary>
    public ResultTable Add(string method, string task, string metric, double value)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(metric);
        if (_rows.Any(r => r.Method == method && r.Task == task && r.Metric == metric))
            throw new ArgumentException($"result table already has a value for ({method}, {task}, {metric})", nameof(metric));
        _rows.Add(new ResultRow(method, task, metric, value));
        return this;
    }

    /// <summary>Shows <paramref name="metric"/> with <paramref name="places"/> (0 to 15) decimals (default: the table's).</summary>
    public ResultTable Decimals(string metric, int places)
    {
        ArgumentNullException.ThrowIfNull(metric);
        TableText.CheckDecimals("ResultTable.Decimals", nameof(places), places);
        _metricDecimals[metric] = places;
        return this;
    }

    /// <summary>The formatted value of a cell, or "–" when absent.</summary>
    public string Cell(string method, string task, string metric) =>
        _rows.FirstOrDefault(r => r.Method == method && r.Task == task && r.Metric == metric) is { } row
            ? TableText.Fixed(row.Value, _metricDecimals.GetValueOrDefault(metric, _decimals))
            : TableText.Missing;

    private IReadOnlyList<string> Methods => _rows.Select(r => r.Method).Distinct().ToList();
    private IReadOnlyList<(string Task, string Metric)> Columns => _rows.Select(r => (r.Task, r.Metric)).Distinct().ToList();

    public string ToHtml()
    {
        var sb = new StringBuilder(TableText.Style).Append("<table class=\"zsl-table\">");
        if (Caption is not null) sb.Append("<caption>").Append(TableText.Html(Caption)).Append("</caption>");
        var cols = Columns;
        sb.Append("<thead><tr><th rowspan=\"2\">Method</th>");
        foreach (var group in cols.GroupBy(c => c.Task))
            sb.Append(CultureInfo.InvariantCulture, $"<th colspan=\"{group.Count()}\">{TableText.Html(group.Key)}</th>");
        sb.Append("</tr><tr>");
        foreach (var group in cols.GroupBy(c => c.Task))
            foreach (var c in group) sb.Append("<th>").Append(TableText.Html(c.Metric)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var m in Methods)
        {
            sb.Append("<tr><th>").Append(TableText.Html(m)).Append("</th>");
            foreach (var group in cols.GroupBy(c => c.Task))
                foreach (var c in group) sb.Append("<td class=\"num\">").Append(TableText.Html(Cell(m, c.Task, c.Metric))).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    public string ToMarkdown()
    {
        var cols = Columns.GroupBy(c => c.Task).SelectMany(g => g).ToList();
        var sb = new StringBuilder("| Method |");
        foreach (var c in cols) sb.Append(' ').Append(TableText.Markdown($"{c.Task} {c.Metric}")).Append(" |");
        sb.Append("\n|---|").Append(string.Concat(cols.Select(_ => "---:|"))).Append('\n');
        foreach (var m in Methods)
        {
            sb.Append("| ").Append(TableText.Markdown(m)).Append(" |");
            foreach (var c in cols) sb.Append(' ').Append(Cell(m, c.Task, c.Metric)).Append(" |");
            sb.Append('\n');
        }
        if (Caption is not null) sb.Append('\n').Append(TableText.Markdown(Caption)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Long format, one row per value, full round-trip precision: <c>method,task,metric,value</c>.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("method,task,metric,value\n");
        foreach (var r in _rows)
            sb.Append(TableText.Csv(r.Method)).Append(',').Append(TableText.Csv(r.Task)).Append(',').Append(TableText.Csv(r.Metric))
              .Append(',').Append(r.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    public override string ToString() => ToMarkdown();
}
