// BatchPrefetcherTests.cs - BatchPrefetcher and HostBatch on their own: epoch slicing, in-order hand-over, a refused
// out-of-order request, disposal in the middle of an epoch (the worker stops and nothing is in flight afterwards),
// cancellation, host
// array shape checks, and HostBatch.ToDevice on the CPU and (GPU-tagged) through pinned memory to CUDA.
using ZslKit.Experiments.Training;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

public sealed class BatchPrefetcherTests
{
    private static HostBatch Echo(int[] indices) => new(indices, HostArray.Of((int[])indices.Clone(), indices.Length));

    [Fact]
    public void Slice_cuts_the_order_into_batches_with_a_shorter_last_one()
    {
        var batches = BatchPrefetcher.Slice([9, 8, 7, 6, 5, 4, 3], 3);
        Assert.Equal([[9, 8, 7], [6, 5, 4], [3]], batches);
        Assert.Empty(BatchPrefetcher.Slice([], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchPrefetcher.Slice([1], 0));
    }

    [Fact]
    public void Batches_are_handed_over_in_order_and_an_out_of_order_request_is_refused()
    {
        var batches = BatchPrefetcher.Slice(Enumerable.Range(0, 10).Reverse().ToArray(), 4);
        using var p = new BatchPrefetcher(Echo, batches, depth: 1, "epoch 1");
        Assert.Equal(batches[0], p.Next(0, batches[0]).Indices);
        var e = Assert.Throws<InvalidOperationException>(() => p.Next(2, batches[2]));
        Assert.Contains("batch 3 requested, but batch 2 is next", e.Message);
        Assert.Equal(batches[1], p.Next(1, batches[1]).Indices);
        var wrong = Assert.Throws<InvalidOperationException>(() => p.Next(2, [1, 2]));
        Assert.Contains("the trainer expected batch 3 with [1, 2]", wrong.Message);
    }

    [Fact]
    public void Disposing_in_the_middle_of_an_epoch_stops_the_worker_after_the_batch_it_is_making()
    {
        int made = 0, inFlight = 0, maxAhead = 0, taken = 0;
        HostBatch Slow(int[] indices)
        {
            Interlocked.Increment(ref inFlight);
            maxAhead = Math.Max(maxAhead, Volatile.Read(ref made) + 1 - Volatile.Read(ref taken));
            Thread.Sleep(30);
            Interlocked.Increment(ref made);
            Interlocked.Decrement(ref inFlight);
            return Echo(indices);
        }
        var batches = BatchPrefetcher.Slice(Enumerable.Range(0, 100).ToArray(), 5);
        var p = new BatchPrefetcher(Slow, batches, depth: 2, "epoch 1");
        Interlocked.Increment(ref taken);                        // before Next: Next frees the worker's next slot
        p.Next(0, batches[0]);
        p.Dispose();
        Assert.Equal(0, Volatile.Read(ref inFlight));
        int after = Volatile.Read(ref made);
        Thread.Sleep(100);
        Assert.Equal(after, Volatile.Read(ref made));
        Assert.InRange(after, 1, 1 + 2);
        Assert.InRange(maxAhead, 1, 2);
        Assert.Throws<ObjectDisposedException>(() => p.Next(1, batches[1]));
        p.Dispose();                                             // twice is fine
    }

    [Fact]
    public void Cancelling_a_prefetcher_stops_its_worker_and_a_waiting_take()
    {
        using var cts = new CancellationTokenSource();
        int made = 0;
        HostBatch Slow(int[] indices)
        {
            Thread.Sleep(50);
            Interlocked.Increment(ref made);
            return new HostBatch(indices);
        }
        var batches = BatchPrefetcher.Slice(Enumerable.Range(0, 40).ToArray(), 4);
        using var p = new BatchPrefetcher(Slow, batches, depth: 2, "epoch 1", cts.Token);
        p.Next(0, batches[0]);
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => p.Next(1, batches[1]));
        p.Dispose();
        int after = Volatile.Read(ref made);
        Thread.Sleep(120);
        Assert.Equal(after, Volatile.Read(ref made));
        Assert.InRange(after, 1, 3);
    }

    [Fact]
    public void A_prefetch_depth_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPrefetcher(Echo, [[1]], depth: 0, "epoch 1"));
    }

    [Fact]
    public void A_host_array_must_fill_its_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => HostArray.Of(new float[5], 2, 3));
        Assert.Contains("5 Single values do not fill shape [2, 3] (6 elements)", e.Message);
        Assert.Throws<ArgumentException>(() => HostArray.Of(new float[0], -1));
        Assert.Equal([2L, 3L], HostArray.Of(new sbyte[6], 2, 3).Shape);
    }

    [Fact]
    public void ToDevice_on_the_cpu_copies_the_array_into_a_tensor_of_its_shape()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var host = new HostBatch([0, 1], HostArray.Of(data, 2, 3), HostArray.Of(new sbyte[] { 1, -1 }, 2));
        using var scope = torch.NewDisposeScope();
        var x = host.ToDevice(0, torch.CPU);
        Assert.Equal([2L, 3L], x.shape);
        Assert.Equal(data, x.ToArray<float>());
        data[0] = 100;                                           // a copy: the tensor keeps the old value
        Assert.Equal(1f, x.ToArray<float>()[0]);
        Assert.Equal(ScalarType.Int8, host.ToDevice(1, torch.CPU).dtype);
        Assert.Throws<ArgumentOutOfRangeException>(() => host.ToDevice(2, torch.CPU));
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void ToDevice_on_cuda_goes_through_pinned_memory_and_gives_equal_values_after_synchronize()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        var data = Enumerable.Range(0, 1 << 18).Select(i => MathF.Cos(i * 0.01f)).ToArray();
        var host = new HostBatch([0], HostArray.Of(data, 1 << 9, 1 << 9));
        using var scope = torch.NewDisposeScope();
        var x = host.ToDevice(0, torch.CUDA);
        Assert.True(x.is_cuda);
        var doubled = x * 2;                                     // queued after the copy on the same stream
        torch.cuda.synchronize();
        Assert.Equal(data, x.cpu().ToArray<float>());
        Assert.Equal(data.Select(v => v * 2), doubled.cpu().ToArray<float>());
    }
}
