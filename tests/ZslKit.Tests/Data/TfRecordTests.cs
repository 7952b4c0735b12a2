// Tests of CRC-32C, TFRecord framing and tf.train.Example decoding against fixtures made by
// tests/fixtures/data/gen_tfrecord.py (hand-rolled framing and protobuf encoding in Python).
using System.Text;
using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.Formats;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class TfRecordTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("data", "tfrecord", "tfrecord_reference.json"))).RootElement;

    private static T[] Ref<T>(string key) => Reference.GetProperty(key).Deserialize<T[]>()!;

    [Fact]
    public void Crc32c_matches_the_python_reference_on_hardware_and_table_paths()
    {
        var check = Reference.GetProperty("crc32c");
        Assert.Equal(check.GetProperty("123456789").GetUInt32(), Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.ComputeSoftware("123456789"u8));
        var record0 = TfRecordReader.ReadFile(RepoPaths.Fixture("data", "tfrecord", "records.tfrecord"))[0];
        Assert.Equal(check.GetProperty("record0").GetUInt32(), Crc32C.Compute(record0));
        var random = new byte[1000];
        new Random(5).NextBytes(random);
        for (var n = 0; n < random.Length; n += 37)
            Assert.Equal(Crc32C.ComputeSoftware(random.AsSpan(0, n)), Crc32C.Compute(random.AsSpan(0, n)));
        // Continuing a CRC over two pieces equals the CRC of the whole.
        Assert.Equal(Crc32C.Compute(random), Crc32C.Compute(random.AsSpan(500), Crc32C.Compute(random.AsSpan(0, 500))));
    }

    [Theory]
    [InlineData("records.tfrecord", TfRecordCompression.None)]
    [InlineData("records.tfrecord.zlib", TfRecordCompression.Zlib)]
    public void Lesa_style_records_decode_to_the_reference_values(string file, TfRecordCompression compression)
    {
        var records = TfRecordReader.ReadFile(RepoPaths.Fixture("data", "tfrecord", file), compression);
        Assert.Equal(Ref<int>("record_lengths"), records.Select(r => r.Length));

        var nus = TfExample.Parse(records[0], "r0");
        Assert.Equal(Ref<float>("feature"), nus.RawFloat32("feature", 4 * 8));
        Assert.Equal(Ref<long>("label_1k"), nus.Int64s("label_1k"));     // packed varints
        Assert.Equal(Ref<long>("label_81"), nus.Int64s("label_81"));     // unpacked varints incl. -1

        var oi = TfExample.Parse(records[1], "r1");
        Assert.Equal(Ref<float>("oi_feature"), oi.RawFloat32("feature", 6));
        Assert.Equal(Ref<long>("oi_label"), oi.Labels("label"));          // raw int32 bytes
        Assert.Equal(Ref<float>("score"), oi.Floats("score"));            // unpacked fixed32
        Assert.Equal("000002b66c9c498e.jpg", Encoding.ASCII.GetString(oi.Bytes("img_id")[0]));

        Assert.Empty(TfExample.Parse(records[2]).Features);
    }

    [Fact]
    public void Writer_and_example_encoder_round_trip_through_the_reader()
    {
        var example = new TfExample();
        example.Features["feature"] = TfFeature.OfBytes(new byte[] { 1, 2, 3, 4 });
        example.Features["label_81"] = TfFeature.OfInt64s(-1, 1, 0, long.MinValue, long.MaxValue);
        example.Features["score"] = TfFeature.OfFloats(0.5f, float.NaN, -0f);
        foreach (var compression in new[] { TfRecordCompression.None, TfRecordCompression.Zlib, TfRecordCompression.Gzip })
        {
            var ms = new MemoryStream();
            using (var w = new TfRecordWriter(new NonClosing(ms), compression))
                for (var i = 0; i < 3; i++) w.Write(example.ToByteArray());
            ms.Position = 0;
            using var r = new TfRecordReader(ms, "mem", compression);
            var back = r.ReadAll().Select(b => TfExample.Parse(b)).ToList();
            Assert.Equal(3, back.Count);
            Assert.Equal(new long[] { -1, 1, 0, long.MinValue, long.MaxValue }, back[2].Int64s("label_81"));
            Assert.Equal(new[] { 0.5f, float.NaN, -0f }, back[2].Floats("score"));
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, back[2].Bytes("feature")[0]);
        }
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    private static byte[] Raw() => File.ReadAllBytes(RepoPaths.Fixture("data", "tfrecord", "records.tfrecord"));

    private static DataFormatException ReadBad(byte[] bytes, TfRecordCompression c = TfRecordCompression.None) =>
        Assert.Throws<DataFormatException>(() =>
        {
            using var r = new TfRecordReader(new MemoryStream(bytes), "bad.tfrecord", c);
            foreach (var rec in r.ReadAll()) TfExample.Parse(rec);
        });

    [Fact]
    public void A_corrupted_data_byte_fails_the_data_crc_with_record_and_offset()
    {
        var bytes = Raw();
        var second = 12 + Ref<int>("record_lengths")[0] + 4;
        bytes[second + 12 + 5] ^= 1;
        var e = ReadBad(bytes);
        Assert.Equal(second, e.Offset);
        Assert.Contains("record 1", e.Message);
        Assert.Contains("data CRC", e.Message);
    }

    [Fact]
    public void A_corrupted_length_fails_the_length_crc()
    {
        var bytes = Raw();
        bytes[7] = 0x7F;   // absurd length
        var e = ReadBad(bytes);
        Assert.Equal(0, e.Offset);
        Assert.Contains("length CRC", e.Message);
    }

    [Fact]
    public void Oversized_lengths_are_refused_before_allocating_even_without_checksums()
    {
        var bytes = Raw();
        BitConverter.GetBytes(1L << 40).CopyTo(bytes, 0);
        var e = Assert.Throws<DataFormatException>(() =>
            new TfRecordReader(new MemoryStream(bytes), "big.tfrecord", verifyChecksums: false).Read());
        Assert.Contains("exceeds", e.Message);
        BitConverter.GetBytes(1L << 20).CopyTo(bytes, 0);
        e = Assert.Throws<DataFormatException>(() =>
            new TfRecordReader(new MemoryStream(bytes), "big.tfrecord", verifyChecksums: false).Read());
        Assert.Contains("past the end of the file", e.Message);
    }

    [Fact]
    public void Every_truncation_raises_or_ends_at_a_record_boundary()
    {
        var bytes = Raw();
        var lengths = Ref<int>("record_lengths");
        var boundaries = new HashSet<int> { 0 };
        var at = 0;
        foreach (var l in lengths) boundaries.Add(at += l + 16);
        for (var n = 0; n < bytes.Length; n++)
        {
            if (boundaries.Contains(n)) Assert.Equal(RecordsBefore(n), ReadCount(bytes[..n]));
            else ReadBad(bytes[..n]);
        }

        int RecordsBefore(int n) => boundaries.Count(b => b > 0 && b <= n);
        static int ReadCount(byte[] b)
        {
            using var r = new TfRecordReader(new MemoryStream(b), "cut");
            return r.ReadAll().Count();
        }
    }

    [Fact]
    public void Corrupt_compressed_files_and_malformed_examples_raise_format_errors()
    {
        var z = File.ReadAllBytes(RepoPaths.Fixture("data", "tfrecord", "records.tfrecord.zlib"));
        for (var i = 2; i < 40; i++) z[i] ^= 0x33;
        ReadBad(z, TfRecordCompression.Zlib);
        var e = Assert.Throws<DataFormatException>(() => TfExample.Parse([0x0A, 0x10, 0x0A], "r9"));
        Assert.Contains("r9", e.Message);
        var ok = TfExample.Parse(TfRecordReader.ReadFile(RepoPaths.Fixture("data", "tfrecord", "records.tfrecord"))[0], "r0");
        Assert.Contains("is a Int64 list", Assert.Throws<DataFormatException>(() => ok.Floats("label_1k")).Message);
        Assert.Contains("expected 33 float32", Assert.Throws<DataFormatException>(() => ok.RawFloat32("feature", 33)).Message);
        Assert.Contains("no feature 'x'", Assert.Throws<DataFormatException>(() => ok.Int64s("x")).Message);
    }
}
