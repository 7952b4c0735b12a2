using System.Text.Json;
using ZslKit.Data.Formats;
using ZslKit.Metrics;
using ZslKit.Testing;

namespace ZslKit.Tests.Metrics;

/// <summary>The committed fixtures of tests/fixtures/metrics (written by gen_metrics.py with sklearn 1.2 and numpy).</summary>
internal static class MetricFixtures
{
    public static JsonElement Expected { get; } =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("metrics", "expected.json"))).RootElement;

    public static string Path(string name) => RepoPaths.Fixture("metrics", name);

    public static Matrix<float> Floats(string name)
    {
        var a = Npy.Read(Path(name));
        return new Matrix<float>(a.ToFloat32(), (int)a.Shape[0], a.Shape.Length > 1 ? (int)a.Shape[1] : 1, name);
    }

    public static Matrix<sbyte> Labels(string name)
    {
        var a = Npy.Read(Path(name));
        return new Matrix<sbyte>(Array.ConvertAll(a.ToInt64(), v => (sbyte)v), (int)a.Shape[0], (int)a.Shape[1], name);
    }

    public static int[] Ints(string name) => Array.ConvertAll(Npy.Read(Path(name)).ToInt64(), v => (int)v);

    public static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];
}

/// <summary>Small builders for hand-written cases.</summary>
internal static class Ml
{
    /// <summary>A [rows.Length, rows[0].Length] matrix from row literals.</summary>
    public static Matrix<T> M<T>(params T[][] rows) =>
        new([.. rows.SelectMany(r => r)], rows.Length, rows.Length == 0 ? 0 : rows[0].Length, "test");

    public static MultiLabelReport Eval(Matrix<float> s, Matrix<sbyte> y, int[]? ks = null, MultiLabelProtocol? protocol = null, long budget = 512L << 20) =>
        MultiLabelEvaluator.Evaluate(s, y, new MultiLabelOptions(ks ?? [1], protocol ?? MultiLabelProtocol.Nus, MemoryBudgetBytes: budget));
}
