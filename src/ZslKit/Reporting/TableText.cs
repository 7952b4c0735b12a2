// Shared text helpers for result tables: invariant number formatting, HTML/Markdown/CSV escaping.
using System.Globalization;
using System.Net;

namespace ZslKit.Reporting;

internal static class TableText
{
    public const string Missing = "–";

    /// <summary>Most decimals a value can be shown with (Math.Round's limit).</summary>
    public const int MaxDecimals = 15;

    /// <summary><paramref name="value"/> when it is a number of decimals that can be shown (0 to 15).</summary>
    public static int CheckDecimals(string method, string what, int value) =>
        value is >= 0 and <= MaxDecimals ? value
            : throw new ArgumentOutOfRangeException(what, value, $"{method}: {what} must be between 0 and {MaxDecimals}");

    public static string Fixed(double value, int decimals) =>
        double.IsFinite(value)
            ? Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals, CultureInfo.InvariantCulture)
            : value.ToString(CultureInfo.InvariantCulture);

    public static string Signed(double value, int decimals)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        var text = Fixed(Math.Abs(rounded), decimals);
        return rounded > 0 ? "+" + text : rounded < 0 ? "-" + text : text;
    }

    public static string Html(string s) => WebUtility.HtmlEncode(s);

    public static string Markdown(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    public static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    public const string Style =
        "<style>table.zsl-table{border-collapse:collapse;font:13px sans-serif;margin:6px 0}" +
        "table.zsl-table th,table.zsl-table td{border:1px solid #bbb;padding:3px 8px}" +
        "table.zsl-table td.num{text-align:right;font-variant-numeric:tabular-nums}" +
        "table.zsl-table caption{caption-side:bottom;text-align:left;color:#555;padding-top:4px}" +
        "table.zsl-table.synthetic caption{color:#a33}</style>";
}
