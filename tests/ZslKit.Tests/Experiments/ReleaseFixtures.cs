// ReleaseFixtures.cs - reads the columns copied from an official code release's result files (tests/fixtures/<paper>/release/,
// '#' comment lines, one header line) and looks up rows of a loaded release table; shared by the LESA and (ML)2P release tests.
using System.Globalization;
using ZslKit.Experiments.Papers;
using ZslKit.Testing;

namespace ZslKit.Tests.Experiments;

internal static class ReleaseFixtures
{
    /// <summary>The data rows of tests/fixtures/<paramref name="paper"/>/release/<paramref name="file"/>, split on commas.</summary>
    public static string[][] Rows(string paper, string file) =>
        File.ReadLines(RepoPaths.Fixture(paper, "release", file))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Skip(1).Select(l => l.Split(',')).ToArray();

    /// <summary>One numeric column of <see cref="Rows"/>.</summary>
    public static double[] Column(string paper, string file, int column) =>
        Rows(paper, file).Select(r => double.Parse(r[column], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The single row of <paramref name="table"/> with this setting and metric.</summary>
    public static ReportedValue Row(PaperTable table, string setting, string metric) =>
        Assert.Single(table.Rows, r => r.Setting == setting && r.Metric == metric);
}
