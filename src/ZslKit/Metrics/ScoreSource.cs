// Row-block access to a [N, L] score matrix and its label matrix, from memory or from .npy files (streamed, never loaded
// whole), so one evaluator serves both the in-memory API and the 125,436 x 7,586 Open Images test set.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using ZslKit.Data;
using ZslKit.Data.Formats;

namespace ZslKit.Metrics;

/// <summary>A [Rows, Cols] pair of scores (float32) and labels (int8 in {-1, 0, 1}) read in blocks of whole rows.</summary>
public interface IMultiLabelSource : IDisposable
{
    int Rows { get; }
    int Cols { get; }
    /// <summary>Copies score rows [start, start + dest.Length / Cols) into <paramref name="dest"/>; checks they are finite.</summary>
    void ReadScores(int start, Span<float> dest);
    /// <summary>Copies label rows [start, start + dest.Length / Cols) into <paramref name="dest"/>; checks they are in {-1, 0, 1}.</summary>
    void ReadLabels(int start, Span<sbyte> dest);
}

/// <summary>Validation shared by every source: finite scores, labels in {-1, 0, 1}, errors naming the element.</summary>
internal static class SourceChecks
{
    public static void Scores(ReadOnlySpan<float> block, int startRow, int cols, Func<long, string> where)
    {
        for (int i = 0; i < block.Length; i++)
            if (!float.IsFinite(block[i]))
                throw new MetricInputException(where((long)startRow * cols + i),
                    $"score {block[i]} at row {startRow + i / cols}, column {i % cols} is not finite");
    }

    public static void Labels(ReadOnlySpan<sbyte> block, int startRow, int cols, Func<long, string> where)
    {
        for (int i = 0; i < block.Length; i++)
            if (block[i] is < -1 or > 1)
                throw new MetricInputException(where((long)startRow * cols + i),
                    $"label {block[i]} at row {startRow + i / cols}, column {i % cols} is not one of -1, 0, 1");
    }
}

/// <summary>Scores and labels already in memory.</summary>
public sealed class ArrayMultiLabelSource : IMultiLabelSource
{
    private readonly Matrix<float> _scores;
    private readonly Matrix<sbyte> _labels;

    /// <param name="scores">Scores [N, L]; unnamed (<see cref="Matrix.DefaultName"/>) it is called "scores" in errors.</param>
    /// <param name="labels">Labels [N, L]; unnamed it is called "labels" in errors.</param>
    public ArrayMultiLabelSource(Matrix<float> scores, Matrix<sbyte> labels)
    {
        scores = scores.NamedOr("scores");
        labels = labels.NamedOr("labels");
        if (scores.Rows != labels.Rows || scores.Cols != labels.Cols)
            throw new MetricInputException(labels.Name, $"shape [{labels.Rows}, {labels.Cols}] does not match {scores.Name} shape [{scores.Rows}, {scores.Cols}]");
        _scores = scores;
        _labels = labels;
    }

    public int Rows => _scores.Rows;
    public int Cols => _scores.Cols;

    public void ReadScores(int start, Span<float> dest)
    {
        var src = _scores.Data.AsSpan(start * Cols, dest.Length);
        SourceChecks.Scores(src, start, Cols, _ => _scores.Name);
        src.CopyTo(dest);
    }

    public void ReadLabels(int start, Span<sbyte> dest)
    {
        var src = _labels.Data.AsSpan(start * Cols, dest.Length);
        SourceChecks.Labels(src, start, Cols, _ => _labels.Name);
        src.CopyTo(dest);
    }

    public void Dispose() { }
}

/// <summary>
/// Scores and labels in two .npy files of shape [N, L]. float32 scores and int8 labels are read straight from the file
/// into the destination (little-endian); other dtypes go through <see cref="NpyMappedFile.ReadRows"/> and are converted.
/// Errors name the file and the byte offset of the bad element.
/// </summary>
public sealed class NpyMultiLabelSource : IMultiLabelSource
{
    private readonly string _scoresPath, _labelsPath;
    private readonly NpyHeader _sh, _lh;
    private readonly SafeFileHandle? _scoresFile, _labelsFile;
    private readonly NpyMappedFile? _scoresMapped, _labelsMapped;
    private float[] _labelBuffer = [];

    public NpyMultiLabelSource(string scoresPath, string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(scoresPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        _scoresPath = scoresPath;
        _labelsPath = labelsPath;
        _sh = ReadHeader(scoresPath, nameof(scoresPath));
        _lh = ReadHeader(labelsPath, nameof(labelsPath));
        if (_sh.Shape.Length != 2) throw new MetricInputException(scoresPath, $"scores must be 2-D [images, labels], got shape ({string.Join(", ", _sh.Shape)})");
        if (!_sh.Shape.SequenceEqual(_lh.Shape))
            throw new MetricInputException(labelsPath, $"shape ({string.Join(", ", _lh.Shape)}) does not match scores shape ({string.Join(", ", _sh.Shape)}) of {scoresPath}");
        if (_sh.Shape[0] > int.MaxValue || _sh.Shape[1] > int.MaxValue) throw new MetricInputException(scoresPath, "more than 2^31 rows or columns");
        Rows = (int)_sh.Shape[0];
        Cols = (int)_sh.Shape[1];
        if (_sh.DType == NpyDType.Float32 && !_sh.BigEndian) _scoresFile = File.OpenHandle(scoresPath);
        else _scoresMapped = Npy.OpenMapped(scoresPath);
        if (_lh.DType is NpyDType.Int8 or NpyDType.UInt8 or NpyDType.Bool) _labelsFile = File.OpenHandle(labelsPath);
        else _labelsMapped = Npy.OpenMapped(labelsPath);
    }

    internal static NpyHeader ReadHeader(string path, string argument)
    {
        if (Directory.Exists(path)) throw new MetricInputException(argument, $"{path} is a folder, not a .npy file");
        if (!File.Exists(path)) throw new MetricInputException(argument, $"file not found: {path}");
        try { return Npy.ReadHeader(path); }
        catch (DataFormatException e) { throw MetricInputException.From(e); }
    }

    public int Rows { get; }
    public int Cols { get; }

    private string ScoreAt(long element) => $"{_scoresPath} (byte {_sh.DataOffset + element * _sh.ElementSize})";
    private string LabelAt(long element) => $"{_labelsPath} (byte {_lh.DataOffset + element * _lh.ElementSize})";

    public void ReadScores(int start, Span<float> dest)
    {
        if (_scoresFile is not null) ReadExactly(_scoresFile, MemoryMarshal.AsBytes(dest), _sh.DataOffset + (long)start * Cols * 4, _scoresPath);
        else _scoresMapped!.ReadRows(start, dest);
        SourceChecks.Scores(dest, start, Cols, ScoreAt);
    }

    public void ReadLabels(int start, Span<sbyte> dest)
    {
        if (_labelsFile is not null)
        {
            ReadExactly(_labelsFile, MemoryMarshal.AsBytes(dest), _lh.DataOffset + (long)start * Cols, _labelsPath);
            if (_lh.DType == NpyDType.UInt8) // 255 would read as -1: reject values above 1 first
                for (int i = 0; i < dest.Length; i++)
                    if ((byte)dest[i] > 1)
                        throw new MetricInputException(LabelAt((long)start * Cols + i), $"label {(byte)dest[i]} at row {start + i / Cols}, column {i % Cols} is not one of -1, 0, 1 (uint8 file)");
        }
        else
        {
            if (_labelBuffer.Length < dest.Length) _labelBuffer = new float[dest.Length];
            var f = _labelBuffer.AsSpan(0, dest.Length);
            _labelsMapped!.ReadRows(start, f);
            for (int i = 0; i < f.Length; i++)
            {
                float v = f[i];
                if (v != -1 && v != 0 && v != 1)
                    throw new MetricInputException(LabelAt((long)start * Cols + i), $"label {v} at row {start + i / Cols}, column {i % Cols} is not one of -1, 0, 1");
                dest[i] = (sbyte)v;
            }
        }
        SourceChecks.Labels(dest, start, Cols, LabelAt);
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> dest, long offset, string path)
    {
        int done = 0;
        while (done < dest.Length)
        {
            int n = RandomAccess.Read(file, dest[done..], offset + done);
            if (n == 0) throw new MetricInputException(path, $"truncated at byte {offset + done}");
            done += n;
        }
    }

    public void Dispose()
    {
        _scoresFile?.Dispose();
        _labelsFile?.Dispose();
        _scoresMapped?.Dispose();
        _labelsMapped?.Dispose();
    }
}
