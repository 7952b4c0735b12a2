// Elementary functions built from IEEE-754 +, -, *, / and sqrt only (correctly rounded everywhere), so the synthetic
// benchmarks do not depend on the platform's libm: natural log, sin/cos of a fraction of a turn, and a smooth squashing
// non-linearity. Accuracy is about 1e-15 relative, far below the float32 the benchmarks emit.
namespace ZslKit.Data.Synthetic;

/// <summary>Platform-independent elementary functions used by the synthetic generators.</summary>
public static class DeterministicMath
{
    private const double Ln2 = 0.6931471805599453;
    private const double Sqrt2 = 1.4142135623730951;
    private const double Ln2Hi = 0.693147180369123816490; // ln2 split so that n·Ln2Hi is exact for |n| < 2^20
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double HalfPi = 1.5707963267948966;

    /// <summary>Natural logarithm of a positive normal double: x = m·2^e, m ∈ [√½, √2), log m = 2·atanh((m−1)/(m+1)).</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || double.IsInfinity(x) || !double.IsNormal(x))
            throw new ArgumentOutOfRangeException(nameof(x), x, "Log needs a positive, finite, normal number");
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0xFFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > Sqrt2) { m *= 0.5; e += 1; }
        double s = (m - 1.0) / (m + 1.0); // |s| <= 0.1716
        double s2 = s * s;
        // atanh(s)/s = sum_k s^(2k)/(2k+1), k = 0..11 (remainder < 1e-18)
        double p = 1.0 / 23.0;
        for (int k = 21; k >= 1; k -= 2) p = p * s2 + 1.0 / k;
        return e * Ln2 + 2.0 * s * p;
    }

    /// <summary>sin and cos of 2π·t for t ∈ [0, 1): quadrant from 4t, then Taylor series on [0, π/2).</summary>
    public static void SinCosTurns(double t, out double sin, out double cos)
    {
        t -= Math.Floor(t);
        double q4 = t * 4.0;
        int q = (int)q4;
        if (q > 3) q = 3;
        double a = (q4 - q) * HalfPi; // [0, π/2)
        double a2 = a * a;
        // sin a = a·Σ (−a²)^k/(2k+1)!, cos a = Σ (−a²)^k/(2k)!, k = 0..11
        double ps = 0, pc = 0;
        for (int k = 11; k >= 0; k--)
        {
            ps = ps * -a2 + InvFactorial[2 * k + 1];
            pc = pc * -a2 + InvFactorial[2 * k];
        }
        double s = a * ps, c = pc;
        switch (q)
        {
            case 0: sin = s; cos = c; break;
            case 1: sin = c; cos = -s; break;
            case 2: sin = -s; cos = -c; break;
            default: sin = -c; cos = s; break;
        }
    }

    /// <summary>e^x for x ≤ 700: x = n·ln2 + r with |r| ≤ ln2/2 (two-part ln2), Taylor series of e^r to r^16, times 2^n.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x) || x > 700) throw new ArgumentOutOfRangeException(nameof(x), x, "Exp needs x <= 700");
        if (x < -700) return 0.0;
        double n = Math.Round(x / Ln2);
        double r = x - n * Ln2Hi - n * Ln2Lo;
        double p = 0;
        for (int k = 16; k >= 0; k--) p = p * r + InvFactorial[k];
        return Math.ScaleB(p, (int)n);
    }

    /// <summary>The squashing non-linearity φ(x) = x / √(1 + x²) (odd, slope 1 at 0, range (−1, 1)).</summary>
    public static double Squash(double x) => x / Math.Sqrt(1.0 + x * x);

    private static readonly double[] InvFactorial = BuildInvFactorial(24);

    private static double[] BuildInvFactorial(int n)
    {
        var r = new double[n];
        double f = 1;
        for (int k = 0; k < n; k++) { if (k > 0) f *= k; r[k] = 1.0 / f; }
        return r;
    }
}
