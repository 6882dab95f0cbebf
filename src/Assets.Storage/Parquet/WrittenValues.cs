using Parquet.Schema;

namespace Assets.Storage.Parquet;

/// <summary>
/// How the values a column was written with turn into the values reading the file gives back, where that can be
/// proven value by value: a reader of rows this process just wrote takes them from the written rows instead of
/// decoding the file only when every value of the row group passes (otherwise it decodes, and gets what the file holds).
/// </summary>
internal abstract class WrittenValues
{
    /// <summary>The check for a column of <paramref name="field"/> whose member has the bare type <paramref name="bare"/>; <c>null</c> when it is always decoded.</summary>
    public static WrittenValues? For(DataField field, Type bare)
    {
        Type type = bare.IsEnum ? Enum.GetUnderlyingType(bare) : bare;
        if (type == typeof(bool) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
            || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) || type == typeof(DateOnly))
        {
            return Copied.Instance; // a plain copy of the bits
        }

        if (type == typeof(string))
        {
            return WellFormedStrings.Instance;
        }

        if (type == typeof(decimal) && field is DecimalDataField { Precision: > 0 and <= 38 } decimalField
            && decimalField.Scale >= 0 && decimalField.Scale <= 28 && decimalField.Scale <= decimalField.Precision)
        {
            // Parquet.Net stores precision 1-9 as INT32 and 10-18 as INT64 (the integer times 10^-scale on reading:
            // the value at the column's scale), more as fixed-length bytes (integer part plus the fraction divided
            // out: the value at the fewest decimals that hold it).
            bool asBytes = decimalField.ForceByteArrayEncoding || decimalField.Precision > 18;
            return new Decimals(decimalField.Precision, decimalField.Scale, asBytes);
        }

        if (type == typeof(DateTime) && field is DateTimeDataField timestampField && UnitTicks(timestampField) is { } unitTicks)
        {
            return new UtcTimestamps(unitTicks);
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return FloatingPoint.Instance;
        }

        // Times, GUIDs and byte arrays: not worth the risk.
        return null;
    }

    /// <summary>
    /// Turns <paramref name="count"/> written values (an array of the member type, nulls included for a nullable
    /// member) into what the file reads back as, in place; <c>false</c> when one of them cannot be proven to.
    /// </summary>
    public abstract bool TryReadBackAs(Array values, int count);

    /// <summary>The ticks of the unit a timestamp column stores; <c>null</c> for the formats not taken from written rows.</summary>
    private static long? UnitTicks(DateTimeDataField field) => field.DateTimeFormat switch
    {
        DateTimeFormat.Impala => 1, // INT96: Julian day and nanoseconds of the day, finer than a tick
        DateTimeFormat.DateAndTime => TimeSpan.TicksPerMillisecond,
        DateTimeFormat.DateAndTimeMicros => TimeSpan.TicksPerMicrosecond,
        DateTimeFormat.Timestamp when field.Unit == DateTimeTimeUnit.Millis => TimeSpan.TicksPerMillisecond,
        DateTimeFormat.Timestamp when field.Unit == DateTimeTimeUnit.Micros => TimeSpan.TicksPerMicrosecond,
        _ => null, // nanoseconds overflow a long outside 1677-2262; dates drop the time of day
    };

    private sealed class Copied : WrittenValues
    {
        public static readonly Copied Instance = new();

        public override bool TryReadBackAs(Array values, int count) => true;
    }

    /// <summary>Ill-formed UTF-16 (a lone surrogate) does not survive the UTF-8 in the file: the file says what it holds.</summary>
    private sealed class WellFormedStrings : WrittenValues
    {
        public static readonly WellFormedStrings Instance = new();

        public override bool TryReadBackAs(Array values, int count)
        {
            var strings = (string?[])values;
            for (int i = 0; i < count; i++)
            {
                if (strings[i] is { } text && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// A decimal column stores the value times 10^scale as an integer. A written value is taken when that is exact:
    /// at most <c>scale</c> decimals (the write cuts more), within the column's precision, and not a negative zero
    /// (which reads back positive). It then reads back as the same number with as many decimals as the physical type
    /// gives: the column's scale from INT32 and INT64 (<c>1.5</c> in a scale-2 column reads back as <c>1.50</c>), the
    /// fewest that hold it from fixed-length bytes (<c>1.50</c> reads back as <c>1.5</c>, <c>2.00</c> as <c>2</c>).
    /// </summary>
    private sealed class Decimals(int precision, int scale, bool normalized) : WrittenValues
    {
        private static readonly UInt128[] PowersOfTen = Enumerable.Range(0, 39)
            .Select(n => Enumerable.Repeat((UInt128)10, n).Aggregate(UInt128.One, (product, ten) => product * ten)).ToArray();

        /// <summary>The largest unscaled integer a decimal holds (2^96 - 1).</summary>
        private static readonly UInt128 MaxUnscaled = (UInt128.One << 96) - 1;

        /// <summary>The largest integer the column stores: precision digits, and for INT32/INT64 one a decimal holds at the column's scale.</summary>
        private readonly UInt128 _limit = normalized ? PowersOfTen[precision] - 1 : UInt128.Min(PowersOfTen[precision] - 1, MaxUnscaled);

        public override bool TryReadBackAs(Array values, int count)
        {
            if (values is decimal[] required)
            {
                for (int i = 0; i < count; i++)
                {
                    if (!TryReadBackAs(required[i], out required[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            var nullable = (decimal?[])values;
            for (int i = 0; i < count; i++)
            {
                if (nullable[i] is { } value)
                {
                    if (!TryReadBackAs(value, out decimal read))
                    {
                        return false;
                    }

                    nullable[i] = read;
                }
            }

            return true;
        }

        private bool TryReadBackAs(decimal value, out decimal read)
        {
            read = value;
            int valueScale = value.Scale;
            if (valueScale > scale)
            {
                return false;
            }

            Span<int> bits = stackalloc int[4];
            decimal.GetBits(value, bits);
            UInt128 unscaled = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
            bool negative = bits[3] < 0;
            if (unscaled == UInt128.Zero && negative)
            {
                return false;
            }

            // Compared before multiplying: unscaled < 2^96 and the power <= 10^28, so the product might not fit 128 bits.
            UInt128 power = PowersOfTen[scale - valueScale];
            if (unscaled > _limit / power)
            {
                return false;
            }

            int readScale = scale;
            UInt128 readUnscaled = unscaled * power;
            if (normalized)
            {
                readScale = valueScale;
                readUnscaled = unscaled;
                while (readScale > 0 && readUnscaled % 10 == 0)
                {
                    readUnscaled /= 10;
                    readScale--;
                }
            }

            read = new decimal((int)(uint)readUnscaled, (int)(uint)(readUnscaled >> 32), (int)(uint)(readUnscaled >> 64), negative, (byte)readScale);
            return true;
        }
    }

    /// <summary>
    /// A timestamp reads back with the ticks the column's unit keeps and the kind UTC. A written value is taken when it
    /// is UTC already (a local or unspecified one may be converted by the write) and has no ticks below the unit.
    /// </summary>
    private sealed class UtcTimestamps(long unitTicks) : WrittenValues
    {
        public override bool TryReadBackAs(Array values, int count)
        {
            if (values is DateTime[] required)
            {
                for (int i = 0; i < count; i++)
                {
                    if (!Exact(required[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            var nullable = (DateTime?[])values;
            for (int i = 0; i < count; i++)
            {
                if (nullable[i] is { } value && !Exact(value))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Exact(DateTime value) => value.Kind == DateTimeKind.Utc && value.Ticks % unitTicks == 0;
    }

    /// <summary>
    /// Floating point is stored bit for bit, but a dictionary page keeps one value per equal ones: 0.0 and -0.0 are
    /// equal, and so are NaNs of different payloads. A row group with no negative zero and no NaN reads back exactly.
    /// </summary>
    private sealed class FloatingPoint : WrittenValues
    {
        public static readonly FloatingPoint Instance = new();

        public override bool TryReadBackAs(Array values, int count) => values switch
        {
            double[] doubles => AllPlain(doubles.AsSpan(0, count)),
            float[] floats => AllPlain(floats.AsSpan(0, count)),
            double?[] doubles => AllPlain(doubles.AsSpan(0, count)),
            float?[] floats => AllPlain(floats.AsSpan(0, count)),
            _ => false,
        };

        private static bool AllPlain(ReadOnlySpan<double> values)
        {
            foreach (double value in values)
            {
                if (double.IsNaN(value) || (value == 0 && double.IsNegative(value)))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool AllPlain(ReadOnlySpan<float> values)
        {
            foreach (float value in values)
            {
                if (float.IsNaN(value) || (value == 0 && float.IsNegative(value)))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool AllPlain(ReadOnlySpan<double?> values)
        {
            foreach (double? value in values)
            {
                if (value is { } present && (double.IsNaN(present) || (present == 0 && double.IsNegative(present))))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool AllPlain(ReadOnlySpan<float?> values)
        {
            foreach (float? value in values)
            {
                if (value is { } present && (float.IsNaN(present) || (present == 0 && float.IsNegative(present))))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
