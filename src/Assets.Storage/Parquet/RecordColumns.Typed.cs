using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Assets.Storage.Parquet;

/// <summary>A column whose member has type <typeparamref name="TProp"/>, stored as <typeparamref name="TStore"/>.</summary>
internal sealed class ColumnSpec<TRow, TProp, TStore> : ColumnSpec<TRow>
    where TStore : struct
{
    public ColumnSpec(ShapeColumn column)
        : base(column)
    {
        // Compiled when first needed: a command that starts a process per run pays for every compile, and a column
        // read straight into place or taken from the rows just written never converts a stored value.
        _fromStore = new Lazy<Func<TStore, TProp>>(() =>
        {
            ParameterExpression stored = Expression.Parameter(typeof(TStore), "stored");
            return Expression.Lambda<Func<TStore, TProp>>(ConvertFromStore(stored), stored).Compile();
        });
        Stripe = CompileStripe(column, column.Field.IsNullable);
        _members = new Lazy<Action<TRow[], int, TProp[], int>>(() => CompileMembers(column));
        _written = WrittenValues.For(column.Field, Nullable.GetUnderlyingType(typeof(TProp)) ?? typeof(TProp));
    }

    private readonly Lazy<Action<TRow[], int, TProp[], int>> _members;

    /// <summary>How written values read back, or <c>null</c> when this column is always decoded from the file.</summary>
    private readonly WrittenValues? _written;

    /// <inheritdoc />
    public override bool CanTakeWritten => _written is not null;

    /// <summary><c>(rows, start, values, count)</c>: copies the member of <c>count</c> rows from <c>start</c> into <c>values</c>.</summary>
    public Action<TRow[], int, TProp[], int> Members => _members.Value;

    /// <summary>
    /// <c>(rows, stored, levels, count) => values</c>: fills the stored values of <c>count</c> rows (non-null ones only)
    /// and, for a nullable column, their definition levels; returns how many values were stored. One compiled loop
    /// with the member read and the conversion inlined, because a delegate call for each per value adds up to a tenth
    /// of the write time over millions of rows. A required column throws on a null.
    /// </summary>
    public Func<TRow[], TStore[], int[], int, int> Stripe { get; }

    /// <summary>Converts a stored value back to the member type.</summary>
    public Func<TStore, TProp> FromStore => _fromStore.Value;

    private readonly Lazy<Func<TStore, TProp>> _fromStore;

    /// <summary>The most released buffers kept for reuse, about as many as files written and read at once.</summary>
    private const int MaxReleased = 4;

    /// <summary>Buffers larger than this (rows) are left to the GC: a large partition's arrays are not kept for the rest of the process.</summary>
    private const int MaxReleasedRows = 1 << 16;

    private readonly Stack<Buffer> _released = new();

    public override ColumnBuffer<TRow> CreateBuffer()
    {
        lock (_released)
        {
            if (_released.TryPop(out Buffer? buffer))
            {
                return buffer;
            }
        }

        return new Buffer(this);
    }

    private void Release(Buffer buffer)
    {
        if (!buffer.Clear(MaxReleasedRows))
        {
            return;
        }

        lock (_released)
        {
            if (_released.Count < MaxReleased)
            {
                _released.Push(buffer);
            }
        }
    }

    /// <summary>
    /// Compiles <c>(rows, stored, levels, count) => { for (i...) { var v = rows[i].Member; ... } return values; }</c>:
    /// for a required column a null throws, for a nullable one it gets level 0 and no stored value.
    /// </summary>
    private static Func<TRow[], TStore[], int[], int, int> CompileStripe(ShapeColumn column, bool nullable)
    {
        ParameterExpression rows = Expression.Parameter(typeof(TRow[]), "rows");
        ParameterExpression stored = Expression.Parameter(typeof(TStore[]), "stored");
        ParameterExpression levels = Expression.Parameter(typeof(int[]), "levels");
        ParameterExpression count = Expression.Parameter(typeof(int), "count");
        ParameterExpression i = Expression.Variable(typeof(int), "i");
        ParameterExpression values = Expression.Variable(typeof(int), "values");
        ParameterExpression value = Expression.Variable(typeof(TProp), "value");
        bool canBeNull = !typeof(TProp).IsValueType || Nullable.GetUnderlyingType(typeof(TProp)) is not null;
        Expression isNull = canBeNull ? Expression.Equal(value, Expression.Constant(null, typeof(TProp))) : Expression.Constant(false);
        Expression store = Expression.Assign(Expression.ArrayAccess(stored, Expression.PostIncrementAssign(values)), ConvertToStore(value));
        Expression perRow;
        if (nullable)
        {
            perRow = Expression.IfThenElse(
                isNull,
                Expression.Assign(Expression.ArrayAccess(levels, i), Expression.Constant(0)),
                Expression.Block(Expression.Assign(Expression.ArrayAccess(levels, i), Expression.Constant(1)), store));
        }
        else
        {
            MethodInfo requiredNull = typeof(ColumnSpec<TRow, TProp, TStore>).GetMethod(nameof(RequiredNull), BindingFlags.NonPublic | BindingFlags.Static)!;
            perRow = canBeNull
                ? Expression.IfThenElse(isNull, Expression.Throw(Expression.Call(requiredNull, Expression.Constant(column.ColumnName))), store)
                : store;
        }

        LabelTarget done = Expression.Label("done");
        Expression body = Expression.Block(
            [i, values, value],
            Expression.Assign(i, Expression.Constant(0)),
            Expression.Assign(values, Expression.Constant(0)),
            Expression.Loop(
                Expression.IfThenElse(
                    Expression.LessThan(i, count),
                    Expression.Block(
                        Expression.Assign(value, Expression.MakeMemberAccess(Expression.ArrayAccess(rows, i), column.Member)),
                        perRow,
                        Expression.PostIncrementAssign(i)),
                    Expression.Break(done)),
                done),
            values);
        return Expression.Lambda<Func<TRow[], TStore[], int[], int, int>>(body, rows, stored, levels, count).Compile();
    }

    /// <summary>Compiles <c>(rows, start, values, count) => { for (i...) values[i] = rows[start + i].Member; }</c>.</summary>
    private static Action<TRow[], int, TProp[], int> CompileMembers(ShapeColumn column)
    {
        ParameterExpression rows = Expression.Parameter(typeof(TRow[]), "rows");
        ParameterExpression start = Expression.Parameter(typeof(int), "start");
        ParameterExpression values = Expression.Parameter(typeof(TProp[]), "values");
        ParameterExpression count = Expression.Parameter(typeof(int), "count");
        ParameterExpression i = Expression.Variable(typeof(int), "i");
        LabelTarget done = Expression.Label("done");
        Expression member = Expression.MakeMemberAccess(Expression.ArrayAccess(rows, Expression.Add(start, i)), column.Member);
        Expression body = Expression.Block(
            [i],
            Expression.Assign(i, Expression.Constant(0)),
            Expression.Loop(
                Expression.IfThenElse(
                    Expression.LessThan(i, count),
                    Expression.Block(
                        Expression.Assign(Expression.ArrayAccess(values, i), member.Type == typeof(TProp) ? member : Expression.Convert(member, typeof(TProp))),
                        Expression.PostIncrementAssign(i)),
                    Expression.Break(done)),
                done));
        return Expression.Lambda<Action<TRow[], int, TProp[], int>>(body, rows, start, values, count).Compile();
    }

    private static InvalidOperationException RequiredNull(string columnName) => new(
        $"Column '{columnName}' is required (not nullable) but a record in this row group has null there.");

    private static Expression ConvertToStore(Expression value)
    {
        Expression bare = Nullable.GetUnderlyingType(value.Type) is null ? value : Expression.Property(value, "Value");
        if (bare.Type == typeof(string))
        {
            MethodInfo asMemory = typeof(MemoryExtensions).GetMethod(nameof(MemoryExtensions.AsMemory), [typeof(string)])!;
            return Expression.Call(asMemory, bare);
        }

        if (bare.Type == typeof(byte[]))
        {
            return Expression.New(typeof(ReadOnlyMemory<byte>).GetConstructor([typeof(byte[])])!, bare);
        }

        if (bare.Type == typeof(TimeOnly))
        {
            return Expression.Property(bare, nameof(TimeOnly.Ticks));
        }

        return bare.Type == typeof(TStore) ? bare : Expression.Convert(bare, typeof(TStore));
    }

    private static Expression ConvertFromStore(Expression stored)
    {
        Type bareType = Nullable.GetUnderlyingType(typeof(TProp)) ?? typeof(TProp);
        Expression bare;
        if (bareType == typeof(string))
        {
            bare = Expression.Call(stored, typeof(ReadOnlyMemory<char>).GetMethod(nameof(ToString), Type.EmptyTypes)!);
        }
        else if (bareType == typeof(byte[]))
        {
            bare = Expression.Call(stored, typeof(ReadOnlyMemory<byte>).GetMethod(nameof(ReadOnlyMemory<byte>.ToArray), Type.EmptyTypes)!);
        }
        else if (bareType == typeof(TimeOnly))
        {
            bare = Expression.New(typeof(TimeOnly).GetConstructor([typeof(long)])!, stored);
        }
        else if (bareType == typeof(DateTime))
        {
            // Parquet.Net returns Unspecified; the columns are UTC-adjusted timestamps.
            MethodInfo specifyKind = typeof(DateTime).GetMethod(nameof(DateTime.SpecifyKind), [typeof(DateTime), typeof(DateTimeKind)])!;
            bare = Expression.Call(specifyKind, stored, Expression.Constant(DateTimeKind.Utc));
        }
        else
        {
            bare = bareType == typeof(TStore) ? stored : Expression.Convert(stored, bareType);
        }

        return bare.Type == typeof(TProp) ? bare : Expression.Convert(bare, typeof(TProp));
    }

    private sealed class Buffer(ColumnSpec<TRow, TProp, TStore> spec) : ColumnBuffer<TRow>
    {
        private static readonly bool IsIdentity = typeof(TProp) == typeof(TStore) && typeof(TProp) != typeof(DateTime);

        private TStore[] _stored = [];
        private int[] _levels = [];
        private TProp[] _decoded = [];

        public override void Release() => spec.Release(this);

        /// <summary>Drops the references the arrays hold; <c>false</c> when they are larger than <paramref name="maxRows"/> (not worth keeping).</summary>
        public bool Clear(int maxRows)
        {
            if (Math.Max(_stored.Length, Math.Max(_levels.Length, _decoded.Length)) > maxRows)
            {
                return false;
            }

            if (RuntimeHelpers.IsReferenceOrContainsReferences<TStore>())
            {
                Array.Clear(_stored);
            }

            if (RuntimeHelpers.IsReferenceOrContainsReferences<TProp>())
            {
                Array.Clear(_decoded);
            }

            return true;
        }

        public override async Task WriteAsync(ParquetRowGroupWriter rowGroup, TRow[] rows, int count, CancellationToken cancellationToken)
        {
            DataField field = spec.Field;
            int values = spec.Stripe(rows, Grow(ref _stored, count), field.IsNullable ? Grow(ref _levels, count) : _levels, count);
            await rowGroup.WriteAllPartsAsync(
                field,
                new ReadOnlyMemory<TStore>(_stored, 0, values),
                field.IsNullable ? new ReadOnlyMemory<int>(_levels, 0, count) : (ReadOnlyMemory<int>?)null,
                null,
                cancellationToken).ConfigureAwait(false);
            if (RuntimeHelpers.IsReferenceOrContainsReferences<TStore>())
            {
                Array.Clear(_stored, 0, values);
            }
        }

        public override async ValueTask<object> ReadAsync(ParquetRowGroupReader rowGroup, int count, CancellationToken cancellationToken)
        {
            DataField field = spec.Field;
            TProp[] decoded = Grow(ref _decoded, count);
            if (!field.IsNullable && IsIdentity)
            {
                // Same type in memory and in the file (int, long, double, DateTime, ...): read straight into place.
                await rowGroup.ReadRawAsync(field, new Memory<TStore>((TStore[])(object)decoded, 0, count), null, null, cancellationToken)
                    .ConfigureAwait(false);
                return decoded;
            }

            TStore[] stored = Grow(ref _stored, count);
            int[]? levels = field.IsNullable ? Grow(ref _levels, count) : null;
            await rowGroup.ReadRawAsync(
                field,
                new Memory<TStore>(stored, 0, count),
                levels is null ? (Memory<int>?)null : new Memory<int>(levels, 0, count),
                null,
                cancellationToken).ConfigureAwait(false);
            Decode(stored, levels, decoded, count);
            return decoded;
        }

        public override bool TryTakeWritten(TRow[] written, int start, int count, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? values)
        {
            values = null;
            if (spec._written is not { } check)
            {
                return false;
            }

            TProp[] taken = Grow(ref _decoded, count);
            spec.Members(written, start, taken, count);
            if (!check.TryReadBackAs(taken, count))
            {
                return false;
            }

            values = taken;
            return true;
        }

        private void Decode(TStore[] stored, int[]? levels, TProp[] decoded, int count)
        {
            Func<TStore, TProp> fromStore = spec.FromStore;
            if (levels is null)
            {
                for (int i = 0; i < count; i++)
                {
                    decoded[i] = fromStore(stored[i]);
                }
            }
            else
            {
                int next = 0;
                for (int i = 0; i < count; i++)
                {
                    decoded[i] = levels[i] == 0 ? default! : fromStore(stored[next++]);
                }
            }

            if (RuntimeHelpers.IsReferenceOrContainsReferences<TStore>())
            {
                Array.Clear(stored, 0, count);
            }
        }

        private static TItem[] Grow<TItem>(ref TItem[] array, int count)
        {
            if (array.Length < count)
            {
                array = new TItem[count];
            }

            return array;
        }
    }
}
