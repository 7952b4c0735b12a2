// Helpers for label (class) semantic matrices stored row-major [labels, dim].
namespace ZslKit.Data.Datasets;

/// <summary>Operations on row-major semantic matrices (one row per label).</summary>
public static class LabelSemantics
{
    /// <summary>Returns a copy with every row scaled to unit L2 norm (all-zero rows stay zero).</summary>
    public static float[] L2NormalizeRows(ReadOnlySpan<float> matrix, int dim)
    {
        if (dim <= 0 || matrix.Length % dim != 0)
            throw new ArgumentException($"matrix of {matrix.Length} values is not a whole number of rows of {dim}", nameof(dim));
        var result = matrix.ToArray();
        for (var r = 0; r < result.Length / dim; r++)
        {
            var row = result.AsSpan(r * dim, dim);
            double sum = 0;
            foreach (var v in row) sum += (double)v * v;
            if (sum == 0) continue;
            var inv = (float)(1 / Math.Sqrt(sum));
            for (var j = 0; j < dim; j++) row[j] *= inv;
        }
        return result;
    }

    /// <summary>Rows <paramref name="rows"/> of a [*, dim] matrix, in the given order: [rows.Length, dim].</summary>
    public static float[] SelectRows(ReadOnlySpan<float> matrix, int dim, ReadOnlySpan<int> rows)
    {
        var count = matrix.Length / dim;
        var result = new float[rows.Length * dim];
        for (var i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)count) throw new ArgumentOutOfRangeException(nameof(rows), $"row {rows[i]} outside 0..{count - 1}");
            matrix.Slice(rows[i] * dim, dim).CopyTo(result.AsSpan(i * dim, dim));
        }
        return result;
    }
}
