// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as used by TFRecord framing, with TensorFlow's mask.
// Uses the SSE4.2 / ARMv8 CRC32C instructions when present, otherwise a slicing-by-8 table.
using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ZslKit.Data.Formats;

/// <summary>CRC-32C checksums and the TFRecord masked form.</summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;   // reflected Castagnoli polynomial
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        // Table[k * 256 + b]: CRC of byte b followed by k zero bytes (slicing-by-8).
        var t = new uint[8 * 256];
        for (uint b = 0; b < 256; b++)
        {
            var c = b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[b] = c;
        }
        for (var b = 0; b < 256; b++)
            for (var k = 1; k < 8; k++)
                t[k * 256 + b] = (t[(k - 1) * 256 + b] >> 8) ^ t[t[(k - 1) * 256 + b] & 0xFF];
        return t;
    }

    /// <summary>CRC-32C of <paramref name="data"/> (continuing from a previous <paramref name="crc"/> when given).</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint crc = 0) => ~Update(~crc, data, allowHardware: true);

    /// <summary>The table-driven computation only (to test it against the hardware path).</summary>
    internal static uint ComputeSoftware(ReadOnlySpan<byte> data) => ~Update(~0u, data, allowHardware: false);

    /// <summary>TensorFlow's masked CRC: rotate right by 15 bits and add 0xa282ead8.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8;

    /// <summary>Masked CRC-32C of <paramref name="data"/>, as stored in TFRecord files.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    private static uint Update(uint crc, ReadOnlySpan<byte> data, bool allowHardware)
    {
        if (allowHardware && Sse42.X64.IsSupported)
        {
            ulong c = crc;
            while (data.Length >= 8) { c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data)); data = data[8..]; }
            crc = (uint)c;
            foreach (var b in data) crc = Sse42.Crc32(crc, b);
            return crc;
        }
        if (allowHardware && Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8) { crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data)); data = data[8..]; }
            foreach (var b in data) crc = Crc32.ComputeCrc32C(crc, b);
            return crc;
        }
        var t = Table;
        while (data.Length >= 8)
        {
            var lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^ t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)]
                ^ t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^ t[256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
            data = data[8..];
        }
        foreach (var b in data) crc = (crc >> 8) ^ t[(crc ^ b) & 0xFF];
        return crc;
    }
}
