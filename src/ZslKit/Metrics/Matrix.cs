// A row-major matrix view over a plain array: the input type of every metric (no engine/Tensor dependency).
namespace ZslKit.Metrics;

/// <summary>A dense row-major [Rows, Cols] matrix over <see cref="Data"/>; element (i, j) is Data[i * Cols + j].</summary>
public readonly record struct Matrix<T>
{
    public Matrix(T[] data, int rows, int cols, string name = Matrix.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols < 0) throw new MetricInputException(name, $"negative shape [{rows}, {cols}]");
        if ((long)rows * cols != data.LongLength)
            throw new MetricInputException(name, $"shape [{rows}, {cols}] needs {(long)rows * cols} elements but the array has {data.LongLength}");
        Data = data;
        Rows = rows;
        Cols = cols;
        Name = name;
    }

    public T[] Data { get; }
    public int Rows { get; }
    public int Cols { get; }
    /// <summary>What the matrix is (a file path or argument name), used in error messages.</summary>
    public string Name { get; }

    public T this[int row, int col] => Data[(long)row * Cols + col];

    /// <summary>Row <paramref name="row"/> as a span of length Cols.</summary>
    public ReadOnlySpan<T> Row(int row) => Data.AsSpan(row * Cols, Cols);

    /// <summary>This matrix, or a copy called <paramref name="fallback"/> when it has the default name (errors then say
    /// "scores" or "labels" instead of "matrix"); a default(Matrix) without data is an <see cref="ArgumentNullException"/>.</summary>
    internal Matrix<T> NamedOr(string fallback)
    {
        if (Data is null) throw new ArgumentNullException(fallback, $"{fallback} is a default Matrix without data");
        return Name is null or Matrix.DefaultName ? new Matrix<T>(Data, Rows, Cols, fallback) : this;
    }

    public override string ToString() => $"{Name} [{Rows}, {Cols}]";
}

/// <summary>Builds <see cref="Matrix{T}"/> views.</summary>
public static class Matrix
{
    /// <summary>The name of a matrix created without one; the metrics report it as "scores" or "labels" instead.</summary>
    public const string DefaultName = "matrix";

    public static Matrix<T> Create<T>(T[] data, int rows, int cols, string name = DefaultName) => new(data, rows, cols, name);
}
