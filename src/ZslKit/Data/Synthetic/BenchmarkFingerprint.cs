// Provenance hash of a synthetic benchmark: SHA-256 over a version tag, the configuration's text and the semantic inputs.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ZslKit.Data.Synthetic;

/// <summary>Accumulates the inputs that determine a synthetic benchmark and yields a lowercase hex SHA-256.</summary>
internal sealed class BenchmarkFingerprint : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public BenchmarkFingerprint Add(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Add(bytes.Length);
        _hash.AppendData(bytes);
        return this;
    }

    /// <summary>Adds a configuration record's text, formatted with the invariant culture (numbers print the same everywhere).</summary>
    public BenchmarkFingerprint AddRecord(object record)
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            return Add(record.ToString() ?? "");
        }
        finally { CultureInfo.CurrentCulture = culture; }
    }

    public BenchmarkFingerprint Add(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BitConverter.TryWriteBytes(b, value);
        _hash.AppendData(b);
        return this;
    }

    public BenchmarkFingerprint Add(ReadOnlySpan<float> values)
    {
        Add(values.Length);
        _hash.AppendData(MemoryMarshal.AsBytes(values));
        return this;
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
