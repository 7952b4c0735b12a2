// CUDAGraph.cs - torch.cuda.CUDAGraph and torch.cuda.graph(g): record the kernels of a piece of work once and launch them
// again as one graph. For launch-bound steps (many small kernels, e.g. a LESA training step on a fast GPU) a replay costs
// one launch instead of hundreds. As in PyTorch: capture runs on the graph's own side stream; warm the work up on that
// stream first (side_stream()); memory allocated during capture belongs to the graph, and every replay reads and writes
// the same tensors the captured work did (copy new inputs into them; read outputs from the tensors the capture returned).
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

public static partial class torch
{
    public static partial class cuda
    {
        /// <summary>Whether CUDA graphs can be used: a GPU is present and the shim was built with them.</summary>
        public static bool graphs_available() => NativeMethods.zsl_cuda_graphs_available() != 0;

        /// <summary>Captures the work of the using block into <paramref name="g"/> (torch.cuda.graph): the block runs on the
        /// graph's side stream and its kernels are recorded, not executed.</summary>
        public static IDisposable graph(CUDAGraph g)
        {
            ArgumentNullException.ThrowIfNull(g);
            var stream = g.side_stream();
            try
            {
                g.capture_begin();
            }
            catch
            {
                stream.Dispose();
                throw;
            }
            return new CaptureScope(g, stream);
        }

        private sealed class CaptureScope(CUDAGraph graph, IDisposable stream) : IDisposable
        {
            private bool _done;

            public void Dispose()
            {
                if (_done) return;
                _done = true;
                try { graph.capture_end(); }
                finally { stream.Dispose(); }
            }
        }

        /// <summary>A CUDA graph of one device (torch.cuda.CUDAGraph).</summary>
        public sealed class CUDAGraph : IDisposable
        {
            private IntPtr _handle;
            private bool _onStream;

            /// <summary>A new, empty graph on cuda:<paramref name="device"/> (-1: the current device).</summary>
            public CUDAGraph(int device = -1)
            {
                EnsureAvailable(device < 0 ? CUDA : new Device(DeviceType.CUDA, device));
                _handle = NativeMethods.zsl_cuda_graph_new(device);
                if (_handle == IntPtr.Zero) throw new TorchException(NativeMethods.LastError());
            }

            /// <summary>Whether <see cref="capture_end"/> has completed (the graph can be replayed).</summary>
            public bool IsCaptured { get; private set; }

            /// <summary>Runs the using block on the graph's side stream (warm-up before capture); on exit the previous
            /// stream waits for the block's work.</summary>
            public IDisposable side_stream()
            {
                NativeMethods.Check(NativeMethods.zsl_cuda_graph_stream_enter(Handle));
                _onStream = true;
                return new StreamScope(this);
            }

            /// <summary>Starts recording (inside <see cref="side_stream"/>); prefer <see cref="torch.cuda.graph"/>.</summary>
            public void capture_begin() => NativeMethods.Check(NativeMethods.zsl_cuda_graph_capture_begin(Handle));

            /// <summary>Ends recording; the graph can then be replayed.</summary>
            public void capture_end()
            {
                NativeMethods.Check(NativeMethods.zsl_cuda_graph_capture_end(Handle));
                IsCaptured = true;
            }

            /// <summary>Launches the captured kernels on the current stream.</summary>
            public void replay() => NativeMethods.Check(NativeMethods.zsl_cuda_graph_replay(Handle));

            private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(CUDAGraph));

            private void ExitStream()
            {
                if (!_onStream) return;
                _onStream = false;
                NativeMethods.Check(NativeMethods.zsl_cuda_graph_stream_exit(Handle));
            }

            public void Dispose()
            {
                if (_handle == IntPtr.Zero) return;
                NativeMethods.zsl_cuda_graph_free(_handle);
                _handle = IntPtr.Zero;
                _onStream = false;
            }

            private sealed class StreamScope(CUDAGraph graph) : IDisposable
            {
                public void Dispose() => graph.ExitStream();
            }
        }
    }
}
