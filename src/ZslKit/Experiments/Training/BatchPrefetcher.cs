// BatchPrefetcher.cs - one epoch's background batch preparation for the Trainer: a worker thread makes the host side of
// batch b+1, b+2, ... (IPrefetchableTask.MakeHostBatch) while the training thread runs step b, at most `depth` batches
// ahead of the batch in use, and hands them over strictly in epoch order. A worker failure surfaces on the training
// thread as a BatchPrefetchException naming the batch and its indices; disposing cancels the worker and waits for it.
// Host batches hold no tensors, so an abandoned prefetcher leaves nothing for the live-tensor counter.
using System.Collections.Concurrent;

namespace ZslKit.Experiments.Training;

/// <summary>Making a batch's host side failed on the prefetch worker.</summary>
public sealed class BatchPrefetchException(string message, int batch, int[] indices, Exception inner) : Exception(message, inner)
{
    /// <summary>The batch's position in its epoch (0-based).</summary>
    public int Batch { get; } = batch;

    /// <summary>The training examples of the batch.</summary>
    public IReadOnlyList<int> Indices { get; } = indices;
}

/// <summary>Prepares the host side of one epoch's batches on a worker thread, in order, at most <c>depth</c> ahead.</summary>
public sealed class BatchPrefetcher : IDisposable
{
    private sealed record Item(int Batch, HostBatch? Host, Exception? Error);

    private readonly int[][] _batches;
    private readonly string _context;
    private readonly BlockingCollection<Item> _ready = new(new ConcurrentQueue<Item>());
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _cancel;
    private readonly Task _worker;
    private int _next;
    private bool _disposed;

    /// <param name="makeHost">The host part (called on the worker thread, one call at a time, in batch order).</param>
    /// <param name="batches">The epoch's batches of training indices, in step order.</param>
    /// <param name="depth">How many batches the worker may have made (or be making) beyond the one the trainer uses (≥ 1).</param>
    /// <param name="context">Where the batches belong, for messages ("epoch 3").</param>
    public BatchPrefetcher(Func<int[], HostBatch> makeHost, IReadOnlyList<int[]> batches, int depth, string context,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(makeHost);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _batches = [.. batches];
        _context = context ?? "";
        _slots = new SemaphoreSlim(depth, depth);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _worker = Task.Factory.StartNew(() => Work(makeHost), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The epoch's batches cut from the shuffled order: [0, size), [size, 2·size), ..., the last one shorter.</summary>
    public static int[][] Slice(int[] order, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int n = (order.Length + batchSize - 1) / batchSize;
        var batches = new int[n][];
        for (int b = 0; b < n; b++) batches[b] = order[(b * batchSize)..Math.Min(order.Length, (b + 1) * batchSize)];
        return batches;
    }

    /// <summary>The host side of batch <paramref name="batch"/>, which must be the next one and hold <paramref name="indices"/>;
    /// waits for the worker when it is not ready yet.</summary>
    public HostBatch Next(int batch, int[] indices)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(indices);
        if (batch != _next) throw new InvalidOperationException($"prefetch ({_context}): batch {batch + 1} requested, but batch {_next + 1} is next; batches are handed over in order");
        Item item;
        try { item = _ready.Take(_cancel.Token); }
        catch (InvalidOperationException) when (_ready.IsCompleted)
        {
            throw new InvalidOperationException($"prefetch ({_context}): the worker ended before batch {batch + 1} of {_batches.Length}");
        }
        _slots.Release();
        _next++;
        if (item.Error is { } e)
            throw new BatchPrefetchException($"prefetch ({_context}): making batch {item.Batch + 1} of {_batches.Length} " +
                $"(indices {Describe(_batches[item.Batch])}) failed: {e.Message}", item.Batch, _batches[item.Batch], e);
        if (item.Batch != batch || !item.Host!.Indices.AsSpan().SequenceEqual(indices))
            throw new InvalidOperationException($"prefetch ({_context}): the worker's batch {item.Batch + 1} holds indices " +
                $"{Describe(item.Host?.Indices ?? [])}, the trainer expected batch {batch + 1} with {Describe(indices)}");
        return item.Host;
    }

    private void Work(Func<int[], HostBatch> makeHost)
    {
        var token = _cancel.Token;
        try
        {
            for (int b = 0; b < _batches.Length; b++)
            {
                _slots.Wait(token);
                HostBatch host;
                try
                {
                    host = makeHost(_batches[b]) ?? throw new InvalidOperationException("the task returned no host batch");
                }
                catch (Exception e)
                {
                    _ready.Add(new Item(b, null, e));
                    return;
                }
                _ready.Add(new Item(b, host, null));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { /* disposed or training cancelled */ }
        finally { _ready.CompleteAdding(); }
    }

    /// <summary>"[3, 17, 5]" (the first 16 indices, then the count).</summary>
    private static string Describe(int[] indices) => indices.Length <= 16
        ? $"[{string.Join(", ", indices)}]"
        : $"[{string.Join(", ", indices.Take(16))}, ... ({indices.Length} in all)]";

    /// <summary>Cancels the worker and waits until it has stopped (it finishes the host batch it is making, if any).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cancel.Cancel();
        _worker.Wait();          // Work catches everything it raises
        _cancel.Dispose();
        _slots.Dispose();
        _ready.Dispose();
    }
}
