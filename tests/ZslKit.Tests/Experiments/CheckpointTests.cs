using ZslKit.Experiments.Checkpoints;
using ZslKit.Experiments.Training;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Tests.Experiments;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zslkit-ckpt-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_crash_during_an_atomic_write_leaves_the_old_file_and_no_partial_target()
    {
        var path = Path.Combine(_dir, "state.json");
        AtomicFile.WriteAllText(path, "old");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllText(temp, "new but half");
            throw new IOException("simulated crash");        // the process dies before the rename
        }));
        Assert.Equal("simulated crash", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    private static CheckpointState State(int epoch) =>
        new(Checkpoint.FormatVersion, "key", epoch, epoch * 10L, "123", new LrScheduleState(0.1, [1.0]),
            new Dictionary<string, double> { ["steps"] = epoch * 10 }, 0, 1.0, [], "", "");

    private static Dictionary<string, TensorData> Tensors(float v) =>
        new() { ["model/w"] = new TensorData(ScalarType.Float32, [2], [.. BitConverter.GetBytes(v), .. BitConverter.GetBytes(v)]) };

    [Fact]
    public void A_crash_while_saving_the_next_checkpoint_leaves_the_previous_one_loadable()
    {
        Checkpoint.Save(_dir, State(1), Tensors(1f));
        // Simulated crash after the tensors of epoch 2 were written but before its JSON state: only the file that names
        // the tensors (and their hash) makes a checkpoint, so epoch 1 stays the newest complete one.
        File.Copy(Path.Combine(_dir, "epoch-0001.safetensors"), Path.Combine(_dir, "epoch-0002.safetensors"));
        File.WriteAllText(Path.Combine(_dir, "epoch-0002.json" + AtomicFile.TempMarker + "dead"), "{\"formatVer");
        var c = Checkpoint.LoadLatest(_dir);
        Assert.NotNull(c);
        Assert.Equal(1, c.State.Epoch);
        Assert.Equal(BitConverter.GetBytes(1f), c.Section(Checkpoint.ModelPrefix)["w"].Data[..4]);
    }

    [Fact]
    public void A_checkpoint_whose_tensors_do_not_match_the_recorded_hash_is_skipped_with_a_reason()
    {
        Checkpoint.Save(_dir, State(1), Tensors(1f));
        Checkpoint.Save(_dir, State(2), Tensors(2f));
        var st = Path.Combine(_dir, "epoch-0002.safetensors");
        var bytes = File.ReadAllBytes(st);
        bytes[^1] ^= 0xFF;                                       // a torn or corrupted tensor file
        File.WriteAllBytes(st, bytes);
        Assert.Null(Checkpoint.TryLoad(_dir, 2, out var problem));
        Assert.Contains("SHA-256", problem);
        Assert.Contains("epoch-0002.safetensors", problem);
        Assert.Equal(1, Checkpoint.LoadLatest(_dir)!.State.Epoch);
    }

    [Fact]
    public void Only_the_newest_checkpoints_are_kept()
    {
        for (int e = 1; e <= 4; e++) Checkpoint.Save(_dir, State(e), Tensors(e), keep: 2);
        Assert.Equal([3, 4], Checkpoint.List(_dir));
        Assert.Equal(4, Directory.GetFiles(_dir).Length);
        var c = Checkpoint.LoadLatest(_dir)!;
        Assert.Equal(40L, c.State.Step);
        Assert.Equal(40.0, c.State.OptimizerScalars["steps"]);
    }
}
