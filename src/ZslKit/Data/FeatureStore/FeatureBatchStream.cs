// Shuffled, prefetched batches from a feature store: a background task fills pooled batch buffers in a seeded
// permutation order and hands them over through a bounded channel (at most `prefetch` batches wait in memory).
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ZslKit.Data.FeatureStore;

/// <summary>One batch: features [Count, ItemElements] and labels [Count, LabelCount], row-major. Dispose returns the buffers.</summary>
public sealed class FeatureBatch : IDisposable
{
    private readonly ConcurrentBag<FeatureBatch>? _pool;

    internal FeatureBatch(int capacity, int itemElements, int labelCount, ConcurrentBag<FeatureBatch>? pool)
    {
        Features = new float[(long)capacity * itemElements];
        Labels = new sbyte[capacity * labelCount];
        Items = new long[capacity];
        _pool = pool;
    }

    /// <summary>Items in this batch (the last batch may be short).</summary>
    public int Count { get; internal set; }
    /// <summary>Feature buffer; only the first Count * ItemElements values belong to this batch.</summary>
    public float[] Features { get; }
    public sbyte[] Labels { get; }
    /// <summary>Store item indices of the batch rows.</summary>
    public long[] Items { get; }

    /// <summary>Returns the buffers to the stream's pool; the batch must not be used afterwards.</summary>
    public void Dispose() => _pool?.Add(this);
}

/// <summary>Enumerates the batches of one epoch; each enumeration reshuffles with the same seed (so epochs repeat).</summary>
/// <remarks>Use <see cref="Epoch"/> to get a different, still reproducible, order per epoch.</remarks>
public sealed class FeatureBatchStream : IEnumerable<FeatureBatch>
{
    private readonly FeatureStore _store;
    private readonly int _batchSize, _prefetch;
    private readonly int? _seed;
    private readonly bool _dropLast;
    private readonly ConcurrentBag<FeatureBatch> _pool = [];

    internal FeatureBatchStream(FeatureStore store, int batchSize, int? seed, bool dropLast, int prefetch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        _store = store; _batchSize = batchSize; _seed = seed; _dropLast = dropLast; _prefetch = prefetch;
    }

    /// <summary>Number of batches per epoch.</summary>
    public long BatchCount => _dropLast ? _store.Count / _batchSize : (_store.Count + _batchSize - 1) / _batchSize;

    /// <summary>The item order of epoch <paramref name="epoch"/>: a Fisher-Yates permutation seeded with (seed, epoch).</summary>
    public long[] Order(int epoch = 0)
    {
        var order = new long[_store.Count];
        for (long i = 0; i < order.Length; i++) order[i] = i;
        if (_seed is { } s)
        {
            var rng = new Random(unchecked(s * 1_000_003 + epoch));   // seeded System.Random is stable across runs and platforms
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = rng.NextInt64(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return order;
    }

    /// <summary>Batches of epoch <paramref name="epoch"/>.</summary>
    /// <remarks>Dispose the store only after the enumeration ends: the producer's next read then raises
    /// <see cref="ObjectDisposedException"/>, which ends the enumeration.</remarks>
    public IEnumerable<FeatureBatch> Epoch(int epoch, CancellationToken cancel = default)
    {
        _store.ThrowIfDisposed("FeatureBatchStream.Epoch");
        return Batches(epoch, cancel);
    }

    private IEnumerable<FeatureBatch> Batches(int epoch, CancellationToken cancel)
    {
        var order = Order(epoch);
        var channel = Channel.CreateBounded<FeatureBatch>(new BoundedChannelOptions(_prefetch) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (long start = 0; start < order.Length; start += _batchSize)
                {
                    var n = (int)Math.Min(_batchSize, order.Length - start);
                    if (n < _batchSize && _dropLast) break;
                    if (!_pool.TryTake(out var batch)) batch = new FeatureBatch(_batchSize, _store.ItemElements, _store.LabelCount, _pool);
                    batch.Count = n;
                    Array.Copy(order, start, batch.Items, 0, n);
                    _store.ReadBatch(batch.Items.AsSpan(0, n), batch.Features, batch.Labels);
                    await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                }
                channel.Writer.Complete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        }, stop.Token);
        try
        {
            while (true)
            {
                FeatureBatch batch;
                try
                {
                    if (!channel.Reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult()) break;
                    if (!channel.Reader.TryRead(out batch!)) continue;
                }
                catch (ChannelClosedException e) when (e.InnerException is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                    throw;
                }
                yield return batch;
            }
        }
        finally
        {
            stop.Cancel();   // an abandoned enumeration stops the producer
            try { producer.Wait(); } catch (AggregateException) { }
        }
    }

    public IEnumerator<FeatureBatch> GetEnumerator() => Epoch(0).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
